"""Which initiatives take part in a trajectory, from the browser's forms (issue 27): a civil
servant puts an initiative in (and takes it out); its initiator asks, and a civil servant accepts
or declines with a reason; the initiator hears either way. Before, only ``flask demo seed`` put
an initiative in a trajectory, so trajectories, framing, credits and reports covered nothing a
real resident placed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from initiatives.models import Initiative
from participation.models import Notification
from platform_core.extensions import db
from platform_core.models import User
from platform_core.transaction import unit_of_work
from trajectories.models import Trajectory, TrajectoryRequest
from trajectories.placement import put_in_trajectory
from trajectories.services import create_trajectory

from .conftest import login, post_form
from .factories import cast, the


@pytest.fixture
def scene(app, make_user, place):
    people = cast(make_user, "owner", "civil", "admin", "henk")
    owner_id = people["owner"]
    item_id = place(owner_id, title="Moestuin aan de singel")
    with app.app_context(), unit_of_work():
        from datetime import date

        admin = db.session.get(User, people["admin"])
        open_one = create_trajectory(
            admin, "Groen 2027", "Wat maken we groen?", "Wijkbureau", date(2026, 1, 1), date(2027, 12, 31)
        )
        other = create_trajectory(
            admin, "Spelen 2027", "Waar spelen kinderen?", "Jeugd", date(2026, 1, 1), date(2027, 12, 31)
        )
        people.update(item=item_id, groen=open_one.id, spelen=other.id)
    return people


def _item(app, item_id):
    with app.app_context():
        return db.session.get(Initiative, item_id).trajectory_id


def test_a_civil_servant_puts_an_initiative_in_and_takes_it_out(app, client, scene):
    login(client, the("civil"))
    page = client.get(f"/initiatieven/{scene['item']}").get_data(as_text=True)
    assert 'id="traject-kiezen"' in page
    assert "Groen 2027" in page
    done = post_form(client, f"/initiatieven/{scene['item']}/traject", {"trajectory_id": scene["groen"]},
                     token_from=f"/initiatieven/{scene['item']}", follow_redirects=True)  # fmt: skip
    assert "Het initiatief doet nu mee met het traject." in done.get_data(as_text=True)
    assert _item(app, scene["item"]) == scene["groen"]
    page = client.get(f"/initiatieven/{scene['item']}").get_data(as_text=True)
    assert "Haal uit het traject ‘Groen 2027’" in page
    out = post_form(client, f"/initiatieven/{scene['item']}/traject", {"action": "uit"},
                    token_from=f"/initiatieven/{scene['item']}", follow_redirects=True)  # fmt: skip
    assert "Het initiatief doet niet meer mee met het traject." in out.get_data(as_text=True)
    assert _item(app, scene["item"]) is None
    with app.app_context():
        told = db.session.scalars(select(Notification.text).where(Notification.user_id == scene["owner"])).all()
    assert any("doet nu mee met het traject ‘Groen 2027’" in t for t in told)
    assert any("doet niet meer mee met het traject ‘Groen 2027’" in t for t in told)


def test_the_initiator_asks_and_the_municipality_decides(app, client, scene):
    login(client, the("owner"))
    page = client.get(f"/initiatieven/{scene['item']}").get_data(as_text=True)
    assert 'id="traject-vragen"' in page
    assert 'id="traject-kiezen"' not in page  # an initiator asks; placing is the municipality's
    refused = post_form(client, f"/initiatieven/{scene['item']}/traject", {"trajectory_id": scene["groen"]},
                        token_from=f"/initiatieven/{scene['item']}")  # fmt: skip
    assert refused.status_code == 403
    asked = post_form(client, f"/initiatieven/{scene['item']}/traject/aanvragen",
                      {"trajectory_id": scene["groen"], "message": "Past bij het groenplan van de buurt."},
                      token_from=f"/initiatieven/{scene['item']}", follow_redirects=True)  # fmt: skip
    text = asked.get_data(as_text=True)
    assert "Uw vraag is verstuurd." in text
    assert "om mee te doen met ‘Groen 2027’. De gemeente beslist." in text
    again = post_form(client, f"/initiatieven/{scene['item']}/traject/aanvragen", {"trajectory_id": scene["groen"]},
                      token_from=f"/initiatieven/{scene['item']}", follow_redirects=True)  # fmt: skip
    assert "U vroeg dit al; de gemeente beslist nog." in again.get_data(as_text=True)
    assert _item(app, scene["item"]) is None  # asking places nothing

    civil = app.test_client()
    login(civil, the("civil"))
    trajectory_page = civil.get(f"/trajecten/{scene['groen']}").get_data(as_text=True)
    assert "Aanvragen om mee te doen" in trajectory_page
    assert "Past bij het groenplan van de buurt." in trajectory_page
    with app.app_context():
        request_id = db.session.scalar(select(TrajectoryRequest.id))
    post_form(civil, f"/trajectaanvragen/{request_id}", {"action": "ja"}, token_from=f"/trajecten/{scene['groen']}")
    assert _item(app, scene["item"]) == scene["groen"]
    assert "Aanvragen om mee te doen" not in civil.get(f"/trajecten/{scene['groen']}").get_data(as_text=True)
    with app.app_context():
        decided = db.session.get(TrajectoryRequest, request_id)
        assert (decided.accepted, decided.decided_by_id) == (True, scene["civil"])


def test_a_declined_request_says_why_and_changes_nothing(app, client, scene):
    login(client, the("owner"))
    post_form(client, f"/initiatieven/{scene['item']}/traject/aanvragen", {"trajectory_id": scene["spelen"]},
              token_from=f"/initiatieven/{scene['item']}")  # fmt: skip
    civil = app.test_client()
    login(civil, the("civil"))
    with app.app_context():
        request_id = db.session.scalar(select(TrajectoryRequest.id))
    no_reason = post_form(civil, f"/trajectaanvragen/{request_id}", {"action": "nee", "reason": ""},
                          token_from=f"/trajecten/{scene['spelen']}", follow_redirects=True)  # fmt: skip
    assert "Vul" in no_reason.get_data(as_text=True) or "tekens" in no_reason.get_data(as_text=True)
    post_form(civil, f"/trajectaanvragen/{request_id}", {"action": "nee", "reason": "Hier is geen speelplek gepland."},
              token_from=f"/trajecten/{scene['spelen']}")  # fmt: skip
    assert _item(app, scene["item"]) is None
    page = client.get(f"/initiatieven/{scene['item']}").get_data(as_text=True)
    assert "niet meedoet met ‘Spelen 2027’: Hier is geen speelplek gepland." in page
    with app.app_context():
        told = db.session.scalars(select(Notification.text).where(Notification.user_id == scene["owner"])).all()
    assert any("Hier is geen speelplek gepland." in t for t in told)


def test_only_open_trajectories_for_the_initiatives_buurt(app, scene):
    from maps.models import Area
    from platform_core.validation import ValidationFailed
    from trajectories.services import close_trajectory

    with app.app_context(), unit_of_work():
        item = db.session.get(Initiative, scene["item"])
        elsewhere = db.session.scalar(select(Area).where(Area.level == "neighbourhood", Area.id != item.area_id))
        groen = db.session.get(Trajectory, scene["groen"])
        groen.areas.append(elsewhere)
    with app.app_context(), pytest.raises(ValidationFailed) as caught, unit_of_work():
        put_in_trajectory(db.session.get(User, scene["civil"]), db.session.get(Initiative, scene["item"]),
                          db.session.get(Trajectory, scene["groen"]))  # fmt: skip
    assert "buiten het gebied" in caught.value.errors["trajectory_id"]
    with app.app_context(), unit_of_work():
        admin, spelen = db.session.get(User, scene["admin"]), db.session.get(Trajectory, scene["spelen"])
        close_trajectory(admin, spelen, "Er kwamen drie speelplekken bij in de buurt.")
    with app.app_context(), pytest.raises(ValidationFailed) as caught, unit_of_work():
        put_in_trajectory(db.session.get(User, scene["civil"]), db.session.get(Initiative, scene["item"]),
                          db.session.get(Trajectory, scene["spelen"]))  # fmt: skip
    assert "afgesloten" in caught.value.errors["trajectory_id"]
