"""Framing (kaders): typed, versioned, on a trajectory, a stage, an area or an initiative."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select

from initiatives.models import Initiative
from maps.models import Area
from platform_core.extensions import db
from platform_core.models import User
from platform_core.policy import find, require
from platform_core.validation import ValidationFailed

from . import signals
from .fields import text_field
from .models import (
    FRAMING_KINDS,
    FRAMING_TARGETS,
    Framing,
    Stage,
    Trajectory,
)

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
    body = text_field(body, "body", 5, 4000)
    if kind == "budget" and (amount is None or amount < 0):
        raise ValidationFailed({"amount": _("Vul het beschikbare bedrag in hele euro's in.")})
    model = {"trajectory": Trajectory, "stage": Stage, "area": Area, "initiative": Initiative}[target_type]
    target = find(model, target_id)
    if target is None:
        raise ValidationFailed({"target_id": _("Dit bestaat niet (meer).")})
    if target_type == "initiative":  # framing is public: never on a hidden initiative
        require(civil_servant, "answer_initiative", target)
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
    signals.framing_added.send(framing)
    return framing


def framing_for_all(targets: list[tuple[str, int]]) -> list[Framing]:
    """The current framing of several targets in one statement, target by target in the order
    given, each as :func:`framing_for` orders it."""
    if not targets:
        return []
    wanted = or_(*(and_(Framing.target_type == kind, Framing.target_id == id_) for kind, id_ in targets))
    rows = db.session.scalars(
        select(Framing).where(wanted, Framing.is_current.is_(True)).order_by(Framing.kind, Framing.version.desc())
    ).all()
    return [f for target in targets for f in rows if (f.target_type, f.target_id) == target]


def framing_for(target_type: str, target_id: int, current_only: bool = True) -> list[Framing]:
    stmt = select(Framing).filter_by(target_type=target_type, target_id=target_id)
    if current_only:
        stmt = stmt.filter_by(is_current=True)
    return list(db.session.scalars(stmt.order_by(Framing.kind, Framing.version.desc())))
