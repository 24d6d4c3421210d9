"""Which initiatives take part in a trajectory: a civil servant puts one in (or takes it out), an
initiator asks for theirs to join and a civil servant accepts or declines, with a reason."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from initiatives.models import Initiative
from participation.notify import deliver_immediate, notify
from platform_core.extensions import db
from platform_core.models import User, utcnow
from platform_core.policy import require
from platform_core.spatial import begin_write, lock_row
from platform_core.validation import ValidationFailed

from .fields import text_field
from .models import Trajectory, TrajectoryRequest
from .services import place_in_trajectory


def open_trajectories(initiative: Initiative) -> list[Trajectory]:
    """The trajectories an initiative can join: not closed, and covering its buurt (or everywhere)."""
    found = db.session.scalars(select(Trajectory).where(Trajectory.closed_at.is_(None)).order_by(Trajectory.title))
    return [t for t in found if _covers(t, initiative)]


def _covers(trajectory: Trajectory, initiative: Initiative) -> bool:
    if not trajectory.areas:
        return True
    ids = {a.id for a in trajectory.areas}
    area = initiative.area
    return area is not None and (area.id in ids or area.parent_id in ids)


def _joinable(trajectory: Trajectory | None, initiative: Initiative, field: str) -> Trajectory:
    if trajectory is None:
        raise ValidationFailed({field: _("Kies een traject.")})
    if trajectory.closed_at is not None:
        raise ValidationFailed({field: _("Dit traject is afgesloten.")})
    if not _covers(trajectory, initiative):
        raise ValidationFailed({field: _("Dit initiatief ligt buiten het gebied van dit traject.")})
    if initiative.trajectory_id == trajectory.id:
        raise ValidationFailed({field: _("Dit initiatief hoort al bij dit traject.")})
    return trajectory


def put_in_trajectory(civil_servant: User, initiative: Initiative, trajectory: Trajectory | None) -> None:
    """A civil servant places an initiative in a trajectory (an open request for it is accepted)."""
    require(civil_servant, "place_in_trajectory", initiative)
    begin_write(db.session)
    lock_row(db.session, Initiative, initiative.id)
    db.session.refresh(initiative)
    _joinable(trajectory, initiative, "trajectory_id")
    place_in_trajectory(civil_servant, initiative, trajectory)
    for request in _open_requests(initiative.id, trajectory.id):
        request.accepted, request.decided_at, request.decided_by_id = True, utcnow(), civil_servant.id
    _tell(
        initiative,
        civil_servant,
        _l("‘%(i)s’ doet nu mee met het traject ‘%(t)s’.", i=initiative.title, t=trajectory.title),
    )


def take_out_of_trajectory(civil_servant: User, initiative: Initiative) -> None:
    """A civil servant takes an initiative out of its trajectory (placed by mistake, or withdrawn)."""
    require(civil_servant, "place_in_trajectory", initiative)
    begin_write(db.session)
    lock_row(db.session, Initiative, initiative.id)
    db.session.refresh(initiative)
    trajectory = db.session.get(Trajectory, initiative.trajectory_id) if initiative.trajectory_id else None
    if trajectory is None:
        raise ValidationFailed({"trajectory_id": _("Dit initiatief hoort niet bij een traject.")})
    place_in_trajectory(civil_servant, initiative, None)
    _tell(
        initiative,
        civil_servant,
        _l("‘%(i)s’ doet niet meer mee met het traject ‘%(t)s’.", i=initiative.title, t=trajectory.title),
    )


def ask_to_join(
    initiator: User, initiative: Initiative, trajectory: Trajectory | None, message: str
) -> TrajectoryRequest:
    """The initiator asks for their initiative to join a trajectory; the municipality decides."""
    require(initiator, "ask_for_trajectory", initiative)
    begin_write(db.session)
    lock_row(db.session, Initiative, initiative.id)
    db.session.refresh(initiative)
    _joinable(trajectory, initiative, "trajectory_id")
    if _open_requests(initiative.id, trajectory.id):
        raise ValidationFailed({"trajectory_id": _("U vroeg dit al; de gemeente beslist nog.")})
    request = TrajectoryRequest(
        initiative_id=initiative.id,
        trajectory_id=trajectory.id,
        asked_by_id=initiator.id,
        message=text_field(message, "message", 0, 500) if (message or "").strip() else "",
    )
    db.session.add(request)
    db.session.flush()
    return request


def decide_request(civil_servant: User, request: TrajectoryRequest, accept: bool, reason: str = "") -> None:
    initiative = db.session.get(Initiative, request.initiative_id)
    require(civil_servant, "place_in_trajectory", initiative)
    if request.decided_at is not None:
        raise ValidationFailed({"reason": _("Over deze aanvraag is al besloten.")})
    if accept:
        put_in_trajectory(civil_servant, initiative, db.session.get(Trajectory, request.trajectory_id))
        return
    begin_write(db.session)
    lock_row(db.session, Initiative, initiative.id)
    db.session.refresh(request)
    if request.decided_at is not None:
        raise ValidationFailed({"reason": _("Over deze aanvraag is al besloten.")})
    request.reason = text_field(reason, "reason", 5, 500)
    request.accepted, request.decided_at, request.decided_by_id = False, utcnow(), civil_servant.id
    trajectory = db.session.get(Trajectory, request.trajectory_id)
    _tell(
        initiative,
        civil_servant,
        _l(
            "‘%(i)s’ doet niet mee met het traject ‘%(t)s’: %(r)s",
            i=initiative.title,
            t=trajectory.title,
            r=request.reason,
        ),
    )


def _open_requests(initiative_id: int, trajectory_id: int) -> list[TrajectoryRequest]:
    return list(
        db.session.scalars(
            select(TrajectoryRequest).where(
                TrajectoryRequest.initiative_id == initiative_id,
                TrajectoryRequest.trajectory_id == trajectory_id,
                TrajectoryRequest.decided_at.is_(None),
            )
        )
    )


def requests_waiting(trajectory_id: int) -> list[TrajectoryRequest]:
    return list(
        db.session.scalars(
            select(TrajectoryRequest)
            .where(TrajectoryRequest.trajectory_id == trajectory_id, TrajectoryRequest.decided_at.is_(None))
            .order_by(TrajectoryRequest.id)
        )
    )


def request_of(initiative_id: int) -> TrajectoryRequest | None:
    """The initiative's latest request, to show its initiator where it stands."""
    return db.session.scalar(
        select(TrajectoryRequest)
        .where(TrajectoryRequest.initiative_id == initiative_id)
        .order_by(TrajectoryRequest.id.desc())
        .limit(1)
    )


def _tell(initiative: Initiative, actor: User, text) -> None:
    if initiative.owner_id and initiative.owner_id != actor.id:
        deliver_immediate(notify({initiative.owner_id}, "trajectory", initiative, text))
