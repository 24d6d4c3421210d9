"""What goes on the public record, as it happens: public contributions, the municipality's
framing, feedback and outcomes, and moderation decisions with their reasons."""

from __future__ import annotations

from challenges import signals as challenge_signals
from initiatives import signals as initiative_signals
from participation import signals as participation_signals
from participation.models import Comment
from platform_core.accounts import staff as staff_signals
from platform_core.contributions import Contribution, ContributionEvent
from platform_core.extensions import db
from platform_core.wiring import Receivers
from response import signals as response_signals
from trajectories import signals as trajectory_signals

from .archive import record

#: connected by schatkaart/wiring.py, in its declared order; importing this module connects nothing
receivers = Receivers(__name__)
#: Fields that name a person: erased from the record with the person's account.
NAME_FIELDS = frozenset({"author_name", "owner_name", "moderator_name", "on_behalf_of"})


def _initiative_facts(initiative) -> dict:
    return {
        "type": initiative.type,
        "status": initiative.status,
        "visibility": initiative.visibility,
        "municipal_role": initiative.municipal_role,
        "area_id": initiative.area_id,
        "trajectory_id": initiative.trajectory_id,
        "location": [round(initiative.lon, 6), round(initiative.lat, 6)],
        "budget": [initiative.budget_requested, initiative.budget_granted, initiative.budget_spent],
    }


def _initiative_words(initiative) -> dict:
    owner = initiative.owner_id
    return {
        "title": (initiative.title, owner),
        "summary": (initiative.summary, owner),
        "description": (initiative.description, owner),
        "owner_name": (initiative.owner.display_name if initiative.owner else None, owner),
        "on_behalf_of": (initiative.on_behalf_of, None),
    }


@receivers.on(initiative_signals.initiative_placed)
def _placed(initiative, **_kw) -> None:
    record(
        "initiative.placed", "initiative", initiative.id, _initiative_facts(initiative), _initiative_words(initiative)
    )


@receivers.on(initiative_signals.initiative_changed)
def _changed(initiative, changed: set[str] = frozenset(), **kw) -> None:
    payload = {"changed": sorted(changed), **_initiative_facts(initiative)}
    words = {"title": (initiative.title, initiative.owner_id)} if "title" in changed else {}
    record("initiative.changed", "initiative", initiative.id, payload, words)


@receivers.on(participation_signals.contributed)
def _contributed(event: ContributionEvent, **_kw) -> None:
    if event.kind is not Contribution.COMMENT:
        return
    comment = db.session.get(Comment, event.source_id)
    if comment is None or comment.status != "published":
        return
    payload = {
        "initiative_id": comment.initiative_id,
        "parent_id": comment.parent_id,
        "to_municipality": comment.to_municipality,
        "with_account": comment.author_id is not None,
    }
    words = {"author_name": (comment.author_name, comment.author_id), "body": (comment.body, comment.author_id)}
    record("comment.published", "comment", comment.id, payload, words)


@receivers.on(participation_signals.moderated)
def _moderated(decision, target=None, **_kw) -> None:
    payload = {
        "target": [decision.target_type, decision.target_id],
        "action": decision.action,
        "reason": decision.reason,
        "decision_id": decision.id,
    }
    words = {"moderator_name": (decision.moderator.display_name, decision.moderator_id)}
    record("moderation.decided", decision.target_type, decision.target_id, payload, words)


@receivers.on(trajectory_signals.framing_added)
def _framing(framing, **_kw) -> None:
    payload = {
        "target": [framing.target_type, framing.target_id],
        "kind": framing.kind,
        "body": framing.body,
        "amount": framing.amount,
        "version": framing.version,
    }
    words = {"author_name": (framing.author.display_name, framing.author_id)}
    record("framing.added", "framing", framing.id, payload, words)


@receivers.on(response_signals.feedback_given)
def _feedback(feedback, initiative, **_kw) -> None:
    payload = {
        "initiative_id": initiative.id,
        "department": feedback.department,
        "body": feedback.body,
        "answers_comment_id": feedback.answers_comment_id,
    }
    words = {"author_name": (feedback.author.display_name, feedback.author_id)}
    record("feedback.given", "feedback", feedback.id, payload, words)


@receivers.on(trajectory_signals.outcome_reported)
def _outcome(outcome, initiative, **_kw) -> None:
    payload = {
        "initiative_id": initiative.id,
        "kind": outcome.kind,
        "reason": outcome.reason,
        "decided_on": outcome.decided_on.isoformat(),
    }
    record("outcome.reported", "outcome", outcome.id, payload)


@receivers.on(challenge_signals.challenge_step)
def _challenge(challenge, step: str, **_kw) -> None:
    """A public challenge's filing and each step the municipality takes; the challenger's own words
    and name beside the chain, so they can be erased with the account."""
    if not challenge.public:
        return
    payload = {
        "step": step,
        "state": challenge.state,
        "challenger": challenge.challenger,
        "organisation": challenge.organisation,
        "area_id": challenge.area_id,
        "linked_initiative_id": challenge.linked_initiative_id,
        "ack_due_at": challenge.ack_due_at.isoformat(),
        "decide_due_at": challenge.decide_due_at.isoformat(),
    }
    words = {}
    if step == "filed":
        owner = challenge.owner_id
        words = {
            "title": (challenge.title, owner),
            "task": (challenge.task, owner),
            "motivation": (challenge.motivation, owner),
            "needs": (challenge.needs, owner),
            "owner_name": (challenge.owner.display_name if challenge.owner else None, owner),
        }
    if step == "assessed":
        payload["assessment"] = challenge.assessment
    if step == "decided":
        payload.update(decision=challenge.decision, reason=challenge.decision_reason)
    if step == "converted":
        payload.update(initiative_id=challenge.initiative_id, agreement=challenge.agreement)
    record(f"challenge.{step}", "challenge", challenge.id, payload, words)


@receivers.on(staff_signals.people_changed)
def _people(user, actor=None, change: str = "", role: str | None = None, **_kw) -> None:
    """Who holds which role, and whose account was switched off, is on the public record."""
    payload = {"change": change, "role": role}
    words = {
        "name": (user.display_name, user.id),
        "admin_name": (actor.display_name, actor.id) if actor else (None, None),
    }
    record(f"people.{change}", "user", user.id, payload, words)
