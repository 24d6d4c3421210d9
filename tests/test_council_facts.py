"""The council's contribution facts stay exact through every kind of write, on both databases."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from geoalchemy2.shape import to_shape
from sqlalchemy import select

from ambassadors.services import create_meeting, register_attendance
from council.models import OUTCOME_CODES, ContributionFact, InitiativeFact, PersonSummary
from council.services import Scope, dashboard
from council.sources import rebuild, verify
from initiatives.models import Initiative
from initiatives.services import update_initiative
from maps.models import Area
from participation.models import Comment
from participation.moderation import decide
from participation.services import add_need, delete_comment, join, leave, post_comment, respond_to_need, toggle_pluim
from platform_core import transaction
from platform_core.extensions import db
from platform_core.models import User
from platform_core.transaction import unit_of_work
from response.services import post_feedback
from tests.conftest import initiative_input
from tests.factories import cast as make_cast
from trajectories.outcomes import report_outcome
from trajectories.services import create_trajectory

from .factories import placed


def exact() -> dict:
    result = verify(db.session.connection())
    assert result["missing"] == []
    assert result["extra"] == []
    return result


def kinds(initiative_id: int) -> list[int]:
    return sorted(
        db.session.scalars(select(ContributionFact.kind).where(ContributionFact.initiative_id == initiative_id))
    )


@pytest.fixture
def people(app, make_user):
    return make_cast(make_user, "admin", "civil", "mod", "owner", "anna", "bram")


def test_every_write_keeps_the_facts_exact(app, people, place):
    item_id = place(people["owner"], title="Moestuin")
    with app.app_context(), unit_of_work():
        get = db.session.get
        owner, anna, bram = get(User, people["owner"]), get(User, people["anna"]), get(User, people["bram"])
        item = get(Initiative, item_id)
        assert kinds(item_id) == [1]  # placing is a contribution
        join(anna, item)
        comment = post_comment(item, "Ik breng zaden mee.", bram)
        toggle_pluim(anna, "initiative", item_id)
        need = add_need(owner, item, "Schoppen")
        respond_to_need(bram, need, "Ik heb er twee.")
        assert kinds(item_id) == [1, 2, 3, 4, 5]
        exact()

        leave(anna, item)
        toggle_pluim(anna, "initiative", item_id)  # taken back
        decide(get(User, people["mod"]), "comment", comment.id, "hide", "Reclame")
        assert kinds(item_id) == [1, 5]
        exact()

        decide(get(User, people["mod"]), "comment", comment.id, "restore")
        assert kinds(item_id) == [1, 3, 5]
        exact()

        # Moving the initiative to another buurt and another trajectory moves all its facts.
        trajectory = create_trajectory(
            get(User, people["admin"]),
            "Groen",
            "Hoe maken we het groener?",
            "Stadsbeheer",
            date(2026, 1, 1),
            date(2026, 12, 31),
        )
        placed(item, trajectory)
        haven = db.session.scalar(select(Area).where(Area.name == "Havenbuurt"))
        spot = to_shape(haven.geom).representative_point()
        update_initiative(owner, item, initiative_input(title="Moestuin", lat=spot.y, lon=spot.x))
        transaction.commit()
        facts = db.session.scalars(select(ContributionFact).where(ContributionFact.initiative_id == item_id)).all()
        assert {(f.area_id, f.trajectory_id) for f in facts} == {(haven.id, trajectory.id)}
        exact()

        # The municipality answers and the initiator reports what became of it.
        post_feedback(get(User, people["civil"]), item, "Mooi plan, wij denken mee.", "Stadsbeheer")
        report_outcome(owner, item, "realised", "De moestuin is er.", date(2026, 6, 1))
        row = db.session.get(InitiativeFact, item_id)
        assert (row.two_way, row.outcome, row.area_id) == (1, OUTCOME_CODES["realised"], haven.id)
        exact()

        decide(get(User, people["mod"]), "initiative", item_id, "hide", "Dubbel geplaatst")
        assert kinds(item_id) == []  # hidden initiatives count for nothing
        assert db.session.scalar(select(InitiativeFact).where(InitiativeFact.initiative_id == item_id)) is None
        exact()
        decide(get(User, people["mod"]), "initiative", item_id, "restore")
        assert kinds(item_id) == [1, 3, 5]
        exact()


def test_meeting_attendance_counts_where_and_when_the_meeting_was(app, people):
    with app.app_context(), unit_of_work():
        get = db.session.get
        spoorzicht = db.session.scalar(select(Area).where(Area.name == "Spoorzicht"))
        meeting = create_meeting(
            get(User, people["civil"]), "Buurtavond", datetime(2026, 3, 4, 19, 30), "Buurthuis", spoorzicht.id
        )
        register_attendance(get(User, people["civil"]), meeting, user=get(User, people["anna"]))
        register_attendance(get(User, people["civil"]), meeting, name="Meneer Jansen")  # no account: no fact
        register_attendance(get(User, people["civil"]), meeting, count=12)
        facts = db.session.scalars(select(ContributionFact).where(ContributionFact.meeting_id == meeting.id)).all()
        assert [(f.kind, f.person_id, f.area_id) for f in facts] == [(6, people["anna"], spoorzicht.id)]
        assert facts[0].day == (date(2026, 3, 4) - date(2000, 1, 1)).days
        transaction.commit()
        exact()
        f = dashboard(Scope(start=date(2026, 3, 1), end=date(2026, 3, 31)))
        assert f["contributions"]["bijeenkomst"] == 1
        assert f["per_month"] == [("2026-03", 1)]


def test_rebuild_restores_facts_and_the_cli_reports_drift(app, runner, people, place):
    item_id = place(people["owner"])
    with app.app_context(), unit_of_work():
        join(db.session.get(User, people["anna"]), db.session.get(Initiative, item_id))
        db.session.execute(ContributionFact.__table__.delete().where(ContributionFact.kind == 2))
        transaction.commit()
    result = runner.invoke(args=["council", "verify"])
    assert result.exit_code == 1
    assert "missing: (2," in result.output
    assert "2 facts rebuilt" in runner.invoke(args=["council", "rebuild"]).output
    result = runner.invoke(args=["council", "verify"])
    assert result.exit_code == 0
    assert "ok: 2 facts" in result.output
    with app.app_context(), unit_of_work():
        db.session.execute(PersonSummary.__table__.update().values(contributions=PersonSummary.contributions + 1))
        transaction.commit()
    result = runner.invoke(args=["council", "verify"])
    assert result.exit_code == 1  # a summary that no longer matches its facts is reported too
    assert "extra: ('fact_person'," in result.output
    with app.app_context(), unit_of_work():
        assert rebuild(db.session.connection()) == 2
        transaction.commit()
    assert runner.invoke(args=["council", "verify"]).exit_code == 0


def test_comment_status_and_response_hours_follow_edits(app, people, place):
    item_id = place(people["owner"])
    with app.app_context(), unit_of_work():
        item = db.session.get(Initiative, item_id)
        item.created_at = datetime(2026, 11, 13, 16, 0)  # a Friday afternoon
        item.record_first_response(datetime(2026, 11, 16, 10, 0))  # Monday morning
        assert item.first_response_hours == 66.0
        assert item.first_response_workdays == 0.75  # Friday 16-24 and Monday 0-10: 18 working hours
        comment = post_comment(item, "Goed plan", db.session.get(User, people["anna"]))
        delete_comment(db.session.get(User, people["anna"]), comment)
        rebuild(db.session.connection())  # the initiative was backdated above, behind the services
        transaction.commit()
        assert db.session.scalar(select(Comment.status).where(Comment.id == comment.id)) == "deleted"
        assert kinds(item_id) == [1]
        exact()
