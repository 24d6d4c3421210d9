"""Prepared report files never keep what the site no longer shows: a moderation decision, a
withdrawn contribution or an initiative whose visibility changed removes the files of that
initiative's report and of its trajectory's (they are made again on request, reports/files.py);
erasing an account removes them all (privacy/erasure.py)."""

from __future__ import annotations

from initiatives import signals as initiative_signals
from participation import signals as participation_signals
from participation.models import Comment
from platform_core.wiring import Receivers

from .files import forget

#: connected by schatkaart/wiring.py, in its declared order; importing this module connects nothing
receivers = Receivers(__name__)


@receivers.on(participation_signals.moderated)
def _moderated(sender, target=None, **_kw) -> None:
    forget([target.initiative_id if isinstance(target, Comment) else target.id])


@receivers.on(participation_signals.withdrawn)
def _withdrawn(sender, initiative_id: int, **_kw) -> None:
    forget([initiative_id])


@receivers.on(initiative_signals.initiative_changed)
def _visibility(sender, changed=(), **_kw) -> None:
    if "visibility" in changed:
        forget([sender.id])
