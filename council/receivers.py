"""The council listens: every contribution, withdrawal and initiative change moves its facts,
inside the transaction of the action itself."""

from __future__ import annotations

from initiatives import signals as initiative_signals
from participation import signals as participation_signals
from platform_core.contributions import Contribution, ContributionEvent
from platform_core.extensions import db
from platform_core.wiring import Receivers
from response import signals as response_signals
from trajectories import signals as trajectory_signals

from . import maintenance

#: connected by schatkaart/wiring.py, in its declared order; importing this module connects nothing
receivers = Receivers(__name__)


@receivers.on(participation_signals.contributed)
def _contributed(event: ContributionEvent, **_kw) -> None:
    maintenance.contribution_made(db.session.connection(), event)


@receivers.on(participation_signals.withdrawn)
def _withdrawn(kind: Contribution, source_id: int, **_kw) -> None:
    maintenance.contribution_withdrawn(db.session.connection(), kind, source_id)


@receivers.on(initiative_signals.initiative_placed)
def _placed(initiative, **_kw) -> None:
    maintenance.redimension(db.session.connection(), [initiative.id])


@receivers.on(initiative_signals.initiative_changed)
def _changed(initiative, changed: set[str] = frozenset(), **_kw) -> None:
    connection = db.session.connection()
    if changed & maintenance.DIMENSIONS:
        maintenance.redimension(connection, [initiative.id])
    else:
        maintenance.refresh_initiative_row(connection, initiative.id)


@receivers.on(trajectory_signals.placed_in_trajectory)
def _in_trajectory(initiative, **_kw) -> None:
    maintenance.redimension(db.session.connection(), [initiative.id])


@receivers.on(response_signals.feedback_given)
@receivers.on(trajectory_signals.outcome_reported)
def _answered(_row, initiative, **_kw) -> None:
    maintenance.refresh_initiative_row(db.session.connection(), initiative.id)
