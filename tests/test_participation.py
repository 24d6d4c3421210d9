"""Joining, needs and offers, pluimen and following: who may do what, once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from initiatives.models import Initiative
from participation.models import Follow, Participation, Pluim
from participation.services import (
    add_need,
    follow,
    join,
    leave,
    respond_to_need,
    toggle_pluim,
)
from platform_core.extensions import db
from platform_core.models import User
from platform_core.transaction import unit_of_work
from platform_core.validation import PermissionDenied, ValidationFailed

from .conftest import login, post_form
from .factories import cast as make_cast
from .factories import the


@pytest.fixture
def people(app, make_user, place):
    ids = make_cast(make_user, "owner", "henk", "fatima")
    return {**ids, "item": place(ids["owner"])}


def _get(model, id_):
    return db.session.get(model, id_)


def test_joining_with_an_offer_counts_and_tells_the_initiator(app, people):
    with app.app_context(), unit_of_work():
        item = _get(Initiative, people["item"])
        join(_get(User, people["henk"]), item, "Ik heb een aanhanger")
        join(_get(User, people["fatima"]), item)
        item = _get(Initiative, people["item"])
        assert item.participants_count == 2
        from participation.models import Notification

        texts = db.session.scalars(select(Notification.text).where(Notification.user_id == people["owner"])).all()
        assert any("Henk doet mee" in t and "aanhanger" in t for t in texts)


def test_joining_twice_keeps_one_participation_and_updates_the_offer(app, people):
    with app.app_context(), unit_of_work():
        henk, item = _get(User, people["henk"]), _get(Initiative, people["item"])
        join(henk, item, "Zaterdag")
        join(henk, item, "Zondag")
        rows = db.session.scalars(select(Participation)).all()
        assert [r.offer for r in rows] == ["Zondag"]
        assert _get(Initiative, people["item"]).participants_count == 1


def test_leaving_lowers_the_count(app, people):
    with app.app_context(), unit_of_work():
        henk, item = _get(User, people["henk"]), _get(Initiative, people["item"])
        join(henk, item)
        leave(henk, item)
        leave(henk, item)  # leaving twice changes nothing
        assert _get(Initiative, people["item"]).participants_count == 0


def test_the_initiator_cannot_join_their_own(app, people):
    with app.app_context(), pytest.raises(ValidationFailed):
        join(_get(User, people["owner"]), _get(Initiative, people["item"]))


def test_only_the_initiator_lists_needs_and_answers_show_on_both_sides(app, client, people):
    with app.app_context(), unit_of_work():
        item = _get(Initiative, people["item"])
        with pytest.raises(PermissionDenied):
            add_need(_get(User, people["henk"]), item, "Iemand met een boormachine")
        need = add_need(_get(User, people["owner"]), item, "Iemand met een boormachine")
        respond_to_need(_get(User, people["henk"]), need, "Ik heb er een, en tijd op zaterdag")
        need_id = need.id
    login(client, the("owner"))
    owner_page = client.get(f"/initiatieven/{people['item']}").get_data(as_text=True)
    assert "Ik heb er een, en tijd op zaterdag" in owner_page
    henk = client.application.test_client()
    login(henk, "henk@example.nl")
    assert "U reageerde: Ik heb er een" in henk.get(f"/initiatieven/{people['item']}").get_data(as_text=True)
    mine = henk.get("/mijn").get_data(as_text=True)
    assert "Iemand met een boormachine" in mine
    assert f"#oproep-{need_id}" in mine
    visitor = client.application.test_client().get(f"/initiatieven/{people['item']}").get_data(as_text=True)
    assert "1 buur biedt hulp" in visitor
    assert "Ik heb er een" not in visitor  # offers are for the initiator, the public sees counts


def test_initiator_sees_participants_and_offers_the_public_sees_counts(app, client, people):
    with app.app_context(), unit_of_work():
        join(_get(User, people["henk"]), _get(Initiative, people["item"]), "Ik kan verven")
    public = client.get(f"/initiatieven/{people['item']}").get_data(as_text=True)
    assert "1 doet mee" in public
    assert "Ik kan verven" not in public
    login(client, the("owner"))
    assert "Ik kan verven" in client.get(f"/initiatieven/{people['item']}").get_data(as_text=True)


def test_join_and_leave_over_http(app, client, people):
    login(client, "henk@example.nl")
    page = f"/initiatieven/{people['item']}"
    form = client.get(page).get_data(as_text=True)
    assert 'name="follow" value="y" checked' in form  # following is offered, visibly, not done silently
    resp = post_form(
        client, f"{page}/meedoen", {"offer": "Koffie zetten", "follow": "y"}, token_from=page, follow_redirects=True
    )
    html = resp.get_data(as_text=True)
    assert "U doet mee en volgt dit initiatief" in html
    assert "Niet meer volgen" in html  # the follow button says what the resident now does
    resp = post_form(client, f"{page}/stoppen", {}, token_from=page, follow_redirects=True)
    assert "U doet niet meer mee." in resp.get_data(as_text=True)


def test_joining_without_the_follow_box_does_not_follow(app, client, people):
    login(client, "henk@example.nl")
    page = f"/initiatieven/{people['item']}"
    resp = post_form(client, f"{page}/meedoen", {"offer": ""}, token_from=page, follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert "U doet mee!" in html
    assert "Volg dit initiatief" in html
    # One click on "Volg dit initiatief" follows (it does not undo a follow the resident never chose).
    resp = post_form(client, f"/volgen/initiative/{people['item']}", {}, token_from=page, follow_redirects=True)
    assert "U volgt dit nu." in resp.get_data(as_text=True)


def test_visitors_must_log_in_to_join(client, people):
    page = f"/initiatieven/{people['item']}"
    resp = post_form(client, f"{page}/meedoen", {}, token_from=page)
    assert resp.status_code == 302
    assert "/inloggen" in resp.headers["Location"]


def test_pluim_once_per_person_and_withdrawable(app, people):
    with app.app_context(), unit_of_work():
        henk = _get(User, people["henk"])
        assert toggle_pluim(henk, "initiative", people["item"]) == (True, 1)
        assert toggle_pluim(_get(User, people["fatima"]), "initiative", people["item"]) == (True, 2)
        assert toggle_pluim(henk, "initiative", people["item"]) == (False, 1)
        assert db.session.scalar(select(func.count()).select_from(Pluim)) == 1


def test_no_pluim_for_yourself(app, people):
    with app.app_context(), pytest.raises(ValidationFailed):
        toggle_pluim(_get(User, people["owner"]), "initiative", people["item"])


def test_pluim_on_a_comment_over_http(app, client, people):
    from participation.services import post_comment

    with app.app_context(), unit_of_work():
        comment = post_comment(_get(Initiative, people["item"]), "Mooi plan!", _get(User, people["fatima"]))
        cid = comment.id
    login(client, "henk@example.nl")
    page = f"/initiatieven/{people['item']}"
    post_form(client, f"/pluim/comment/{cid}", {}, token_from=page)
    html = client.get(page).get_data(as_text=True)
    assert "Pluim intrekken" in html
    assert "(1)" in html


def test_initiators_follow_their_own_and_people_follow_areas_and_themes(app, people):
    with app.app_context(), unit_of_work():
        assert db.session.scalar(
            select(Follow).filter_by(user_id=people["owner"], target_type="initiative", target_id=people["item"])
        )
        item = _get(Initiative, people["item"])
        follow(_get(User, people["henk"]), "area", item.area_id)
        follow(_get(User, people["fatima"]), "theme", 1)
        with pytest.raises(ValidationFailed):
            follow(_get(User, people["fatima"]), "user", 1)
        from participation.services import followers_of

        assert people["henk"] in followers_of(item)


def test_joining_is_rate_limited_per_account(app, client, make_user, place):
    make_user("henk@example.nl")
    login(client, "henk@example.nl")
    items = [place(title=f"Plan {i}") for i in range(31)]
    statuses = [
        post_form(client, f"/initiatieven/{i}/meedoen", {}, token_from=f"/initiatieven/{i}").status_code for i in items
    ]
    assert statuses[:30] == [302] * 30
    assert statuses[30] == 429
