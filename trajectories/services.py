"""Trajectory, framing and feedback operations. Permissions are checked here: only civil
servants speak for the municipality, ambassadors act only in their neighbourhoods, and
initiators stay owners (the municipality adds framing and feedback, never takes over)."""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from initiatives.models import Initiative
from maps.models import Area
from participation.models import Comment, Participation
from participation.notify import deliver_immediate, notify
from participation.services import followers_of
from participation.signals import contributed
from platform_core.contributions import Contribution, ContributionEvent
from platform_core.extensions import db
from platform_core.models import User, UserRole, utcnow
from platform_core.policy import can, require
from platform_core.spatial import begin_write, lock_row
from platform_core.validation import PermissionDenied, ValidationFailed
from platform_core.workdays import add_working_days, working_days_between

from . import signals
from .models import (
    DEFAULT_STAGES,
    FACILITATION_KINDS,
    FRAMING_KINDS,
    FRAMING_TARGETS,
    OUTCOMES,
    ROLE_SCALE,
    ROLES,
    STAKEHOLDER_KINDS,
    AmbassadorArea,
    Attendance,
    Blocker,
    Facilitation,
    Feedback,
    Framing,
    Meeting,
    MunicipalRole,
    Outcome,
    Stage,
    Stakeholder,
    Trajectory,
)


def _text(value: str | None, field: str, lo: int, hi: int) -> str:
    value = (value or "").strip()
    if len(value) < lo:
        raise ValidationFailed({field: _("Vul dit veld in (minstens %(n)s tekens).", n=lo)})
    if len(value) > hi:
        raise ValidationFailed({field: _("Hoogstens %(n)s tekens (nu %(m)s).", n=hi, m=len(value))})
    return value


# --- trajectories ---------------------------------------------------------------------


def create_trajectory(
    admin: User,
    title: str,
    question: str,
    department: str,
    starts_on: date,
    ends_on: date,
    area_ids: list[int] | None = None,
    stage_names: list[str] | None = None,
) -> Trajectory:
    require(admin, "administer")
    errors: dict[str, str] = {}
    for field, value, lo, hi in (
        ("title", title, 3, 120),
        ("question", question, 10, 2000),
        ("department", department, 2, 120),
    ):
        try:
            _text(value, field, lo, hi)
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if not starts_on or not ends_on or ends_on < starts_on:
        errors["ends_on"] = _("De einddatum moet na de begindatum liggen.")
    names = [n.strip() for n in (stage_names or DEFAULT_STAGES) if n and n.strip()]
    if len(names) < 2 or len(set(names)) != len(names):
        errors["stages"] = _("Geef minstens twee verschillende fasen.")
    areas = list(db.session.scalars(select(Area).where(Area.id.in_(area_ids or []))))
    if len(areas) != len(set(area_ids or [])):
        errors["areas"] = _("Kies alleen buurten of wijken uit de lijst.")
    if errors:
        raise ValidationFailed(errors)
    trajectory = Trajectory(
        title=title.strip(),
        question=question.strip(),
        department=department.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        areas=areas,
    )
    trajectory.stages = [Stage(name=n[:60], position=i) for i, n in enumerate(names)]
    db.session.add(trajectory)
    db.session.flush()
    trajectory.current_stage = trajectory.stages[0]
    trajectory.stages[0].started_at = utcnow()
    db.session.flush()
    return trajectory


def advance_stage(admin: User, trajectory: Trajectory) -> Stage:
    """Move the trajectory to its next stage; participants hear about it."""
    require(admin, "administer")
    if trajectory.closed_at:
        raise ValidationFailed({"stage": _("Dit traject is afgesloten.")})
    stages = trajectory.stages
    index = stages.index(trajectory.current_stage) if trajectory.current_stage else -1
    if index + 1 >= len(stages):
        raise ValidationFailed({"stage": _("Dit is al de laatste fase. Sluit het traject af met een samenvatting.")})
    nxt = stages[index + 1]
    nxt.started_at = utcnow()
    trajectory.current_stage = nxt
    text = _("Het traject ‘%(t)s’ is nu in de fase ‘%(s)s’.", t=trajectory.title, s=nxt.name)
    sent = notify(trajectory_people(trajectory), "stage", None, text)
    deliver_immediate(sent)
    return nxt


def trajectory_people(trajectory: Trajectory) -> set[int]:
    """Owners, participants and followers of every initiative in the trajectory."""
    initiatives = list(db.session.scalars(select(Initiative).where(Initiative.trajectory_id == trajectory.id)))
    people: set[int] = set()
    for item in initiatives:
        people |= followers_of(item) | {item.owner_id}
    if initiatives:
        people |= set(
            db.session.scalars(
                select(Participation.user_id).where(Participation.initiative_id.in_([i.id for i in initiatives]))
            )
        )
    return people


def close_trajectory(admin: User, trajectory: Trajectory, summary: str) -> Trajectory:
    """Closing the loop for the whole trajectory: what was done with the results."""
    require(admin, "administer")
    trajectory.summary = _text(summary, "summary", 20, 5000)
    trajectory.closed_at = utcnow()
    text = _("Het traject ‘%(t)s’ is afgerond. Lees wat er met uw inbreng is gebeurd.", t=trajectory.title)
    sent = notify(trajectory_people(trajectory), "outcome", None, text)
    deliver_immediate(sent)
    return trajectory


def place_in_trajectory(actor: User, initiative: Initiative, trajectory: Trajectory | None) -> None:
    """The initiator (or a civil servant) puts an initiative in a trajectory, in its current stage."""
    require(actor, "close_initiative", initiative)
    begin_write(db.session)
    lock_row(db.session, Initiative, initiative.id)
    initiative.trajectory_id = trajectory.id if trajectory else None
    initiative.stage_id = trajectory.current_stage_id if trajectory else None
    db.session.flush()
    # Placing earns credits inside the trajectory; for an ambassador's assisted entry, that kind.
    signals.placed_in_trajectory.send(initiative, assisted=bool(initiative.on_behalf_of))


def move_initiative_stage(actor: User, initiative: Initiative) -> Stage:
    """The initiator or a civil servant moves an initiative to its trajectory's next stage."""
    from .models import StageChange

    require(actor, "close_initiative", initiative)
    if initiative.trajectory_id is None:
        raise ValidationFailed({"stage": _("Dit initiatief hoort niet bij een traject.")})
    begin_write(db.session)
    stages = db.session.scalars(
        select(Stage).where(Stage.trajectory_id == initiative.trajectory_id).order_by(Stage.position)
    ).all()
    index = next((i for i, s in enumerate(stages) if s.id == initiative.stage_id), -1)
    if index + 1 >= len(stages):
        raise ValidationFailed({"stage": _("Dit initiatief is al in de laatste fase.")})
    nxt = stages[index + 1]
    change = StageChange(initiative_id=initiative.id, stage_id=nxt.id, moved_by_id=actor.id)
    db.session.add(change)
    initiative.stage_id = nxt.id
    initiative.last_activity_at = utcnow()
    db.session.flush()
    signals.stage_reached.send(change, initiative=initiative)
    text = _("‘%(t)s’ is nu in de fase ‘%(s)s’.", t=initiative.title, s=nxt.name)
    sent = notify(followers_of(initiative) - {actor.id}, "stage", initiative, text)
    deliver_immediate(sent)
    return nxt


# --- framing ----------------------------------------------------------------------------


def add_framing(
    civil_servant: User, target_type: str, target_id: int, kind: str, body: str, amount: int | None = None
) -> Framing:
    """Typed framing; a new text for the same place and kind becomes the next version."""
    require(civil_servant, "speak_for_municipality")
    if target_type not in FRAMING_TARGETS:
        raise ValidationFailed({"target_type": _("Kaders horen bij een traject, fase, gebied of initiatief.")})
    if kind not in FRAMING_KINDS:
        raise ValidationFailed({"kind": _("Kies een soort kader.")})
    body = _text(body, "body", 5, 4000)
    if kind == "budget" and (amount is None or amount < 0):
        raise ValidationFailed({"amount": _("Vul het beschikbare bedrag in hele euro's in.")})
    model = {"trajectory": Trajectory, "stage": Stage, "area": Area, "initiative": Initiative}[target_type]
    if db.session.get(model, target_id) is None:
        raise ValidationFailed({"target_id": _("Dit bestaat niet (meer).")})
    previous = db.session.scalar(
        select(Framing).filter_by(target_type=target_type, target_id=target_id, kind=kind, is_current=True)
    )
    version = 1
    if previous:
        previous.is_current = False
        version = previous.version + 1
    framing = Framing(
        target_type=target_type,
        target_id=target_id,
        kind=kind,
        body=body,
        amount=amount,
        version=version,
        author_id=civil_servant.id,
    )
    db.session.add(framing)
    db.session.flush()
    return framing


def framing_for(target_type: str, target_id: int, current_only: bool = True) -> list[Framing]:
    stmt = select(Framing).filter_by(target_type=target_type, target_id=target_id)
    if current_only:
        stmt = stmt.filter_by(is_current=True)
    return list(db.session.scalars(stmt.order_by(Framing.kind, Framing.version.desc())))


# --- feedback, roles, facilitation, blockers ------------------------------------------------


def post_feedback(
    civil_servant: User, initiative: Initiative, body: str, department: str, answers: Comment | None = None
) -> Feedback:
    """The municipality's answer: named, with department and date; counts as its response."""
    require(civil_servant, "speak_for_municipality")
    begin_write(db.session)
    lock_row(db.session, Initiative, initiative.id)
    body = _text(body, "body", 5, 5000)
    department = _text(department, "department", 2, 120)
    if answers is not None and answers.initiative_id != initiative.id:
        raise ValidationFailed({"body": _("Deze vraag hoort bij een ander initiatief.")})
    feedback = Feedback(
        initiative_id=initiative.id,
        author_id=civil_servant.id,
        department=department,
        body=body,
        answers_comment_id=answers.id if answers else None,
    )
    db.session.add(feedback)
    now = utcnow()
    db.session.flush()
    waited_since = answers.created_at if answers is not None and answers.answered_at is None else None
    if initiative.first_response_at is None:
        waited_since = waited_since or initiative.created_at
        initiative.record_first_response(now)
    timely = waited_since is not None and working_days_between(waited_since, now) <= norm_days()
    if answers is not None and answers.answered_at is None:
        answers.answered_at = now
    initiative.last_activity_at = now
    db.session.flush()
    signals.feedback_given.send(feedback, initiative=initiative, timely=timely)
    text = _(
        "De gemeente (%(dep)s) reageerde op ‘%(title)s’: %(body)s",
        dep=department,
        title=initiative.title,
        body=body[:200],
    )
    recipients = followers_of(initiative) | {initiative.owner_id}
    if answers is not None and answers.author_id:
        recipients.add(answers.author_id)
    sent = notify(recipients - {civil_servant.id}, "feedback", initiative, text)
    deliver_immediate(sent)
    return feedback


def set_municipal_role(
    civil_servant: User, initiative: Initiative, role: str, scale: str | None = None, stage: Stage | None = None
) -> MunicipalRole:
    require(civil_servant, "speak_for_municipality")
    if role not in ROLES:
        raise ValidationFailed({"role": _("Kies een rol.")})
    if scale and scale not in ROLE_SCALE:
        raise ValidationFailed({"scale": _("Kies een positie op de schaal.")})
    if stage is not None and stage.trajectory_id != initiative.trajectory_id:
        raise ValidationFailed({"stage": _("Deze fase hoort niet bij het traject van dit initiatief.")})
    item = MunicipalRole(
        initiative_id=initiative.id,
        stage_id=stage.id if stage else None,
        role=role,
        scale=scale or None,
        set_by_id=civil_servant.id,
    )
    db.session.add(item)
    if stage is None:
        initiative.municipal_role = role
    db.session.flush()
    return item


def offer_facilitation(
    civil_servant: User, initiative: Initiative, kind: str, description: str, amount: int | None = None
) -> Facilitation:
    require(civil_servant, "speak_for_municipality")
    if kind not in FACILITATION_KINDS:
        raise ValidationFailed({"kind": _("Kies wat de gemeente aanbiedt.")})
    limit = current_app.config["FACILITATION_BUDGET_MAX"]
    if kind == "budget" and (amount is None or not 0 < amount <= limit):
        raise ValidationFailed({"amount": _("Een klein budget is een bedrag tussen 1 en %(max)s euro.", max=limit)})
    item = Facilitation(
        initiative_id=initiative.id,
        kind=kind,
        description=_text(description, "description", 3, 500),
        amount=amount if kind == "budget" else None,
        offered_by_id=civil_servant.id,
    )
    db.session.add(item)
    text = _("De gemeente biedt ‘%(title)s’ aan: %(what)s", title=initiative.title, what=item.description[:200])
    sent = notify({initiative.owner_id}, "facilitation", initiative, text)
    deliver_immediate(sent)
    return item


def log_blocker(civil_servant: User, initiative: Initiative, description: str, department: str) -> Blocker:
    require(civil_servant, "speak_for_municipality")
    item = Blocker(
        initiative_id=initiative.id,
        description=_text(description, "description", 5, 1000),
        department=_text(department, "department", 2, 120),
        logged_by_id=civil_servant.id,
    )
    db.session.add(item)
    db.session.flush()
    return item


def solve_blocker(civil_servant: User, blocker: Blocker, solution: str) -> Blocker:
    require(civil_servant, "speak_for_municipality")
    if blocker.solved_at:
        raise ValidationFailed({"solution": _("Dit knelpunt is al opgelost.")})
    blocker.solution = _text(solution, "solution", 3, 1000)
    blocker.solved_at = utcnow()
    db.session.flush()
    return blocker


# --- response time ------------------------------------------------------------------------


def norm_days() -> int:
    return current_app.config["RESPONSE_NORM_DAYS"]


def expected_answer_by(initiative: Initiative) -> datetime | None:
    if initiative.first_response_at is not None:
        return None
    return add_working_days(initiative.created_at, norm_days())


def response_queue(now: datetime | None = None) -> list[dict]:
    """Everything waiting for the municipality, the ones past the norm first, longest wait first."""

    now = now or utcnow()
    waiting = []
    for item in db.session.scalars(
        select(Initiative).where(Initiative.first_response_at.is_(None), Initiative.visibility == "published")
    ):
        waiting.append({"kind": "initiative", "initiative": item, "comment": None, "since": item.created_at})
    questions = db.session.scalars(
        select(Comment).where(
            Comment.to_municipality.is_(True), Comment.answered_at.is_(None), Comment.status == "published"
        )
    )
    for comment in questions:
        waiting.append(
            {"kind": "question", "initiative": comment.initiative, "comment": comment, "since": comment.created_at}
        )
    for entry in waiting:
        entry["waiting_days"] = working_days_between(entry["since"], now)
        entry["overdue"] = entry["waiting_days"] > norm_days()
        entry["due"] = add_working_days(entry["since"], norm_days())
    waiting.sort(key=lambda e: (not e["overdue"], -e["waiting_days"]))
    return waiting


# --- ambassadors, assisted entry, meetings ------------------------------------------------------


def make_ambassador(admin: User, user: User, area_ids: list[int]) -> None:
    require(admin, "administer")
    areas = list(db.session.scalars(select(Area).where(Area.id.in_(area_ids), Area.level.in_(("wijk", "buurt")))))
    if not areas:
        raise ValidationFailed({"areas": _("Kies minstens één wijk of buurt.")})
    if "ambassador" not in user.role_names:
        user.roles.append(UserRole(role="ambassador"))
    known = {a.area_id for a in db.session.scalars(select(AmbassadorArea).filter_by(user_id=user.id))}
    for area in areas:
        if area.id not in known:
            db.session.add(AmbassadorArea(user_id=user.id, area_id=area.id))
    db.session.flush()


def ambassador_area_ids(user: User | None) -> set[int]:
    """The buurten an ambassador works in (a wijk counts with all its buurten)."""
    if user is None or not user.is_authenticated or not user.has_role("ambassador"):
        return set()
    ids = set(db.session.scalars(select(AmbassadorArea.area_id).filter_by(user_id=user.id)))
    ids |= set(db.session.scalars(select(Area.id).where(Area.parent_id.in_(ids))))
    return ids


def _within(ambassador: User, area_id: int | None) -> None:
    if area_id is None or area_id not in ambassador_area_ids(ambassador):
        raise PermissionDenied("ambassadors act only within their neighbourhoods")


def assisted_entry(ambassador: User, resident_name: str, consent_note: str, data) -> Initiative:  # noqa: ANN001
    """Place an initiative for a resident who is not online, with their consent noted."""
    from initiatives.services import create_initiative, validate

    require(ambassador, "act_as_ambassador")
    errors = {}
    name = (resident_name or "").strip()
    if not 2 <= len(name) <= 80:
        errors["resident_name"] = _("Vul de naam in van de bewoner namens wie u dit invoert.")
    if len((consent_note or "").strip()) < 5:
        errors["consent_note"] = _("Noteer hoe en wanneer de bewoner toestemming gaf.")
    if errors:
        raise ValidationFailed(errors)
    from maps.services import neighbourhood_for

    clean = validate(data)
    area = neighbourhood_for(clean["geom"])
    _within(ambassador, area.id if area else None)
    initiative = create_initiative(ambassador, data)
    initiative.on_behalf_of = name
    initiative.consent_note = consent_note.strip()[:300]
    return initiative


def can_organise(user: User | None, area_id: int | None) -> bool:
    return can("organise_in", area_id, user=user)


def create_meeting(
    organiser: User,
    title: str,
    starts_at: datetime,
    place: str,
    area_id: int | None,
    trajectory: Trajectory | None = None,
    initiative: Initiative | None = None,
) -> Meeting:
    if initiative is not None and area_id is None:
        area_id = initiative.area_id
    if not can_organise(organiser, area_id):
        raise PermissionDenied("ambassadors organise meetings in their own neighbourhoods")
    if starts_at is None:
        raise ValidationFailed({"starts_at": _("Vul een datum en tijd in.")})
    meeting = Meeting(
        title=_text(title, "title", 3, 120),
        starts_at=starts_at,
        place=_text(place, "place", 2, 200),
        area_id=area_id,
        trajectory_id=trajectory.id if trajectory else None,
        initiative_id=initiative.id if initiative else None,
        organiser_id=organiser.id,
    )
    db.session.add(meeting)
    db.session.flush()
    return meeting


def register_attendance(
    registrar: User, meeting: Meeting, user: User | None = None, name: str | None = None, count: int = 1
) -> Attendance:
    """An account, a name only, or a head count of people without an account."""
    require(registrar, "organise_in", meeting)
    begin_write(db.session)
    name = (name or "").strip() or None
    if user is None and name is None and count < 1:
        raise ValidationFailed({"count": _("Vul een naam of een aantal in.")})
    if not 1 <= count <= 1000:
        raise ValidationFailed({"count": _("Het aantal moet tussen 1 en 1000 liggen.")})
    if user is not None:
        count = 1
        exists = db.session.scalar(select(Attendance).filter_by(meeting_id=meeting.id, user_id=user.id))
        if exists:
            return exists
    item = Attendance(
        meeting_id=meeting.id,
        user_id=user.id if user else None,
        name=name[:80] if name else None,
        count=count,
        registered_by_id=registrar.id,
    )
    db.session.add(item)
    db.session.flush()
    if user is not None:
        contributed.send(attendance_event(item, meeting))
    return item


def attendance_event(item: Attendance, meeting: Meeting) -> ContributionEvent:
    return ContributionEvent(
        kind=Contribution.ATTENDANCE,
        source_id=item.id,
        person_id=item.user_id,
        created_at=meeting.starts_at,  # counted on the day of the meeting
        meeting_id=meeting.id,
        trajectory_id=meeting.trajectory_id,
        area_id=meeting.area_id,
    )


def attendance_total(meeting: Meeting) -> int:
    return db.session.scalar(select(func.coalesce(func.sum(Attendance.count), 0)).filter_by(meeting_id=meeting.id))


# --- stakeholders and outcomes --------------------------------------------------------------


def is_member(user: User | None, initiative: Initiative) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if user.id == initiative.owner_id:
        return True
    return (
        db.session.scalar(select(Participation.id).filter_by(initiative_id=initiative.id, user_id=user.id)) is not None
    )


def add_stakeholder(
    actor: User, initiative: Initiative, name: str, kind: str, involved: bool = True, note: str = ""
) -> Stakeholder:
    """Members map who is involved and who is missing; civil servants add the municipality's own position."""
    require(actor, "map_stakeholders", initiative)
    as_municipality = actor.has_role("civil_servant") and not is_member(actor, initiative)
    if kind not in STAKEHOLDER_KINDS:
        raise ValidationFailed({"kind": _("Kies organisatie, groep of rol.")})
    item = Stakeholder(
        initiative_id=initiative.id,
        name=_text(name, "name", 2, 120),
        kind=kind,
        involved=involved,
        is_municipality=as_municipality,
        note=(note or "").strip()[:300],
        added_by_id=actor.id,
    )
    db.session.add(item)
    db.session.flush()
    return item


def report_outcome(actor: User, initiative: Initiative, kind: str, reason: str, decided_on: date) -> Outcome:
    """Close the loop: everyone who took part or follows hears what became of it."""
    require(actor, "close_initiative", initiative)
    begin_write(db.session)
    lock_row(db.session, Initiative, initiative.id)
    if kind not in OUTCOMES:
        raise ValidationFailed({"kind": _("Kies hoe het initiatief is afgelopen.")})
    reason = _text(reason, "reason", 10, 3000)
    if decided_on is None or decided_on > date.today():
        raise ValidationFailed({"decided_on": _("Vul een datum in die niet in de toekomst ligt.")})
    actor_id = actor.id
    outcome = db.session.scalar(select(Outcome).filter_by(initiative_id=initiative.id))
    if outcome is None:
        outcome = Outcome(
            initiative_id=initiative.id, kind=kind, reason=reason, decided_on=decided_on, reported_by_id=actor_id
        )
        db.session.add(outcome)
    outcome.kind, outcome.reason, outcome.decided_on, outcome.reported_by_id = kind, reason, decided_on, actor_id
    initiative.status = "gestopt" if kind == "gestopt" else "afgerond"
    initiative.last_activity_at = utcnow()
    db.session.flush()
    signals.outcome_reported.send(outcome, initiative=initiative)
    people = followers_of(initiative) | {initiative.owner_id}
    people |= set(db.session.scalars(select(Participation.user_id).filter_by(initiative_id=initiative.id)))
    text = _(
        "Wat is er met ‘%(title)s’ gebeurd? %(kind)s: %(reason)s",
        title=initiative.title,
        kind=OUTCOMES[kind],
        reason=reason[:200],
    )
    sent = notify(people - {actor.id}, "outcome", initiative, text)
    deliver_immediate(sent)
    return outcome
