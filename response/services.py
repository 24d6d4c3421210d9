"""The municipality's response to an initiative: official feedback, its role, facilitation,
blockers, and the response-time queue. Only civil servants speak for the municipality."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from challenges.services import waiting as challenges_waiting
from initiatives.activity import touch
from initiatives.models import Initiative
from participation.models import Comment
from participation.notify import deliver_immediate, notify
from participation.services import followers_of
from platform_core import jobs, settings
from platform_core.extensions import db
from platform_core.models import User, utcnow
from platform_core.policy import require
from platform_core.spatial import begin_write, lock_row
from platform_core.validation import ValidationFailed
from platform_core.workdays import add_working_days, working_days_between
from trajectories.fields import text_field
from trajectories.models import Stage

from . import signals
from .models import (
    FACILITATION_KINDS,
    ROLE_SCALE,
    ROLES,
    Blocker,
    Facilitation,
    Feedback,
    MunicipalRole,
)

# --- feedback, roles, facilitation, blockers ------------------------------------------------


def post_feedback(
    civil_servant: User, initiative: Initiative, body: str, department: str, answers: Comment | None = None
) -> Feedback:
    """The municipality's answer: named, with department and date; counts as its response."""
    require(civil_servant, "answer_initiative", initiative)
    begin_write(db.session)
    lock_row(db.session, Initiative, initiative.id)
    body = text_field(body, "body", 5, 5000)
    department = text_field(department, "department", 2, 120)
    if answers is not None and answers.initiative_id != initiative.id:
        raise ValidationFailed({"body": _("Deze vraag hoort bij een ander initiatief.")})
    feedback = Feedback(
        initiative_id=initiative.id,
        author_id=civil_servant.id,
        department=department,
        body=body,
        answers_comment_id=answers.id if answers else None,
    )
    db.session.add(feedback)
    now = utcnow()
    db.session.flush()
    waited_since = answers.created_at if answers is not None and answers.answered_at is None else None
    if initiative.first_response_at is None:
        waited_since = waited_since or initiative.created_at
        initiative.record_first_response(now)
    timely = waited_since is not None and working_days_between(waited_since, now) <= norm_days()
    if answers is not None and answers.answered_at is None:
        answers.answered_at = now
    touch(initiative.id, now)
    db.session.flush()
    signals.feedback_given.send(feedback, initiative=initiative, timely=timely)
    # followers can be thousands: told by a job after the commit (platform_core.jobs)
    jobs.later("notify.feedback", feedback_id=feedback.id)
    return feedback


def feedback_notifications(feedback_id: int) -> None:
    """The job that tells an initiative's followers, its initiator and whoever asked the question
    that the municipality answered."""
    feedback = db.session.get(Feedback, feedback_id)
    initiative = db.session.get(Initiative, feedback.initiative_id) if feedback is not None else None
    if initiative is None:
        return
    text = _l(
        "De gemeente (%(dep)s) reageerde op ‘%(title)s’: %(body)s",
        dep=feedback.department,
        title=initiative.title,
        body=feedback.body[:200],
    )
    recipients = followers_of(initiative) | {initiative.owner_id}
    asked = db.session.get(Comment, feedback.answers_comment_id) if feedback.answers_comment_id else None
    if asked is not None and asked.author_id:
        recipients.add(asked.author_id)
    deliver_immediate(notify(recipients - {feedback.author_id}, "feedback", initiative, text))


def set_municipal_role(
    civil_servant: User, initiative: Initiative, role: str, scale: str | None = None, stage: Stage | None = None
) -> MunicipalRole:
    require(civil_servant, "answer_initiative", initiative)
    if role not in ROLES:
        raise ValidationFailed({"role": _("Kies een rol.")})
    if scale and scale not in ROLE_SCALE:
        raise ValidationFailed({"scale": _("Kies een positie op de schaal.")})
    if stage is not None and stage.trajectory_id != initiative.trajectory_id:
        raise ValidationFailed({"stage": _("Deze fase hoort niet bij het traject van dit initiatief.")})
    item = MunicipalRole(
        initiative_id=initiative.id,
        stage_id=stage.id if stage else None,
        role=role,
        scale=scale or None,
        set_by_id=civil_servant.id,
    )
    db.session.add(item)
    if stage is None:
        initiative.municipal_role = role
    db.session.flush()
    return item


def offer_facilitation(
    civil_servant: User, initiative: Initiative, kind: str, description: str, amount: int | None = None
) -> Facilitation:
    require(civil_servant, "answer_initiative", initiative)
    if kind not in FACILITATION_KINDS:
        raise ValidationFailed({"kind": _("Kies wat de gemeente aanbiedt.")})
    limit = current_app.config["FACILITATION_BUDGET_MAX"]
    if kind == "budget" and (amount is None or not 0 < amount <= limit):
        raise ValidationFailed({"amount": _("Een klein budget is een bedrag tussen 1 en %(max)s euro.", max=limit)})
    item = Facilitation(
        initiative_id=initiative.id,
        kind=kind,
        description=text_field(description, "description", 3, 500),
        amount=amount if kind == "budget" else None,
        offered_by_id=civil_servant.id,
    )
    db.session.add(item)
    text = _l("De gemeente biedt ‘%(title)s’ aan: %(what)s", title=initiative.title, what=item.description[:200])
    sent = notify({initiative.owner_id}, "facilitation", initiative, text)
    deliver_immediate(sent)
    return item


def log_blocker(civil_servant: User, initiative: Initiative, description: str, department: str) -> Blocker:
    require(civil_servant, "answer_initiative", initiative)
    item = Blocker(
        initiative_id=initiative.id,
        description=text_field(description, "description", 5, 1000),
        department=text_field(department, "department", 2, 120),
        logged_by_id=civil_servant.id,
    )
    db.session.add(item)
    db.session.flush()
    return item


def solve_blocker(civil_servant: User, blocker: Blocker, solution: str) -> Blocker:
    require(civil_servant, "answer_initiative", db.session.get(Initiative, blocker.initiative_id))
    if blocker.solved_at:
        raise ValidationFailed({"solution": _("Dit knelpunt is al opgelost.")})
    blocker.solution = text_field(solution, "solution", 3, 1000)
    blocker.solved_at = utcnow()
    db.session.flush()
    return blocker


# --- response time ------------------------------------------------------------------------


def norm_days() -> int:
    return settings.response_norm_days()


def expected_answer_by(initiative: Initiative) -> datetime | None:
    if initiative.first_response_at is not None or initiative.by_municipality:
        return None
    return add_working_days(initiative.created_at, norm_days())


def response_queue(now: datetime | None = None) -> list[dict]:
    """Everything waiting for the municipality, the ones past the norm first, longest wait first."""

    now = now or utcnow()
    waiting = []
    for item in db.session.scalars(
        select(Initiative).where(
            Initiative.first_response_at.is_(None),
            Initiative.visibility == "published",
            Initiative.by_municipality.is_(False),
        )
    ):
        waiting.append({"kind": "initiative", "initiative": item, "comment": None, "since": item.created_at})
    questions = db.session.scalars(
        select(Comment).where(
            Comment.to_municipality.is_(True), Comment.answered_at.is_(None), Comment.status == "published"
        )
    )
    for comment in questions:
        waiting.append(
            {"kind": "question", "initiative": comment.initiative, "comment": comment, "since": comment.created_at}
        )
    for entry in waiting:
        entry["waiting_days"] = working_days_between(entry["since"], now)
        entry["overdue"] = entry["waiting_days"] > norm_days()
        entry["due"] = add_working_days(entry["since"], norm_days())
    # Challenges (uitdaagrecht) wait against their own terms: acknowledgement, then the decision.
    waiting += challenges_waiting(now)
    waiting.sort(key=lambda e: (not e["overdue"], -e["waiting_days"]))
    return waiting
