"""Prepared report files never keep what the site no longer shows: a moderation decision, a
withdrawn contribution or an initiative whose visibility changed removes them all (they are made
again on request, reports/files.py)."""

from __future__ import annotations

from initiatives import signals as initiative_signals
from participation import signals as participation_signals
from platform_core.wiring import Receivers

from .files import forget_all

#: connected by schatkaart/wiring.py, in its declared order; importing this module connects nothing
receivers = Receivers(__name__)


@receivers.on(participation_signals.moderated, participation_signals.withdrawn)
def _forget(sender, **_kw) -> None:
    forget_all()


@receivers.on(initiative_signals.initiative_changed)
def _visibility(sender, changed=(), **_kw) -> None:
    if "visibility" in changed:
        forget_all()
