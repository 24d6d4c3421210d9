"""WCAG 2.2: help, and the way around, in the same place on every page (3.2.6 Consistent Help,
3.2.3 Consistent Navigation), for a visitor, a resident and an administrator, on ordinary pages
and on the pages that say something went wrong."""

from __future__ import annotations

import re

from .conftest import INSIDE, login

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
