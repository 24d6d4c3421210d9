"""Co-creation trajectories: lifecycle, framing, feedback, response times, ambassadors,
meetings, stakeholders, outcomes, and who may do each."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from ambassadors.models import Meeting
from ambassadors.services import (
    assisted_entry,
    attendance_total,
    create_meeting,
    make_ambassador,
    register_attendance,
)
from initiatives.models import Initiative
from maps.models import Area
from participation.models import Comment, Notification
from participation.services import join, post_comment
from platform_core import transaction
from platform_core.extensions import db
from platform_core.models import User
from platform_core.transaction import unit_of_work
from platform_core.validation import PermissionDenied, ValidationFailed
from platform_core.workdays import add_working_days, easter, holidays, working_days_between
from response.services import (
    expected_answer_by,
    log_blocker,
    offer_facilitation,
    post_feedback,
    response_queue,
    set_municipal_role,
    solve_blocker,
)
from trajectories.framing import add_framing, framing_for
from trajectories.models import Framing, Trajectory
from trajectories.outcomes import add_stakeholder, report_outcome
from trajectories.services import advance_stage, close_trajectory, create_trajectory

from .conftest import initiative_input
from .factories import cast as make_cast
from .factories import placed


@pytest.fixture
def cast(app, make_user, place):
    ids = make_cast(make_user, "admin", "civil", "owner", "henk", "amb")
    ids["item"] = place(ids["owner"], title="Groene binnentuin")
    return ids


def u(uid):
    return db.session.get(User, uid)


def _trajectory(cast, **kw) -> Trajectory:
    values = {
        "title": "Groen in Spoorzicht 2027",
        "question": "Hoe maken we Spoorzicht samen groener en koeler?",
        "department": "Stadsbeheer",
        "starts_on": date(2027, 1, 1),
        "ends_on": date(2027, 12, 31),
    }
    values.update(kw)
    return create_trajectory(u(cast["admin"]), **values)


# --- working days ---------------------------------------------------------------------------


def test_working_days_skip_the_holidays_of_the_algemene_termijnenwet():
    assert easter(2026) == date(2026, 4, 5)
    assert easter(2027) == date(2027, 3, 28)
    assert holidays(2025) >= {date(2025, 4, 26), date(2025, 5, 29), date(2025, 6, 9)}  # King's Day on Saturday
    assert date(2026, 4, 3) not in holidays(2026)  # Good Friday is not one of them
    # A question on the Thursday before Christmas 2026 is due five working days later: Monday 4 January.
    assert add_working_days(datetime(2026, 12, 24, 10, 0), 5) == datetime(2027, 1, 4, 10, 0)
    # Friday 16:00 before Easter to Tuesday 10:00: Friday 8 hours and Tuesday 10; Easter Monday does not count.
    assert working_days_between(datetime(2026, 4, 3, 16, 0), datetime(2026, 4, 7, 10, 0)) == pytest.approx(0.75)


def test_working_days_skip_weekends():
    friday = datetime(2026, 11, 20, 15, 0)
    assert add_working_days(friday, 1) == datetime(2026, 11, 23, 15, 0)  # Monday
    assert add_working_days(friday, 5) == datetime(2026, 11, 27, 15, 0)
    saturday = datetime(2026, 11, 21, 10, 0)
    assert add_working_days(saturday, 1) == datetime(2026, 11, 24, 0, 0)  # counting starts Monday
    assert working_days_between(friday, datetime(2026, 11, 23, 15, 0)) == pytest.approx(1.0)
    assert working_days_between(saturday, datetime(2026, 11, 22, 23, 0)) == 0


# --- lifecycle ------------------------------------------------------------------------------


def test_trajectory_lifecycle_with_default_stages(app, cast):
    with app.app_context(), unit_of_work():
        t = _trajectory(cast)
        assert [s.name for s in t.stages] == ["verkennen", "ideeën", "plan", "uitvoering", "evaluatie"]
        assert t.current_stage.name == "verkennen"
        placed(db.session.get(Initiative, cast["item"]), t)
        join(u(cast["henk"]), db.session.get(Initiative, cast["item"]))
        for expected in ["ideeën", "plan", "uitvoering", "evaluatie"]:
            assert advance_stage(u(cast["admin"]), t).name == expected
        with pytest.raises(ValidationFailed):
            advance_stage(u(cast["admin"]), t)
        close_trajectory(u(cast["admin"]), t, "Er kwamen 12 plannen; 8 zijn uitgevoerd en 3 staan in het groenplan.")
        waiting = select(Notification.id).where(Notification.kind.in_(("stage", "outcome")))
        assert db.session.scalars(waiting).all() == []  # told by jobs, after the commit
        trajectory_id = t.id
    with app.app_context(), unit_of_work():
        told = set(db.session.scalars(select(Notification.user_id).where(Notification.kind == "outcome")))
        assert {cast["owner"], cast["henk"]} <= told
        stages = db.session.scalars(select(Notification.text).where(Notification.user_id == cast["henk"],
                                                                     Notification.kind == "stage")).all()  # fmt: skip
        assert len(stages) == 4
        with pytest.raises(ValidationFailed):
            advance_stage(u(cast["admin"]), db.session.get(Trajectory, trajectory_id))


def test_only_admins_create_and_move_trajectories(app, cast):
    with app.app_context(), unit_of_work():
        with pytest.raises(PermissionDenied):
            create_trajectory(
                u(cast["civil"]), "X traject", "Een vraag van tien tekens?", "Dep", date(2027, 1, 1), date(2027, 2, 1)
            )
        t = _trajectory(cast)
        with pytest.raises(PermissionDenied):
            advance_stage(u(cast["civil"]), t)


def test_trajectory_input_errors(app, cast):
    with app.app_context(), pytest.raises(ValidationFailed) as exc:
        _trajectory(cast, title="", ends_on=date(2026, 1, 1), stage_names=["een"])
    assert {"title", "ends_on", "stages"} <= set(exc.value.errors)


# --- framing and feedback ------------------------------------------------------------------


def test_framing_is_typed_versioned_and_only_by_civil_servants(app, cast):
    with app.app_context(), unit_of_work():
        t = _trajectory(cast)
        with pytest.raises(PermissionDenied):
            add_framing(u(cast["owner"]), "trajectory", t.id, "budget", "Er is geld", 10000)
        with pytest.raises(ValidationFailed):
            add_framing(u(cast["civil"]), "trajectory", t.id, "budget", "Er is geld")  # amount missing
        add_framing(u(cast["civil"]), "trajectory", t.id, "budget", "Voor het hele traject", 40000)
        add_framing(u(cast["civil"]), "trajectory", t.id, "budget", "Na de begroting iets meer", 45000)
        add_framing(u(cast["civil"]), "trajectory", t.id, "cannot", "Geen parkeerplaatsen weghalen: raadsbesluit 2025.")
        current = framing_for("trajectory", t.id)
        assert {(f.kind, f.version, f.amount) for f in current} == {("budget", 2, 45000), ("cannot", 1, None)}
        assert len(framing_for("trajectory", t.id, current_only=False)) == 3
        area = db.session.scalar(select(Area).where(Area.level == "neighbourhood"))
        add_framing(u(cast["civil"]), "area", area.id, "rules", "Hier ligt een leiding: niet graven.")
        assert db.session.scalar(select(Framing).where(Framing.target_type == "area")).author_id == cast["civil"]


def test_official_feedback_counts_as_first_response_and_is_told(app, cast):
    with app.app_context(), unit_of_work():
        item = db.session.get(Initiative, cast["item"])
        with pytest.raises(PermissionDenied):
            post_feedback(u(cast["henk"]), item, "Wij vinden het goed", "Stadsbeheer")
        assert expected_answer_by(item) == add_working_days(item.created_at, 5)
        post_feedback(u(cast["civil"]), item, "Mooi plan. Wij denken mee over de plek.", "Stadsbeheer")
        item = db.session.get(Initiative, cast["item"])
        assert item.first_response_at is not None
        assert expected_answer_by(item) is None
    with app.app_context():  # told by a job after the commit
        texts = db.session.scalars(select(Notification.text).where(Notification.user_id == cast["owner"])).all()
        assert any("De gemeente (Stadsbeheer) reageerde" in t for t in texts)


def test_municipal_role_per_initiative_and_stage(app, cast):
    with app.app_context(), unit_of_work():
        t = _trajectory(cast)
        item = db.session.get(Initiative, cast["item"])
        placed(item, t)
        set_municipal_role(u(cast["civil"]), item, "partner", "facilitating")
        set_municipal_role(u(cast["civil"]), item, "funder", "directing", stage=t.stages[3])
        assert db.session.get(Initiative, cast["item"]).municipal_role == "partner"
        with pytest.raises(ValidationFailed):
            set_municipal_role(u(cast["civil"]), item, "baas")
        with pytest.raises(PermissionDenied):
            set_municipal_role(u(cast["owner"]), item, "none")
        stage_name = t.stages[3].name
    # Everyone sees the role per stage on the initiative's page, as it was set.
    page = app.test_client().get(f"/initiatieven/{cast['item']}").get_data(as_text=True)
    assert "Het hele initiatief: Partner (Faciliterend)" in page
    assert f"Fase {stage_name}: Financier (Regisserend)" in page


def test_facilitation_and_blockers(app, cast):
    with app.app_context(), unit_of_work():
        item = db.session.get(Initiative, cast["item"])
        offer_facilitation(u(cast["civil"]), item, "room", "De zaal van het wijkbureau op dinsdagavond")
        offer_facilitation(u(cast["civil"]), item, "budget", "Voor plantmateriaal", 750)
        with pytest.raises(ValidationFailed):
            offer_facilitation(u(cast["civil"]), item, "budget", "Te veel", 100000)
        blocker = log_blocker(u(cast["civil"]), item, "Vergunning voor de container loopt vast", "Vergunningen")
        assert blocker.solved_at is None
        solve_blocker(u(cast["civil"]), blocker, "Ontheffing verleend")
        assert blocker.solved_at is not None
        with pytest.raises(ValidationFailed):
            solve_blocker(u(cast["civil"]), blocker, "nogmaals")


def test_the_initiator_stays_owner(app, cast):
    from initiatives.services import update_initiative

    with app.app_context(), pytest.raises(PermissionDenied):
        update_initiative(u(cast["civil"]), db.session.get(Initiative, cast["item"]), initiative_input(title="Van ons"))


# --- response time ------------------------------------------------------------------------


def test_queue_puts_overdue_first_counting_working_days(app, cast, place):
    fresh_id = place(cast["owner"], title="Vers idee")
    with app.app_context(), unit_of_work():
        old = db.session.get(Initiative, cast["item"])
        old.created_at = datetime(2026, 11, 6, 9, 0)  # Friday, two weeks ago
        fresh = db.session.get(Initiative, fresh_id)
        fresh.created_at = datetime(2026, 11, 20, 9, 0)  # Friday
        transaction.commit()
        question = post_comment(old, "Mag dit op gemeentegrond?", u(cast["henk"]))
        question.to_municipality = True
        question.created_at = datetime(2026, 11, 13, 9, 0)
        transaction.commit()
        queue = response_queue(now=datetime(2026, 11, 23, 9, 0))  # Monday
        kinds = [(e["kind"], e["initiative"].title, e["overdue"]) for e in queue]
        assert kinds[0] == ("initiative", "Groene binnentuin", True)  # 11 working days
        assert kinds[1] == ("question", "Groene binnentuin", True)  # 6 working days
        assert kinds[2] == ("initiative", "Vers idee", False)  # 1 working day (the weekend does not count)
        assert queue[2]["waiting_days"] == pytest.approx(1.0)
        post_feedback(u(cast["civil"]), old, "Ja, dat mag, met een beheerafspraak.", "Vastgoed", answers=question)
        assert db.session.get(Comment, question.id).answered_at is not None
        left = response_queue(now=datetime(2026, 11, 23, 9, 0))
        assert [e["initiative"].title for e in left] == ["Vers idee"]


def test_a_civil_servants_own_project_waits_for_no_answer(app, client, cast, place):
    from council.services import Scope, dashboard

    from .conftest import login

    own = place(cast["civil"], title="Nieuwe speelplek van de gemeente", by_municipality=True)
    claimed = place(cast["henk"], title="Bankje bij de school", by_municipality=True)  # not his to claim
    with app.app_context():
        assert db.session.get(Initiative, own).by_municipality is True
        assert db.session.get(Initiative, claimed).by_municipality is False
        assert expected_answer_by(db.session.get(Initiative, own)) is None
        waiting = {e["initiative"].title for e in response_queue()}
        assert waiting == {"Groene binnentuin", "Bankje bij de school"}
        assert dashboard(Scope())["response"]["waiting"] == 2  # the council counts residents' waits only
    html = client.get(f"/initiatieven/{own}").get_data(as_text=True)
    assert "Dit is een project van de gemeente zelf." in html
    assert "De gemeente reageert uiterlijk" not in html
    # Its owner is told when the municipality answers at the latest; not so on the municipality's own.
    login(client, "henk@example.nl")
    assert "De gemeente reageert uiterlijk" in client.get(f"/initiatieven/{claimed}").get_data(as_text=True)
    # The form offers the choice to those who speak for the municipality, ticked for them.
    assert 'name="by_municipality"' not in client.get("/initiatieven/nieuw").get_data(as_text=True)
    staff = app.test_client()
    login(staff, "petra@gemeente.nl")
    assert "De gemeente reageert uiterlijk" not in staff.get(f"/initiatieven/{own}").get_data(as_text=True)
    form = staff.get("/initiatieven/nieuw").get_data(as_text=True)
    box = re.search(r'<input[^>]*name="by_municipality"[^>]*>', form)
    assert box
    assert "checked" in box.group(0)


# --- ambassadors -------------------------------------------------------------------------


def _buurt(name):
    return db.session.scalar(select(Area).where(Area.name == name))


def test_assisted_entry_is_recorded_and_limited_to_the_ambassadors_area(app, cast):
    with app.app_context(), unit_of_work():
        make_ambassador(u(cast["admin"]), u(cast["amb"]), [_buurt("Spoorzicht").id])
        item = assisted_entry(
            u(cast["amb"]), "mevrouw De Wit", "Telefonisch akkoord gegeven op 20 november", initiative_input()
        )
        assert (item.owner_id, item.on_behalf_of) == (cast["amb"], "mevrouw De Wit")
        with pytest.raises(PermissionDenied):  # Bloemenbuurt is not Mo's neighbourhood
            assisted_entry(u(cast["amb"]), "meneer Jansen", "Akkoord op papier", initiative_input(lat=52.10, lon=5.125))
        with pytest.raises(ValidationFailed):
            assisted_entry(u(cast["amb"]), "", "", initiative_input())


def test_assisted_entry_shows_who_entered_it(app, client, cast):
    with app.app_context(), unit_of_work():
        make_ambassador(u(cast["admin"]), u(cast["amb"]), [_buurt("Spoorzicht").id])
        item = assisted_entry(
            u(cast["amb"]), "mevrouw De Wit", "Akkoord gegeven op de koffieochtend", initiative_input()
        )
        item_id = item.id
    html = client.get(f"/initiatieven/{item_id}").get_data(as_text=True)
    assert "Ingevoerd door ambassadeur Mo namens mevrouw De Wit" in html


def test_meetings_and_attendance_in_own_area_only(app, cast):
    with app.app_context(), unit_of_work():
        make_ambassador(u(cast["admin"]), u(cast["amb"]), [_buurt("Noordwest").id])  # a wijk: all its buurten
        when = datetime(2026, 12, 1, 19, 30)
        meeting = create_meeting(u(cast["amb"]), "Buurtavond groen", when, "Buurthuis De Pijl", _buurt("Spoorzicht").id)
        with pytest.raises(PermissionDenied):
            create_meeting(u(cast["amb"]), "Elders", when, "Ergens", _buurt("Bloemenbuurt").id)
        with pytest.raises(PermissionDenied):
            create_meeting(u(cast["henk"]), "Zelf", when, "Thuis", _buurt("Spoorzicht").id)
        register_attendance(u(cast["amb"]), meeting, user=u(cast["henk"]))
        register_attendance(u(cast["amb"]), meeting, user=u(cast["henk"]))  # once per account
        register_attendance(u(cast["amb"]), meeting, name="Buurman Piet")
        register_attendance(u(cast["amb"]), meeting, count=12)
        assert attendance_total(meeting) == 14
        with pytest.raises(PermissionDenied):
            register_attendance(u(cast["henk"]), meeting, count=3)
        assert db.session.scalar(select(Meeting)).organiser_id == cast["amb"]


def test_only_admins_make_ambassadors(app, cast):
    with app.app_context(), pytest.raises(PermissionDenied):
        make_ambassador(u(cast["civil"]), u(cast["amb"]), [_buurt("Spoorzicht").id])


# --- stakeholders and outcomes ---------------------------------------------------------------


def test_stakeholder_field_with_the_municipality_separately(app, cast):
    with app.app_context(), unit_of_work():
        item = db.session.get(Initiative, cast["item"])
        add_stakeholder(u(cast["owner"]), item, "Woningcorporatie Mitros", "organisation", involved=True)
        join(u(cast["henk"]), item)
        add_stakeholder(
            u(cast["henk"]), item, "Jongeren uit de buurt", "group", involved=False, note="Nog niet bereikt"
        )
        municipal = add_stakeholder(u(cast["civil"]), item, "Gemeente: wijkbureau", "role")
        assert municipal.is_municipality is True
        with pytest.raises(PermissionDenied):
            add_stakeholder(u(cast["amb"]), item, "Ik", "role")


def test_outcome_closes_the_loop_for_everyone_involved(app, client, cast):
    with app.app_context(), unit_of_work():
        item = db.session.get(Initiative, cast["item"])
        join(u(cast["henk"]), item)
        with pytest.raises(PermissionDenied):
            report_outcome(u(cast["henk"]), item, "realised", "Klaar en mooi geworden", date.today())
        with pytest.raises(ValidationFailed):
            report_outcome(u(cast["owner"]), item, "realised", "Kort", date.today() + timedelta(days=3))
        report_outcome(u(cast["civil"]), item, "policy", "Het idee staat nu in het groenplan 2027-2030.", date.today())
        assert db.session.get(Initiative, cast["item"]).status == "completed"
    with app.app_context():  # told by a job after the commit
        told = set(db.session.scalars(select(Notification.user_id).where(Notification.kind == "outcome")))
        assert {cast["owner"], cast["henk"]} <= told
    html = client.get(f"/initiatieven/{cast['item']}").get_data(as_text=True)
    assert "Wat is er met je inbreng gebeurd?" in html
    assert "Opgenomen in beleid" in html
