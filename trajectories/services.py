"""Trajectories and their stages: create, advance, close; initiatives placed in a trajectory and
moved through its stages. Permissions come from the policy; the request commits."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from initiatives.activity import touch
from initiatives.models import Initiative
from maps.models import Area
from participation.models import Participation
from participation.notify import deliver_immediate, notify
from participation.services import followers_of
from platform_core import jobs
from platform_core.extensions import db
from platform_core.models import User, utcnow
from platform_core.policy import require
from platform_core.spatial import begin_write, lock_row
from platform_core.validation import ValidationFailed

from . import signals
from .fields import text_field
from .models import (
    DEFAULT_STAGES,
    Stage,
    StageChange,
    Trajectory,
)

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
            text_field(value, field, lo, hi)
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
    db.session.flush()
    # everyone in the trajectory can be thousands: told by a job after the commit (platform_core.jobs)
    jobs.later("notify.trajectory", trajectory_id=trajectory.id, stage_id=nxt.id)
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
    trajectory.summary = text_field(summary, "summary", 20, 5000)
    trajectory.closed_at = utcnow()
    jobs.later("notify.trajectory", trajectory_id=trajectory.id, stage_id=None)
    return trajectory


def trajectory_notifications(trajectory_id: int, stage_id: int | None) -> None:
    """The job that tells everyone in a trajectory it reached a new stage (``stage_id``) or was
    closed (``None``)."""
    trajectory = db.session.get(Trajectory, trajectory_id)
    if trajectory is None:
        return
    if stage_id is None:
        kind = "outcome"
        text = _l("Het traject ‘%(t)s’ is afgerond. Lees wat er met uw inbreng is gebeurd.", t=trajectory.title)
    else:
        stage = db.session.get(Stage, stage_id)
        if stage is None:
            return
        kind, text = "stage", _l("Het traject ‘%(t)s’ is nu in de fase ‘%(s)s’.", t=trajectory.title, s=stage.name)
    deliver_immediate(notify(trajectory_people(trajectory), kind, None, text))


def place_in_trajectory(actor: User, initiative: Initiative, trajectory: Trajectory | None) -> None:
    """A civil servant puts an initiative in a trajectory, in its current stage (``None``: out of it).
    The checks a person's request goes through are in trajectories/placement.py."""
    require(actor, "place_in_trajectory", initiative)
    begin_write(db.session)
    lock_row(db.session, Initiative, initiative.id)
    initiative.trajectory_id = trajectory.id if trajectory else None
    initiative.stage_id = trajectory.current_stage_id if trajectory else None
    db.session.flush()
    # Placing earns credits inside the trajectory; for an ambassador's assisted entry, that kind.
    signals.placed_in_trajectory.send(initiative, assisted=bool(initiative.on_behalf_of))


def move_initiative_stage(actor: User, initiative: Initiative) -> Stage:
    """The initiator or a civil servant moves an initiative to its trajectory's next stage."""
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
    touch(initiative.id)
    db.session.flush()
    signals.stage_reached.send(change, initiative=initiative)
    # followers can be thousands: told by a job after the commit (platform_core.jobs)
    jobs.later("notify.stage", initiative_id=initiative.id, stage_id=nxt.id, actor_id=actor.id)
    return nxt


def stage_notifications(initiative_id: int, stage_id: int, actor_id: int) -> None:
    """The job that tells an initiative's followers it reached a new stage."""
    initiative, stage = db.session.get(Initiative, initiative_id), db.session.get(Stage, stage_id)
    if initiative is None or stage is None:
        return
    text = _l("‘%(t)s’ is nu in de fase ‘%(s)s’.", t=initiative.title, s=stage.name)
    deliver_immediate(notify(followers_of(initiative) - {actor_id}, "stage", initiative, text))
