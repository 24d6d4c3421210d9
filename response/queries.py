"""What the initiative page shows of the municipality's response: its answers, its role per
stage, what it facilitates, the blockers (to its civil servants and the initiator only) and,
for the initiator, by when an answer is due."""

from __future__ import annotations

from sqlalchemy import select

from initiatives.models import Initiative
from platform_core.extensions import db
from platform_core.models import User
from platform_core.policy import can
from trajectories.models import Stage

from .models import FACILITATION_KINDS, ROLE_SCALE, ROLES, Blocker, Facilitation, Feedback, MunicipalRole
from .services import expected_answer_by

#: what response_part adds to the initiative page (initiatives.signals.detail_page)
RESPONSE_PART = ("feedback", "roles_history", "facilitation", "blockers", "answer_by", "facilitation_labels")


def response_part(item: Initiative, user: User | None = None, **_kw) -> dict:
    is_civil = can("speak_for_municipality", user=user)
    is_owner = can("steer_initiative", item, user=user)
    blockers = select(Blocker).filter_by(initiative_id=item.id).order_by(Blocker.id)
    return {
        "feedback": list(
            db.session.scalars(select(Feedback).filter_by(initiative_id=item.id).order_by(Feedback.created_at))
        ),
        "roles_history": _roles_per_stage(item.id),
        "facilitation": list(db.session.scalars(select(Facilitation).filter_by(initiative_id=item.id))),
        "blockers": list(db.session.scalars(blockers)) if (is_civil or is_owner) else [],
        "answer_by": expected_answer_by(item) if is_owner else None,
        "facilitation_labels": FACILITATION_KINDS,
    }


def response_reader(item: Initiative, user: User | None) -> tuple:
    """What in ``response_part`` depends on who reads: blockers for the municipality and the
    initiator, the answer's due date for the initiator."""
    return can("speak_for_municipality", user=user), can("steer_initiative", item, user=user)


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
