"""Stakeholders (krachtenveld) and outcomes: closing the loop on every initiative."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from initiatives.activity import touch
from initiatives.models import Initiative
from participation.models import Participation
from participation.notify import deliver_immediate, notify
from participation.services import followers_of
from platform_core import jobs
from platform_core.extensions import db
from platform_core.models import User
from platform_core.policy import can, require
from platform_core.spatial import begin_write, lock_row
from platform_core.validation import ValidationFailed

from . import signals
from .fields import text_field
from .models import (
    OUTCOMES,
    STAKEHOLDER_KINDS,
    Outcome,
    Stakeholder,
)

# --- stakeholders and outcomes --------------------------------------------------------------


def is_member(user: User | None, initiative: Initiative) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if user.id == initiative.owner_id:
        return True
    return (
        db.session.scalar(select(Participation.id).filter_by(initiative_id=initiative.id, user_id=user.id)) is not None
    )


def add_stakeholder(
    actor: User, initiative: Initiative, name: str, kind: str, involved: bool = True, note: str = ""
) -> Stakeholder:
    """Members map who is involved and who is missing; civil servants add the municipality's own position."""
    require(actor, "map_stakeholders", initiative)
    as_municipality = can("speak_for_municipality", user=actor) and not is_member(actor, initiative)
    if kind not in STAKEHOLDER_KINDS:
        raise ValidationFailed({"kind": _("Kies organisatie, groep of rol.")})
    item = Stakeholder(
        initiative_id=initiative.id,
        name=text_field(name, "name", 2, 120),
        kind=kind,
        involved=involved,
        is_municipality=as_municipality,
        note=(note or "").strip()[:300],
        added_by_id=actor.id,
    )
    db.session.add(item)
    db.session.flush()
    return item


def report_outcome(actor: User, initiative: Initiative, kind: str, reason: str, decided_on: date) -> Outcome:
    """Close the loop: everyone who took part or follows hears what became of it."""
    require(actor, "close_initiative", initiative)
    begin_write(db.session)
    lock_row(db.session, Initiative, initiative.id)
    if kind not in OUTCOMES:
        raise ValidationFailed({"kind": _("Kies hoe het initiatief is afgelopen.")})
    reason = text_field(reason, "reason", 10, 3000)
    if decided_on is None or decided_on > date.today():
        raise ValidationFailed({"decided_on": _("Vul een datum in die niet in de toekomst ligt.")})
    actor_id = actor.id
    outcome = db.session.scalar(select(Outcome).filter_by(initiative_id=initiative.id))
    if outcome is None:
        outcome = Outcome(
            initiative_id=initiative.id, kind=kind, reason=reason, decided_on=decided_on, reported_by_id=actor_id
        )
        db.session.add(outcome)
    outcome.kind, outcome.reason, outcome.decided_on, outcome.reported_by_id = kind, reason, decided_on, actor_id
    initiative.status = "stopped" if kind == "stopped" else "completed"
    touch(initiative.id)
    db.session.flush()
    signals.outcome_reported.send(outcome, initiative=initiative)
    # followers can be thousands: told by a job after the commit (platform_core.jobs)
    jobs.later("notify.outcome", outcome_id=outcome.id, actor_id=actor_id)
    return outcome


def outcome_notifications(outcome_id: int, actor_id: int) -> None:
    """The job that tells everyone who took part in or follows an initiative what became of it."""
    outcome = db.session.get(Outcome, outcome_id)
    initiative = db.session.get(Initiative, outcome.initiative_id) if outcome is not None else None
    if initiative is None:
        return
    people = followers_of(initiative) | {initiative.owner_id}
    people |= set(db.session.scalars(select(Participation.user_id).filter_by(initiative_id=initiative.id)))
    text = _l(
        "Wat is er met ‘%(title)s’ gebeurd? %(kind)s: %(reason)s",
        title=initiative.title,
        kind=OUTCOMES[outcome.kind],
        reason=outcome.reason[:200],
    )
    deliver_immediate(notify(people - {actor_id}, "outcome", initiative, text))
