"""Prepared report files never keep what the site no longer shows: a moderation decision, a
withdrawn contribution or an initiative whose visibility changed removes the files of that
initiative's report and of its trajectory's (they are made again on request, reports/files.py);
erasing an account removes them all (privacy/erasure.py)."""

from __future__ import annotations

from sqlalchemy import select

from initiatives import signals as initiative_signals
from participation import signals as participation_signals
from participation.models import Comment, Participation, Pluim
from platform_core.contributions import Contribution
from platform_core.extensions import db
from platform_core.wiring import Receivers

from .files import forget, forget_all

#: connected by schatkaart/wiring.py, in its declared order; importing this module connects nothing
receivers = Receivers(__name__)


def _initiative_of(kind: Contribution, source_id: int) -> int | None:
    """The initiative a withdrawn contribution belonged to (its row is still there when the
    signal is sent), or None when it belongs to none that a report reads this way."""
    if kind is Contribution.COMMENT:
        return db.session.scalar(select(Comment.initiative_id).where(Comment.id == source_id))
    if kind is Contribution.JOIN:
        return db.session.scalar(select(Participation.initiative_id).where(Participation.id == source_id))
    if kind is Contribution.PLUIM:
        pluim = db.session.get(Pluim, source_id)
        if pluim is None:
            return None
        if pluim.target_type == "initiative":
            return pluim.target_id
        return db.session.scalar(select(Comment.initiative_id).where(Comment.id == pluim.target_id))
    return None


@receivers.on(participation_signals.moderated)
def _moderated(sender, target=None, **_kw) -> None:
    forget([target.initiative_id if isinstance(target, Comment) else target.id])


@receivers.on(participation_signals.withdrawn)
def _withdrawn(sender, source_id=None, **_kw) -> None:
    initiative_id = _initiative_of(sender, source_id)
    if initiative_id is None:  # not known here: nothing may keep it, so every file goes
        forget_all()
    else:
        forget([initiative_id])


@receivers.on(initiative_signals.initiative_changed)
def _visibility(sender, changed=(), **_kw) -> None:
    if "visibility" in changed:
        forget([sender.id])
