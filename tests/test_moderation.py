"""Flags, the moderation queue, recorded decisions, reasons shown in place, house rules."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from initiatives.models import Initiative
from participation.models import Comment, Flag, ModerationDecision
from participation.moderation import decide, flag, update_house_rules
from participation.services import post_comment
from platform_core.extensions import db
from platform_core.models import User
from platform_core.transaction import unit_of_work
from platform_core.validation import PermissionDenied, ValidationFailed

from .conftest import login, post_form
from .factories import cast as make_cast
from .factories import the


@pytest.fixture
def scene(app, make_user, place):
    ids = make_cast(make_user, "owner", "mod")
    return {**ids, "item": place(ids["owner"], title="Speeltuin opknappen")}


def _anon_comment(app, item_id, body="Wanneer begint het?"):
    with app.app_context(), unit_of_work():
        return post_comment(db.session.get(Initiative, item_id), body, author_name="Ans").id


def test_moderator_publishes_a_held_comment_and_it_is_recorded(app, client, scene):
    cid = _anon_comment(app, scene["item"])
    login(client, the("mod"))
    queue = client.get("/redactie").get_data(as_text=True)
    assert "Wanneer begint het?" in queue
    post_form(
        client,
        "/redactie/besluit",
        {"target_type": "comment", "target_id": cid, "action": "publish"},
        token_from="/redactie",
    )
    with app.app_context(), unit_of_work():
        assert db.session.get(Comment, cid).status == "published"
        assert db.session.get(Initiative, scene["item"]).comments_count == 1
        decision = db.session.scalar(select(ModerationDecision))
        assert (decision.action, decision.moderator_id, decision.target_id) == ("publish", scene["mod"], cid)
    assert "Wanneer begint het?" in client.get(f"/initiatieven/{scene['item']}").get_data(as_text=True)


def test_hiding_needs_a_reason_which_is_shown_in_place(app, client, scene, make_user):
    henk = make_user("henk@example.nl")
    with app.app_context(), unit_of_work():
        cid = post_comment(
            db.session.get(Initiative, scene["item"]), "Scheldwoorden hier", db.session.get(User, henk)
        ).id
        moderator = db.session.get(User, scene["mod"])
        with pytest.raises(ValidationFailed):
            decide(moderator, "comment", cid, "hide", "")
        decide(moderator, "comment", cid, "hide", "Scheldwoorden (huisregel 2)")
        assert db.session.get(Initiative, scene["item"]).comments_count == 0
    html = client.get(f"/initiatieven/{scene['item']}").get_data(as_text=True)
    assert "Scheldwoorden hier" not in html
    assert "Verborgen door de redactie: Scheldwoorden (huisregel 2)" in html
    with app.app_context(), unit_of_work():
        decide(db.session.get(User, scene["mod"]), "comment", cid, "restore", "Bij nader inzien in orde")
        assert db.session.get(Initiative, scene["item"]).comments_count == 1
        actions = db.session.scalars(select(ModerationDecision.action).order_by(ModerationDecision.id)).all()
    assert actions == ["hide", "restore"]
    assert "Scheldwoorden hier" in client.get(f"/initiatieven/{scene['item']}").get_data(as_text=True)
    # The log reads as sentences with a link to what they were about, not as codes.
    login(client, the("mod"))
    log = client.get("/redactie").get_data(as_text=True).split("Laatste besluiten")[1]
    assert "Redactie verborg een reactie bij ‘Speeltuin opknappen’." in log
    assert "Redactie zette een reactie bij ‘Speeltuin opknappen’ terug." in log
    assert f'href="/initiatieven/{scene["item"]}/reacties/{cid}"' in log
    assert "Scheldwoorden (huisregel 2)" in log
    assert ">hide<" not in log
    assert f"comment {cid}" not in log


def test_anyone_flags_and_the_flag_lands_in_the_queue(app, client, scene, make_user):
    uid = make_user("henk@example.nl")
    with app.app_context(), unit_of_work():
        cid = post_comment(db.session.get(Initiative, scene["item"]), "Koop mijn fiets", db.session.get(User, uid)).id
    page = f"/initiatieven/{scene['item']}"
    resp = post_form(
        client, f"/melden/comment/{cid}", {"reason": "Dit is reclame"}, token_from=page, follow_redirects=True
    )
    assert "Dank u voor uw melding" in resp.get_data(as_text=True)
    mod = client.application.test_client()
    login(mod, the("mod"))
    queue = mod.get("/redactie").get_data(as_text=True)
    assert "Dit is reclame" in queue
    post_form(
        mod,
        "/redactie/besluit",
        {"target_type": "comment", "target_id": cid, "action": "hide", "reason": "Reclame"},
        token_from="/redactie",
    )
    with app.app_context(), unit_of_work():
        assert db.session.scalar(select(Flag.resolved_at)) is not None


def test_hidden_initiative_leaves_map_gallery_and_api(app, client, scene):
    with app.app_context(), unit_of_work():
        flag("initiative", scene["item"], "Dit is geen initiatief maar reclame")
        decide(db.session.get(User, scene["mod"]), "initiative", scene["item"], "hide", "Reclame")
    assert "Speeltuin opknappen" not in client.get("/initiatieven").get_data(as_text=True)
    api = client.get("/api/initiatives?bbox=5.0,52.0,5.2,52.2&zoom=18").get_json()
    assert api["features"] == []
    assert client.get(f"/api/initiatives/{scene['item']}").status_code == 404
    page = client.get(f"/initiatieven/{scene['item']}")
    assert page.status_code == 410
    assert "Verborgen door de redactie: Reclame" in page.get_data(as_text=True)


def test_only_moderators_moderate(app, client, scene, make_user):
    henk = make_user("henk@example.nl")
    cid = _anon_comment(app, scene["item"])
    with app.app_context(), pytest.raises(PermissionDenied):
        decide(db.session.get(User, henk), "comment", cid, "publish")
    login(client, "henk@example.nl")
    assert client.get("/redactie").status_code == 403
    assert client.get("/huisregels/bewerken").status_code == 403


def test_house_rules_are_public_and_editable_by_moderators(app, client, scene, make_user):
    assert "Wees vriendelijk" in client.get("/huisregels").get_data(as_text=True)
    henk = make_user("henk@example.nl")
    with app.app_context(), pytest.raises(PermissionDenied):
        update_house_rules(db.session.get(User, henk), "Nieuwe regels die lang genoeg zijn.")
    login(client, the("mod"))
    resp = post_form(
        client,
        "/huisregels/bewerken",
        {"body": "## Onze afspraken\n\nWees aardig voor elkaar, altijd."},
        follow_redirects=True,
    )
    html = resp.get_data(as_text=True)
    assert "De huisregels zijn bijgewerkt." in html
    assert "Wees aardig voor elkaar, altijd." in html


def test_moderators_switch_anonymous_comments_to_post_moderation(app, client, scene):
    login(client, the("mod"))
    post_form(client, "/redactie/instellingen", {"anonymous_comments": "post"}, token_from="/redactie")
    with app.app_context(), unit_of_work():
        assert db.session.scalar(text("SELECT anonymous_comments FROM municipality")) == "post"
    cid = _anon_comment(app, scene["item"])
    with app.app_context(), unit_of_work():
        assert db.session.get(Comment, cid).status == "published"


def test_publishing_a_held_comment_notifies_followers_once(app, scene):
    cid = _anon_comment(app, scene["item"])
    with app.app_context(), unit_of_work():
        from participation.models import Notification

        assert db.session.scalar(select(Notification)) is None  # nothing while held
        decide(db.session.get(User, scene["mod"]), "comment", cid, "publish")
    with app.app_context():  # followers are told by a job once the decision is committed
        from participation.models import Notification

        assert [n.user_id for n in db.session.scalars(select(Notification))] == [scene["owner"]]


def test_hidden_comments_and_initiatives_take_no_pluim_join_follow_or_reply(app, scene, make_user):
    from participation.services import follow, join, toggle_pluim

    fan = make_user("fan@example.nl")
    with app.app_context(), unit_of_work():
        item = db.session.get(Initiative, scene["item"])
        writer = db.session.scalar(select(User).where(User.id != item.owner_id))
        comment = post_comment(item, "Een reactie die verborgen wordt.", writer)
        decide(db.session.get(User, scene["mod"]), "comment", comment.id, "hide", "Reclame")
        with pytest.raises(PermissionDenied):
            toggle_pluim(db.session.get(User, fan), "comment", comment.id)
        with pytest.raises(ValidationFailed):  # and no reply to it either
            post_comment(item, "Antwoord", db.session.get(User, fan), parent=comment)
        decide(db.session.get(User, scene["mod"]), "initiative", item.id, "hide", "Dubbel")
        for act in (
            lambda: join(db.session.get(User, fan), item),
            lambda: toggle_pluim(db.session.get(User, fan), "initiative", item.id),
            lambda: follow(db.session.get(User, fan), "initiative", item.id),
        ):
            with pytest.raises(PermissionDenied):
                act()
