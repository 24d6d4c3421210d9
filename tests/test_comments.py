"""Comments: anonymous with moderation settings, one level of replies, edit window,
deletion placeholders, safe rendering."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from initiatives.models import Initiative
from participation.models import Comment
from participation.services import delete_comment, edit_comment, post_comment
from platform_core import transaction
from platform_core.extensions import db
from platform_core.models import User
from platform_core.transaction import unit_of_work
from platform_core.validation import PermissionDenied, ValidationFailed

from .conftest import login, post_form


@pytest.fixture
def item(place, make_user):
    return place(make_user("owner@example.nl", name="Olga"))


def _comment(app, item_id, body="Goed idee!", **kw):
    with app.app_context(), unit_of_work():
        author = db.session.get(User, kw.pop("author")) if "author" in kw else None
        parent = db.session.get(Comment, kw.pop("parent")) if "parent" in kw else None
        c = post_comment(db.session.get(Initiative, item_id), body, author, parent=parent, **kw)
        return c.id, c.status


def test_anonymous_comment_is_held_for_moderation(app, client, item):
    page = f"/initiatieven/{item}"
    resp = post_form(
        client,
        f"{page}/reacties",
        {"body": "Ik help mee!", "author_name": "Buurvrouw Ans"},
        token_from=page,
        follow_redirects=True,
    )
    html = resp.get_data(as_text=True)
    assert "verschijnt zodra de redactie" in html
    assert "Ik help mee!" not in html
    with app.app_context(), unit_of_work():
        assert db.session.scalar(text("SELECT status FROM comment")) == "pending"
        assert db.session.get(Initiative, item).comments_count == 0


def test_anonymous_comment_is_published_at_once_under_post_moderation(app, client, item):
    with app.app_context(), unit_of_work():
        db.session.execute(text("UPDATE municipality SET anonymous_comments = 'post'"))
        transaction.commit()
    page = f"/initiatieven/{item}"
    resp = post_form(
        client,
        f"{page}/reacties",
        {"body": "Ik help mee!", "author_name": "Ans"},
        token_from=page,
        follow_redirects=True,
    )
    html = resp.get_data(as_text=True)
    assert "Ik help mee!" in html
    assert "zonder account" in html


def test_logged_in_comment_is_published_at_once(app, client, item, make_user):
    make_user("henk@example.nl", name="Henk")
    login(client, "henk@example.nl")
    page = f"/initiatieven/{item}"
    resp = post_form(
        client, f"{page}/reacties", {"body": "Wanneer beginnen we?"}, token_from=page, follow_redirects=True
    )
    html = resp.get_data(as_text=True)
    assert "Wanneer beginnen we?" in html
    assert "1 reactie" in html


def test_anonymous_needs_a_name_and_errors_keep_the_text(app, client, item):
    page = f"/initiatieven/{item}"
    resp = post_form(
        client, f"{page}/reacties", {"body": "Mijn lange verhaal", "author_email": "geen-mail"}, token_from=page
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "Vul uw naam in." in html
    assert "Vul een geldig e-mailadres in" in html
    assert "Mijn lange verhaal" in html
    with app.app_context(), unit_of_work():
        assert db.session.scalar(text("SELECT count(*) FROM comment")) == 0


def test_empty_or_oversized_comment_is_refused(app, item, make_user):
    uid = make_user()
    with pytest.raises(ValidationFailed):
        _comment(app, item, "", author=uid)
    with pytest.raises(ValidationFailed) as exc:
        _comment(app, item, "x" * 2001, author=uid)
    assert "Hoogstens 2000 tekens" in exc.value.errors["body"]


def test_replies_are_one_level_deep(app, item, make_user):
    uid = make_user()
    top, _ = _comment(app, item, "Eerste", author=uid)
    reply, _ = _comment(app, item, "Antwoord", author=uid, parent=top)
    deeper, _ = _comment(app, item, "Antwoord op antwoord", author=uid, parent=reply)
    with app.app_context(), unit_of_work():
        assert db.session.get(Comment, reply).parent_id == top
        assert db.session.get(Comment, deeper).parent_id == top


def test_authors_edit_within_fifteen_minutes_only(app, item, make_user):
    uid = make_user()
    other = make_user("other@example.nl")
    cid, _ = _comment(app, item, "Tikfout", author=uid)
    with app.app_context(), unit_of_work():
        comment = db.session.get(Comment, cid)
        with pytest.raises(PermissionDenied):
            edit_comment(db.session.get(User, other), comment, "Overgenomen")
        edit_comment(db.session.get(User, uid), comment, "Verbeterd")
        assert comment.edited_at is not None
        comment.created_at = comment.created_at - timedelta(minutes=16)
        transaction.commit()
        with pytest.raises(ValidationFailed):  # too late: said next to the field, not refused as a stranger
            edit_comment(db.session.get(User, uid), db.session.get(Comment, cid), "Te laat")
        assert db.session.get(Comment, cid).body == "Verbeterd"


def test_deleting_leaves_a_visible_placeholder_and_keeps_replies(app, client, item, make_user):
    uid = make_user("henk@example.nl", name="Henk")
    other = make_user("ans@example.nl", name="Ans")
    top, _ = _comment(app, item, "Dit wil ik terugnemen", author=uid)
    _comment(app, item, "Ik reageer hierop", author=other, parent=top)
    with app.app_context(), unit_of_work():
        with pytest.raises(PermissionDenied):
            delete_comment(db.session.get(User, other), db.session.get(Comment, top))
        delete_comment(db.session.get(User, uid), db.session.get(Comment, top))
        assert db.session.get(Initiative, item).comments_count == 1
    html = client.get(f"/initiatieven/{item}").get_data(as_text=True)
    assert "Deze reactie is verwijderd door de schrijver." in html
    assert "Dit wil ik terugnemen" not in html
    assert "Ik reageer hierop" in html


def test_comment_text_is_escaped_and_links_are_safe(app, client, item, make_user):
    uid = make_user()
    body = "<script>alert(1)</script> zie https://buurt.example.org/plan?a=1&b=2 en javascript:alert(2)"
    _comment(app, item, body, author=uid)
    html = client.get(f"/initiatieven/{item}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="https://buurt.example.org/plan?a=1&amp;b=2" rel="nofollow noopener ugc"' in html
    assert 'href="javascript' not in html


def test_honeypot_swallows_bot_comments(app, client, item):
    page = f"/initiatieven/{item}"
    post_form(client, f"{page}/reacties", {"body": "Koop nu!", "author_name": "Bot", "website": "x"}, token_from=page)
    with app.app_context(), unit_of_work():
        assert db.session.scalar(text("SELECT count(*) FROM comment")) == 0


def test_comment_bursts_are_limited_with_a_friendly_message(app, client, item):
    page = f"/initiatieven/{item}"
    statuses = []
    for i in range(6):
        resp = post_form(client, f"{page}/reacties", {"body": f"Reactie {i}", "author_name": "Ans"}, token_from=page)
        statuses.append(resp.status_code)
    assert statuses == [302] * 5 + [429]
    assert "U doet dit te vaak" in resp.get_data(as_text=True)


def test_one_address_has_an_hourly_cap_across_accounts(app, client, item, make_user):
    page = f"/initiatieven/{item}"
    statuses = []
    for n in range(5):
        make_user(f"buur{n}@example.nl")
        browser = client.application.test_client()
        login(browser, f"buur{n}@example.nl")
        for i in range(5 if n < 4 else 1):
            resp = post_form(browser, f"{page}/reacties", {"body": f"Reactie {n}-{i}"}, token_from=page)
            statuses.append(resp.status_code)
    assert statuses == [302] * 20 + [429]


def test_replying_from_the_antwoorden_link_keeps_the_thread(app, client, item, make_user):
    uid = make_user("henk@example.nl", name="Henk")
    make_user("ans@example.nl", name="Ans")
    top, _ = _comment(app, item, "Wie heeft een ladder?", author=uid)
    login(client, "ans@example.nl")
    page = f"/initiatieven/{item}?antwoord={top}"
    html = client.get(page).get_data(as_text=True)
    assert "Antwoord op Henk" in html
    assert f'name="parent_id" value="{top}"' in html
    resp = post_form(client, f"/initiatieven/{item}/reacties", {"body": "Ik!", "parent_id": str(top)}, token_from=page)
    assert resp.status_code == 302
    with app.app_context(), unit_of_work():
        reply = db.session.scalar(text("SELECT parent_id FROM comment WHERE body = 'Ik!'"))
    assert reply == top


def test_report_page_shows_what_is_reported(app, client, item, make_user):
    cid, _ = _comment(app, item, "Koop mijn fiets", author=make_user())
    html = client.get(f"/melden/comment/{cid}").get_data(as_text=True)
    assert "Reactie melden" in html
    assert "Koop mijn fiets" in html
    resp = post_form(client, f"/melden/comment/{cid}", {"reason": ""})
    assert resp.status_code == 400
    assert "Schrijf kort waarom" in resp.get_data(as_text=True)
