"""Hearing back: notifications, immediate mail, digests read from a real SMTP server,
one-click unsubscribe."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from initiatives.models import Initiative
from participation.models import Comment, Notification
from participation.notify import send_digests, set_mode
from participation.services import follow, join, post_comment
from platform_core import transaction
from platform_core.extensions import db
from platform_core.models import User, utcnow
from platform_core.transaction import unit_of_work

from .conftest import login
from .factories import cast as make_cast
from .factories import the


@pytest.fixture
def scene(app, make_user, place):
    ids = make_cast(make_user, "owner", "henk")
    return {**ids, "item": place(ids["owner"], title="Buurtmoestuin Spoorzicht")}


def _user(uid):
    return db.session.get(User, uid)


def test_digest_is_the_default(app, scene):
    with app.app_context(), unit_of_work():
        assert _user(scene["henk"]).notify_mode == "daily"


def test_new_comment_reaches_followers_of_the_initiative_area_and_theme(app, scene, make_user):
    area_fan = make_user("area@example.nl")
    with app.app_context(), unit_of_work():
        item = db.session.get(Initiative, scene["item"])
        follow(_user(area_fan), "area", item.area_id)
        post_comment(item, "Ik breng zaden mee", _user(scene["henk"]))
        # followers hear by a job that runs once the comment is committed (platform_core.jobs)
        assert db.session.scalar(select(func.count()).select_from(Notification)) == 0
    with app.app_context():
        recipients = set(db.session.scalars(select(Notification.user_id).where(Notification.kind == "comment")))
    assert recipients == {scene["owner"], area_fan}  # not the author themself


def test_reply_reaches_the_author_replied_to(app, scene, make_user):
    ans = make_user("ans@example.nl", name="Ans")
    with app.app_context(), unit_of_work():
        item = db.session.get(Initiative, scene["item"])
        top = post_comment(item, "Wie heeft een schop?", _user(ans))
        post_comment(item, "Ik!", _user(scene["henk"]), parent=top)
    with app.app_context():
        kinds = db.session.execute(select(Notification.user_id, Notification.kind)).all()
    assert (ans, "reply") in kinds


def test_immediate_mail_with_one_click_unsubscribe(app, client, scene, smtp_server):
    with app.app_context(), unit_of_work():
        set_mode(_user(scene["owner"]), "immediate")
        join(_user(scene["henk"]), db.session.get(Initiative, scene["item"]), "Ik kan water geven")
    ((rcpts, msg),) = smtp_server.messages
    assert rcpts == [the("owner")]
    body = msg.get_content()
    assert "Henk doet mee met ‘Buurtmoestuin Spoorzicht’" in body
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = re.search(r"<(http[^>]+)>", msg["List-Unsubscribe"]).group(1)
    path = "/afmelden/" + url.split("/afmelden/", 1)[1]
    resp = client.post(path)  # a mail client's one-click POST, no CSRF token
    assert resp.status_code == 200
    assert "U bent afgemeld" in resp.get_data(as_text=True)
    with app.app_context(), unit_of_work():
        assert _user(scene["owner"]).notify_mode == "none"


def test_no_mail_leaves_for_a_change_that_was_rolled_back(app, client, scene, smtp_server, make_user):
    """Mail goes out after the commit: a join that is refused later in the same request mails nobody."""
    with app.app_context(), unit_of_work():
        set_mode(_user(scene["owner"]), "immediate")

    def join_then_fail() -> None:
        with unit_of_work():
            join(_user(scene["henk"]), db.session.get(Initiative, scene["item"]), "Ik kan water geven")
            assert db.session.scalar(select(func.count()).select_from(Notification)) == 1  # written, not sent
            raise RuntimeError("something later in the same transaction failed")

    with app.app_context(), pytest.raises(RuntimeError):
        join_then_fail()
    assert smtp_server.messages == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Notification)) == 0


def test_forged_unsubscribe_token_is_refused(client):
    resp = client.get("/afmelden/not-a-token")
    assert resp.status_code == 400
    assert "afmeldlink werkt niet" in resp.get_data(as_text=True)


def test_unsubscribe_links_expire(app, client, scene, monkeypatch):
    from participation.notify import unsubscribe_token

    with app.app_context():
        token = unsubscribe_token(user_id=scene["owner"])
    assert "Ja, meld mij af" in client.get(f"/afmelden/{token}").get_data(as_text=True)  # GET only asks
    later = time.time() + app.config["UNSUBSCRIBE_TOKEN_DAYS"] * 86400 + 5
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)
    resp = client.post(f"/afmelden/{token}")
    assert resp.status_code == 400
    assert "verlopen" in resp.get_data(as_text=True)
    with app.app_context(), unit_of_work():
        assert _user(scene["owner"]).notify_mode != "none"


def test_daily_digest_collects_everything_since_the_last_one(app, scene, smtp_server, make_user):
    ans = make_user("ans@example.nl", name="Ans")
    with app.app_context(), unit_of_work():
        item = db.session.get(Initiative, scene["item"])
        join(_user(scene["henk"]), item)
        post_comment(item, "Zaterdag om tien uur beginnen we", _user(ans))
    with app.app_context(), unit_of_work():
        assert smtp_server.messages == []  # digest people get nothing straight away
        assert send_digests("daily") == 2  # the owner, and Henk who follows by joining
    mails = {rcpts[0]: msg for rcpts, msg in smtp_server.messages}
    owner_mail = mails[the("owner")]
    assert owner_mail["Subject"] == "Uw dagelijkse overzicht van Schatkaart"
    content = owner_mail.get_content()
    assert "Henk doet mee" in content
    assert "Ans reageerde op ‘Buurtmoestuin Spoorzicht’." in content
    assert "Zaterdag om tien uur" not in content  # the words stay on the site, where moderation applies
    assert "/afmelden/" in content
    assert "Ans reageerde" in mails["henk@example.nl"].get_content()
    with app.app_context(), unit_of_work():
        assert db.session.scalar(text("SELECT count(*) FROM notification WHERE emailed_at IS NULL")) == 0
        smtp_server.messages.clear()
        assert send_digests("daily") == 0  # nothing twice, and not again within the day


def test_weekly_people_are_not_in_the_daily_digest(app, scene, smtp_server):
    with app.app_context(), unit_of_work():
        set_mode(_user(scene["owner"]), "weekly")
        join(_user(scene["henk"]), db.session.get(Initiative, scene["item"]))
        assert send_digests("daily") == 0
        assert send_digests("weekly") == 1
        later = utcnow() + timedelta(days=3)
        join(_user(scene["henk"]), db.session.get(Initiative, scene["item"]), "nieuw aanbod")  # no new notification
        assert send_digests("weekly", now=later) == 0


def test_digest_command(app, runner, scene, smtp_server):
    with app.app_context(), unit_of_work():
        join(_user(scene["henk"]), db.session.get(Initiative, scene["item"]))
    result = runner.invoke(args=["notifications", "digest", "--period", "daily"])
    assert result.exit_code == 0, result.output
    assert "1 daily digests sent" in result.output
    assert smtp_server.messages[0][0] == [the("owner")]


def test_anonymous_author_hears_about_replies_and_can_unsubscribe(app, client, scene, smtp_server):
    with app.app_context(), unit_of_work():
        db.session.execute(text("UPDATE municipality SET anonymous_comments = 'post'"))
        transaction.commit()
        item = db.session.get(Initiative, scene["item"])
        top = post_comment(item, "Mag mijn hond mee?", author_name="Ans", author_email="ans@example.nl")
        post_comment(item, "Natuurlijk!", _user(scene["owner"]), parent=top)
        top_id = top.id
    ((rcpts, msg),) = [m for m in smtp_server.messages if m[0] == ["ans@example.nl"]]
    assert "Olga antwoordde op uw reactie" in msg.get_content()
    url = re.search(r"<(http[^>]+)>", msg["List-Unsubscribe"]).group(1)
    assert "ans@example.nl" not in client.get(f"/initiatieven/{scene['item']}").get_data(as_text=True)
    link = "/afmelden/" + url.split("/afmelden/", 1)[1]
    page = client.get(link)  # a mail scanner following the link changes nothing
    assert "Ja, meld mij af" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Comment, top_id).notify_replies is True
    client.post(link)
    with app.app_context(), unit_of_work():
        assert db.session.get(Comment, top_id).notify_replies is False


def test_mijn_schatkaart_shows_what_happened_since_the_last_visit(app, client, scene):
    login(client, the("owner"))
    first = client.get("/mijn").get_data(as_text=True)
    assert "Buurtmoestuin Spoorzicht" in first  # what I placed
    with app.app_context(), unit_of_work():
        join(_user(scene["henk"]), db.session.get(Initiative, scene["item"]))
    second = client.get("/mijn").get_data(as_text=True)
    assert "Nieuw sinds uw vorige bezoek" in second
    assert "Henk doet mee" in second
    third = client.get("/mijn").get_data(as_text=True)
    assert "Er is niets nieuws" in third


def test_choosing_how_to_hear_back(app, client, scene):
    from .conftest import post_form

    login(client, "henk@example.nl")
    resp = post_form(client, "/mijn", {"notify_mode": "weekly"}, follow_redirects=True)
    assert "Uw keuze is opgeslagen." in resp.get_data(as_text=True)
    with app.app_context(), unit_of_work():
        assert _user(scene["henk"]).notify_mode == "weekly"


def test_status_change_reaches_followers_but_not_the_initiator(app, scene):
    from initiatives.services import update_initiative

    from .conftest import initiative_input

    with app.app_context(), unit_of_work():
        item = db.session.get(Initiative, scene["item"])
        join(_user(scene["henk"]), item)
        update_initiative(_user(scene["owner"]), item, initiative_input(title=item.title, status="in_progress"))
    with app.app_context():  # told by a job once the change is committed
        rows = db.session.execute(
            select(Notification.user_id, Notification.text).where(Notification.kind == "status")
        ).all()
    assert [uid for uid, _ in rows] == [scene["henk"]]
    assert "heeft een nieuwe status: In uitvoering (was: Idee)" in rows[0][1]


def test_following_a_neighbourhood_from_the_gallery(app, client, scene):
    from .conftest import post_form

    login(client, "henk@example.nl")
    with app.app_context(), unit_of_work():
        area = db.session.get(Initiative, scene["item"]).area
        area_id, code = area.id, area.code
    page = f"/initiatieven?area={code}"
    assert "Volg buurt Spoorzicht" in client.get(page).get_data(as_text=True)
    resp = post_form(client, f"/volgen/area/{area_id}", {"next": page}, token_from=page)
    assert resp.headers["Location"] == page
    assert "Niet meer volgen: Spoorzicht" in client.get(page).get_data(as_text=True)
    evil = post_form(client, f"/volgen/area/{area_id}", {"next": "//evil.example/x", "stop": "1"}, token_from=page)
    assert "evil.example" not in evil.headers["Location"]


def test_news_about_an_initiative_hidden_since_is_no_longer_shown_or_mailed(app, client, scene, make_user, smtp_server):
    from participation.moderation import decide

    moderator = make_user("mo@gemeente.nl", roles=("moderator",))
    with app.app_context(), unit_of_work():
        item = db.session.get(Initiative, scene["item"])
        follow(_user(scene["henk"]), "initiative", item.id)
        post_comment(item, "Wie helpt er zaterdag mee?", _user(scene["owner"]))
        decide(_user(moderator), "initiative", item.id, "hide", "Dubbel geplaatst")
    login(client, "henk@example.nl")
    assert "Buurtmoestuin Spoorzicht" not in client.get("/mijn").get_data(as_text=True)
    with app.app_context(), unit_of_work():
        send_digests("daily", now=utcnow() + timedelta(minutes=1))
    assert all("Buurtmoestuin" not in msg.get_content() for _r, msg in smtp_server.messages)


def test_one_digest_run_writes_each_person_in_their_own_language(app, client, scene, smtp_server, make_user):
    ans = make_user("ans@example.nl", name="Ans")
    with app.app_context(), unit_of_work():
        _user(scene["henk"]).locale = "en"
        item = db.session.get(Initiative, scene["item"])
        join(_user(scene["henk"]), item)
        post_comment(item, "Zoë brengt € 5 zaadjes mee", _user(ans))
    with app.app_context(), unit_of_work():
        assert send_digests("daily") == 2
    mails = {rcpts[0]: msg for rcpts, msg in smtp_server.messages}
    dutch, english = mails[the("owner")], mails["henk@example.nl"]
    assert dutch["Subject"] == "Uw dagelijkse overzicht van Schatkaart"
    assert english["Subject"] == "Your daily overview from Schatkaart"
    assert dutch.get_content().startswith("Hallo Olga,\n\nDit gebeurde er op Schatkaart:")
    assert english.get_content().startswith("Hello Henk,\n\n")
    assert "Buurtmoestuin Spoorzicht" in english.get_content()
    assert "/initiatieven/" in english.get_content()
    # The unsubscribe link in the body and the header works (one click, as RFC 8058 asks).
    link = english["List-Unsubscribe"].strip(" <>")
    assert link in english.get_content()
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    assert client.post(path).status_code in (200, 302)
    with app.app_context():
        assert _user(scene["henk"]).notify_mode == "none"
