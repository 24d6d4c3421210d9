"""WCAG 2.2 across pages and steps: help, and the way around, in the same place on every page (3.2.6
Consistent Help, 3.2.3 Consistent Navigation), for a visitor, a resident and an administrator, on
ordinary pages and on the pages that say something went wrong; and nothing asked twice (3.3.7
Redundant Entry), with every field saying what it holds (1.3.5)."""

from __future__ import annotations

import re

from .conftest import INSIDE, login, post_form
from .test_accounts import SANNE, _link, wait_for_mail

FOOTER = re.compile(r"<footer\b.*?</footer>", re.S)
NAV = re.compile(r'<nav aria-label="Hoofdmenu".*?</nav>', re.S)
HREF = re.compile(r'href="([^"]+)"')


def _links(pattern: re.Pattern, html: str) -> list[str]:
    found = pattern.search(html)
    assert found, "the page has no such part"
    return HREF.findall(found.group())


def test_help_and_the_menu_are_in_the_same_place_on_every_page(app, client, make_user, place):
    owner = make_user("sanne@example.nl")
    make_user("beheer@gemeente.nl", roles=("admin",))
    item = place(owner, title="Bankjes langs de singel", lat=INSIDE[0], lon=INSIDE[1])
    pages = ["/", "/initiatieven", f"/initiatieven/{item}", "/inloggen", "/registreren", "/wegwijzer",
             "/privacy", "/toegankelijkheid", "/bestaat-niet", "/initiatieven/99999999"]  # fmt: skip
    footers, menus = {}, {}

    def visit(reader: str, paths: list[str], browser=client) -> None:
        for path in paths:
            response = browser.get(path)
            assert response.status_code in (200, 404), (reader, path, response.status_code)
            html = response.get_data(as_text=True)
            footers[(reader, path)] = _links(FOOTER, html)
            menus[(reader, path)] = _links(NAV, html)

    visit("visitor", pages)
    login(client, "sanne@example.nl")
    visit("resident", [*pages[:3], "/mijn", "/account", "/initiatieven/nieuw", "/bestaat-niet"])
    admin = app.test_client()
    login(admin, "beheer@gemeente.nl")
    visit("admin", ["/", "/beheer/", "/beheer/instellingen", "/bestaat-niet"], admin)

    first = next(iter(footers.values()))
    assert "/wegwijzer" in first  # the self-help: what the words and steps mean
    assert {tuple(links) for links in footers.values()} == {tuple(first)}, "help moved on some page"
    # Menus differ by role (a resident has Mijn, an administrator Beheer) but what two pages share
    # is in the same order: each reader's menu is the same on all their pages, and the items a
    # visitor's menu shares with anyone's are in the same order in both.
    for reader in ("visitor", "resident", "admin"):
        theirs = {tuple(links) for (who, _path), links in menus.items() if who == reader}
        assert len(theirs) == 1, (reader, theirs)
    visitor = menus[("visitor", "/")]
    for links in menus.values():
        assert [link for link in visitor if link in links] == [link for link in links if link in visitor]


def test_the_address_given_when_signing_up_is_not_asked_again_at_the_first_login(client, smtp_server):
    post_form(client, "/registreren", SANNE)
    link = _link(wait_for_mail(smtp_server)[0][1], "/account/bevestigen/")
    login_page = post_form(client, link, {}, follow_redirects=True).get_data(as_text=True)
    email = re.search(r'<input[^>]*id="email"[^>]*>', login_page).group()
    assert 'value="sanne@example.nl"' in email
    assert 'autocomplete="username"' in email
    assert 'autocomplete="current-password"' in login_page
    signed_in = post_form(client, "/inloggen", {"email": "sanne@example.nl", "password": SANNE["password"]})
    assert signed_in.status_code == 302
    register = client.get("/registreren").get_data(as_text=True)
    for purpose in ("name", "email", "new-password"):
        assert f'autocomplete="{purpose}"' in register


def test_a_resident_writing_to_an_initiator_is_not_asked_for_what_their_account_holds(
    app, client, make_user, place, smtp_server
):
    """A visitor gives a name and an address for the answer; a logged-in resident gives neither:
    the account's go with the message (and the page others see is not changed by it)."""
    owner = make_user("olga@example.nl")
    make_user("sanne@example.nl", name="Sanne de Vries")
    item = place(owner, title="Bankjes langs de singel", lat=INSIDE[0], lon=INSIDE[1])
    page = f"/initiatieven/{item}"
    visitor = app.test_client().get(page).get_data(as_text=True)
    assert 'autocomplete="name"' in visitor
    assert 'autocomplete="email"' in visitor
    login(client, "sanne@example.nl")
    mine = client.get(page).get_data(as_text=True)
    contact = mine[mine.index('id="contact-kop"') :]
    assert 'name="email"' not in contact
    assert 'name="name"' not in contact
    assert "Uw naam en het e-mailadres van uw account gaan mee" in contact
    smtp_server.messages.clear()
    sent = post_form(client, f"{page}/contact", {"message": "Ik help graag mee."}, token_from=page)
    assert sent.status_code == 302
    (_to, message), *_ = wait_for_mail(smtp_server)
    assert message["Reply-To"] == "sanne@example.nl"
    assert "Sanne de Vries stuurt u een bericht" in message.get_body().get_content()
    assert 'name="email"' in app.test_client().get(page).get_data(as_text=True)  # visitors still asked
