"""What the initiative page shows about the municipality's part and how it ended."""

from __future__ import annotations

from sqlalchemy import select

from initiatives.models import Initiative
from platform_core.extensions import db
from platform_core.models import User
from platform_core.policy import can

from .framing import framing_for
from .models import (
    FACILITATION_KINDS,
    FRAMING_KINDS,
    OUTCOMES,
    ROLE_SCALE,
    ROLES,
    STAKEHOLDER_KINDS,
    Blocker,
    Facilitation,
    Feedback,
    MunicipalRole,
    Outcome,
    Stage,
    Stakeholder,
    Trajectory,
)
from .municipality import expected_answer_by
from .outcomes import is_member

#: what municipality_part adds to the initiative page (initiatives.signals.detail_page)
MUNICIPALITY_PART = ("trajectory", "initiative_stage", "framing", "feedback", "roles_history", "facilitation",
                     "blockers", "stakeholders", "outcome", "answer_by", "is_civil", "framing_labels",
                     "facilitation_labels", "outcome_labels", "stakeholder_labels", "is_member")  # fmt: skip


def municipality_part(item: Initiative, user: User | None = None, **_kw) -> dict:
    return initiative_context(item, user)


def initiative_context(item: Initiative, user: User | None) -> dict:
    is_civil = can("speak_for_municipality", user=user)
    is_owner = can("steer_initiative", item, user=user)
    trajectory = db.session.get(Trajectory, item.trajectory_id) if item.trajectory_id else None
    framing = framing_for("initiative", item.id)
    if item.area_id:
        framing += framing_for("area", item.area_id)
    if trajectory:
        framing += framing_for("trajectory", trajectory.id)
        if item.stage_id:
            framing += framing_for("stage", item.stage_id)
    return {
        "trajectory": trajectory,
        "initiative_stage": db.session.get(Stage, item.stage_id) if item.stage_id else None,
        "framing": framing,
        "feedback": list(
            db.session.scalars(select(Feedback).filter_by(initiative_id=item.id).order_by(Feedback.created_at))
        ),
        "roles_history": _roles_per_stage(item.id),
        "facilitation": list(db.session.scalars(select(Facilitation).filter_by(initiative_id=item.id))),
        "blockers": list(db.session.scalars(select(Blocker).filter_by(initiative_id=item.id).order_by(Blocker.id)))
        if (is_civil or is_owner)
        else [],
        "stakeholders": list(db.session.scalars(select(Stakeholder).filter_by(initiative_id=item.id))),
        "outcome": db.session.scalar(select(Outcome).filter_by(initiative_id=item.id)),
        "answer_by": expected_answer_by(item) if is_owner else None,
        "is_civil": is_civil,
        "framing_labels": FRAMING_KINDS,
        "facilitation_labels": FACILITATION_KINDS,
        "outcome_labels": OUTCOMES,
        "stakeholder_labels": STAKEHOLDER_KINDS,
        "is_member": is_member(user, item),
    }


def _roles_per_stage(initiative_id: int) -> list[dict]:
    """The municipality's role as it was set, per stage (or overall), latest last."""
    rows = db.session.execute(
        select(MunicipalRole.role, MunicipalRole.scale, MunicipalRole.created_at, Stage.name)
        .outerjoin(Stage, Stage.id == MunicipalRole.stage_id)
        .where(MunicipalRole.initiative_id == initiative_id)
        .order_by(MunicipalRole.id)
    ).all()
    return [
        {"role": ROLES.get(role, role), "scale": ROLE_SCALE.get(scale) if scale else None, "since": at, "stage": stage}
        for role, scale, at, stage in rows
    ]
