"""Credits follow what people do: each receiver awards or reverses inside the action's own
transaction, so a rolled-back action earns nothing and a committed one earns exactly once."""

from __future__ import annotations

from initiatives import signals as initiative_signals
from participation import signals as participation_signals
from platform_core.contributions import Contribution, ContributionEvent
from platform_core.wiring import Receivers
from response import signals as response_signals
from trajectories import signals as trajectory_signals

from .services import award, reverse

#: connected by schatkaart/wiring.py, in its declared order; importing this module connects nothing
receivers = Receivers(__name__)
# What a contribution earns, and for whom: (credit kind, earned by the beneficiary rather than the person).
EARNS = {
    Contribution.JOIN: ("joined", False),
    Contribution.COMMENT: ("comment", False),
    Contribution.PLUIM: ("pluim_received", True),
    Contribution.ATTENDANCE: ("meeting_attended", False),
}


@receivers.on(participation_signals.contributed)
def _contributed(event: ContributionEvent, **_kw) -> None:
    if event.kind not in EARNS or event.person_id is None:
        return
    kind, for_beneficiary = EARNS[event.kind]
    if event.kind is Contribution.COMMENT and event.person_id == event.initiative_owner_id:
        return  # no credits for talking on your own initiative
    earner = event.beneficiary_id if for_beneficiary else event.person_id
    counterpart = event.person_id if for_beneficiary else None
    award(earner, event.trajectory_id, kind, event.kind.source_type, event.source_id, counterpart_id=counterpart)


@receivers.on(participation_signals.withdrawn)
def _withdrawn(kind: Contribution, source_id: int, reason: str = "", **_kw) -> None:
    reverse(kind.source_type, source_id, reason)


@receivers.on(initiative_signals.initiative_changed)
def _initiative_changed(initiative, changed: set[str] = frozenset(), reason: str = "", **_kw) -> None:
    if "visibility" in changed and initiative.visibility != "published":
        reverse("initiative", initiative.id, reason)


@receivers.on(trajectory_signals.placed_in_trajectory)
def _placed(initiative, assisted: bool = False, **_kw) -> None:
    if initiative.trajectory_id is not None:
        kind = "assisted_entry" if assisted else "initiative_placed"
        award(initiative.owner_id, initiative.trajectory_id, kind, "initiative", initiative.id)


@receivers.on(trajectory_signals.stage_reached)
def _stage(change, initiative, **_kw) -> None:
    award(initiative.owner_id, initiative.trajectory_id, "stage_reached", "stage_change", change.id)


@receivers.on(response_signals.feedback_given)
def _feedback(feedback, initiative, timely: bool = False, **_kw) -> None:
    if timely:
        award(feedback.author_id, initiative.trajectory_id, "timely_feedback", "feedback", feedback.id)


@receivers.on(trajectory_signals.outcome_reported)
def _outcome(outcome, initiative, **_kw) -> None:
    award(outcome.reported_by_id, initiative.trajectory_id, "outcome_reported", "outcome", outcome.id)
