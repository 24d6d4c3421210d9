"""What the initiative page shows about its trajectory, framing, stakeholders and how it ended."""

from __future__ import annotations

from sqlalchemy import select

from initiatives.models import Initiative
from participation.queries import standing
from platform_core.extensions import db
from platform_core.models import User
from platform_core.policy import can

from .framing import framing_for_all
from .models import FRAMING_KINDS, OUTCOMES, STAKEHOLDER_KINDS, Outcome, Stage, Stakeholder, Trajectory
from .outcomes import is_member
from .placement import open_trajectories, request_of

#: what trajectory_part adds to the initiative page (initiatives.signals.detail_page)
TRAJECTORY_PART = ("trajectory", "initiative_stage", "framing", "stakeholders", "outcome", "is_civil",
                   "framing_labels", "outcome_labels", "stakeholder_labels", "is_member", "joinable",
                   "trajectory_request")  # fmt: skip


def trajectory_part(item: Initiative, user: User | None = None, **_kw) -> dict:
    return initiative_context(item, user)


def trajectory_reader(item: Initiative, user: User | None) -> tuple:
    """What in ``trajectory_part`` (and the sections showing it) depends on who reads: the
    municipality's view, placing or asking for a trajectory, and being one of the initiative's own."""
    return (
        can("speak_for_municipality", user=user),
        can("place_in_trajectory", item, user=user),
        can("ask_for_trajectory", item, user=user),
        bool(user and user.is_authenticated and user.id == item.owner_id) or standing(item, user).taking is not None,
    )


def initiative_context(item: Initiative, user: User | None) -> dict:
    is_civil = can("speak_for_municipality", user=user)
    trajectory = db.session.get(Trajectory, item.trajectory_id) if item.trajectory_id else None
    targets = [("initiative", item.id)]
    if item.area_id:
        targets.append(("area", item.area_id))
    if trajectory:
        targets.append(("trajectory", trajectory.id))
        if item.stage_id:
            targets.append(("stage", item.stage_id))
    framing = framing_for_all(targets)
    return {
        "trajectory": trajectory,
        "initiative_stage": db.session.get(Stage, item.stage_id) if item.stage_id else None,
        "framing": framing,
        "stakeholders": list(db.session.scalars(select(Stakeholder).filter_by(initiative_id=item.id))),
        "outcome": db.session.scalar(select(Outcome).filter_by(initiative_id=item.id)),
        "is_civil": is_civil,
        "framing_labels": FRAMING_KINDS,
        "outcome_labels": OUTCOMES,
        "stakeholder_labels": STAKEHOLDER_KINDS,
        "is_member": is_member(user, item),
        **_joining(item, user),
    }


def _joining(item: Initiative, user: User | None) -> dict:
    """For a civil servant or the initiator only: the trajectories it can join, and its request."""
    if not (can("place_in_trajectory", item, user=user) or can("ask_for_trajectory", item, user=user)):
        return {"joinable": None, "trajectory_request": None}
    joinable = [t for t in open_trajectories(item) if t.id != item.trajectory_id]
    return {"joinable": joinable, "trajectory_request": request_of(item.id)}
