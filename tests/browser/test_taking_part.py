"""Joining, commenting without an account, the moderation queue, and no user script
ever running, in headless Chromium."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from initiatives.models import Initiative
from participation.services import post_comment
from platform_core import transaction
from platform_core.extensions import db
from platform_core.models import User
from platform_core.transaction import unit_of_work

from ..conftest import PASSWORD
from .conftest import browser_login

pytestmark = pytest.mark.browser


@pytest.fixture
def item(place, make_user):
    return place(make_user("owner@example.nl", name="Olga"), title="Buurtmoestuin Spoorzicht")


def test_resident_joins_with_an_offer(page, item, make_user):
    make_user("henk@example.nl", name="Henk")
    browser_login(page, "henk@example.nl", PASSWORD)
    page.goto(f"/initiatieven/{item}")
    page.fill("#offer", "Ik heb een kruiwagen")
    page.click("text=Ik doe mee")
    page.wait_for_selector("text=U doet mee en volgt dit initiatief")
    assert page.inner_text("#aantal-deelnemers") == "1 doet mee"
    assert "U biedt: Ik heb een kruiwagen" in page.inner_text("#meedoen")


def test_a_pluim_and_a_delete_on_a_comment_work_from_the_pages_one_action_form(app, page, item, make_user):
    """A comment's pluim and delete buttons carry no form of their own (issue 28: a long
    discussion's page stays small); each sends the page's one action form to its own address."""
    henk = make_user("henk@example.nl", name="Henk")
    ans = make_user("ans@example.nl", name="Ans")
    with app.app_context(), unit_of_work():
        post_comment(db.session.get(Initiative, item), "Goed plan, ik help zaterdag.", db.session.get(User, ans))
        post_comment(db.session.get(Initiative, item), "Ik neem koffie mee.", db.session.get(User, henk))
    browser_login(page, "henk@example.nl", PASSWORD)
    page.goto(f"/initiatieven/{item}")
    assert page.locator("article.comment .comment-actions > form").count() == 0  # only editing has its own form
    theirs = page.locator("article.comment", has_text="Goed plan, ik help zaterdag.")
    theirs.get_by_role("button", name="Geef een pluim").click()
    page.wait_for_load_state()
    theirs = page.locator("article.comment", has_text="Goed plan, ik help zaterdag.")
    assert theirs.get_by_role("button", name="Pluim intrekken").get_attribute("aria-pressed") == "true"
    page.locator("article.comment", has_text="Ik neem koffie mee.").get_by_role("button", name="Verwijderen").click()
    page.wait_for_selector("text=Deze reactie is verwijderd door de schrijver.")


def test_visitor_comments_without_an_account(app, page, item):
    with app.app_context(), unit_of_work():
        db.session.execute(text("UPDATE municipality SET anonymous_comments = 'post'"))
        transaction.commit()
    page.goto(f"/initiatieven/{item}")
    page.fill("#reactie-nieuw-body", "Ik kom zaterdag helpen!")
    page.fill("#reactie-nieuw-naam", "Buurvrouw Ans")
    page.click("text=Plaats reactie")
    page.wait_for_selector("text=Uw reactie staat erbij.")
    comment = page.locator("article.comment", has_text="Ik kom zaterdag helpen!")
    assert "Buurvrouw Ans" in comment.inner_text()
    assert "zonder account" in comment.inner_text()


def test_held_comment_is_published_from_the_moderation_queue(app, page, item, make_user):
    make_user("redactie@example.nl", roles=("moderator",), name="Redactie")
    page.goto(f"/initiatieven/{item}")
    page.fill("#reactie-nieuw-body", "Mag ik mijn buurman meenemen?")
    page.fill("#reactie-nieuw-naam", "Kees")
    page.click("text=Plaats reactie")
    page.wait_for_selector("text=Uw reactie verschijnt zodra de redactie hem heeft bekeken.")
    assert page.locator("text=Mag ik mijn buurman meenemen?").count() == 0

    browser_login(page, "redactie@example.nl", PASSWORD)
    page.goto("/redactie")
    held = page.locator(".queue-item", has_text="Mag ik mijn buurman meenemen?")
    held.locator("button", has_text="Plaatsen").click()
    page.wait_for_selector("text=Het besluit is opgeslagen en vastgelegd.")
    assert page.locator("td", has_text="keurde een reactie bij").count() == 1  # the log reads as a sentence
    page.goto(f"/initiatieven/{item}")
    assert page.locator("article.comment", has_text="Mag ik mijn buurman meenemen?").count() == 1


def test_no_user_text_runs_as_script(app, page, live_server, make_user, place):
    evil = '<img src=x onerror="window.__xss=1;alert(1)"><script>window.__xss=2</script>'
    uid = make_user("evil@example.nl", name=f"K {evil}"[:80])
    item_id = place(
        uid,
        title=f"Plan {evil}"[:120],
        summary=f"Samen iets doen {evil}"[:300],
        description=f"[klik](javascript:window.__xss=3) {evil}",
        links='https://example.org/"onmouseover="window.__xss=4',
    )
    with app.app_context(), unit_of_work():
        db.session.execute(text("UPDATE municipality SET anonymous_comments = 'post'"))
        transaction.commit()
        item = db.session.get(Initiative, item_id)
        post_comment(item, f"Reactie {evil} javascript:alert(5) https://example.org/?q=<b>", db.session.get(User, uid))
        post_comment(item, f"Anoniem {evil}", author_name=f"Naam {evil}"[:80])
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"/initiatieven/{item_id}")
    assert "<img src=x onerror=" in page.inner_text("h1")  # shown as text, not as markup
    for path in (f"/initiatieven/{item_id}", "/initiatieven", "/?lat=52.095&lon=5.1&z=16"):
        page.goto(path)
        if path.startswith("/?"):
            page.wait_for_selector("#treasure-map[data-state=ready]")
            page.locator(".initiative-marker").first.click()  # the popup shows the title
            page.wait_for_selector(".leaflet-popup-content a")
        for link in page.locator("a").all():
            href = link.get_attribute("href") or ""
            assert not href.lower().startswith("javascript:"), href
        assert page.evaluate("() => window.__xss") is None, path
    browser_login(page, "evil@example.nl", PASSWORD)
    page.goto("/mijn")
    assert page.evaluate("() => window.__xss") is None
    assert dialogs == []


def test_an_empty_comment_is_refused_and_the_error_is_heard(page, item, make_user):
    """Errors you hear (issue 29): the form comes back with a summary that has the focus (a screen
    reader reads it at once) and links to the field, which says what to do."""
    make_user("henk@example.nl", name="Henk")
    browser_login(page, "henk@example.nl", PASSWORD)
    page.goto(f"/initiatieven/{item}")
    page.click("text=Plaats reactie")
    page.wait_for_load_state()
    summary = page.locator(".error-summary")
    assert summary.count() == 1
    assert page.evaluate("() => document.activeElement.classList.contains('error-summary')")
    link = summary.get_by_role("link")
    assert link.get_attribute("href") == "#reactie-nieuw-body"
    message = link.inner_text()
    link.click()
    assert page.evaluate("() => document.activeElement.id") == "reactie-nieuw-body"
    assert page.inner_text("#reactie-nieuw-body-fout") == message
    assert page.get_attribute("#reactie-nieuw-body", "aria-invalid") == "true"
