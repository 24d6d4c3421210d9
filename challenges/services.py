"""Filing, backing, acknowledging, asking, assessing and deciding a challenge, and turning a granted
one into a zelfbeheer initiative. Each checks the policy first; each runs in the caller's
transaction (the view's unit of work)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from initiatives.models import Initiative
from initiatives.services import InitiativeInput, create_initiative, parse_budget
from maps.models import Area
from participation.notify import deliver_immediate, notify
from platform_core.extensions import db
from platform_core.models import User, utcnow
from platform_core.policy import can, find, require
from platform_core.spatial import begin_write, lock_row
from platform_core.validation import ValidationFailed, text_field
from platform_core.workdays import add_working_days, working_days_between

from . import terms
from .models import CHALLENGERS, DECISIONS, VERDICTS, Challenge, ChallengeMessage, ChallengeSupport
from .signals import challenge_step


@dataclass
class ChallengeInput:
    title: str = ""
    task: str = ""
    motivation: str = ""
    needs: str = ""
    support: str = ""
    budget_needed: str | int | None = None
    challenger: str = ""
    organisation: str | None = None
    area_code: str | None = None
    linked_initiative_id: int | None = None


def file_challenge(actor: User, data: ChallengeInput) -> Challenge:
    require(actor, "file_challenge")
    now_terms = terms.current()
    errors: dict[str, str] = {}

    def check(field: str, value: str | None, lo: int, hi: int) -> str:
        try:
            return text_field(value, field, lo, hi)
        except ValidationFailed as exc:
            errors.update(exc.errors)
            return ""

    clean = {
        "title": check("title", data.title, 5, 120),
        "task": check("task", data.task, 10, 2000),
        "motivation": check("motivation", data.motivation, 20, 4000),
        "needs": check("needs", data.needs, 5, 2000),
        "support": (data.support or "").strip()[:2000],
    }
    if data.challenger not in CHALLENGERS:
        errors["challenger"] = _("Kies wie de uitdaging indient.")
    elif data.challenger not in now_terms.who:
        allowed = ", ".join(str(CHALLENGERS[c]).lower() for c in now_terms.who)
        errors["challenger"] = _("In deze gemeente mag dit: %(who)s.", who=allowed)
    organisation = (data.organisation or "").strip()[:120] or None
    if data.challenger in ("group", "organisation") and not organisation:
        errors["organisation"] = _("Vul de naam van de groep of organisatie in.")
    try:
        budget = parse_budget(data.budget_needed)
    except ValidationFailed as exc:
        errors["budget_needed"] = exc.errors.get("budget_requested") or next(iter(exc.errors.values()))
        budget = None
    area = None
    if data.area_code:
        area = db.session.scalar(select(Area).where(Area.code == data.area_code, Area.level == "neighbourhood"))
        if area is None:
            errors["area_code"] = _("Kies een buurt uit de lijst.")
    linked = None
    if data.linked_initiative_id:
        linked = find(Initiative, data.linked_initiative_id)
        if linked is None or linked.visibility != "published":
            errors["linked_initiative_id"] = _("Dit initiatief bestaat niet (meer).")
    if errors:
        raise ValidationFailed(errors)
    begin_write(db.session)
    now = utcnow()
    lon = lat = None
    if area is not None:
        lon, lat = db.session.execute(
            select(func.ST_X(func.ST_PointOnSurface(Area.geom)), func.ST_Y(func.ST_PointOnSurface(Area.geom))).where(
                Area.id == area.id
            )
        ).one()
    challenge = Challenge(
        **clean,
        budget_needed=budget,
        challenger=data.challenger,
        organisation=organisation if data.challenger != "individual" else None,
        owner_id=actor.id,
        area_id=area.id if area else None,
        lon=lon,
        lat=lat,
        linked_initiative_id=linked.id if linked else None,
        public=now_terms.public,
        criteria="\n".join(now_terms.criteria),
        ack_due_at=add_working_days(now, now_terms.ack_days),
        decide_due_at=add_working_days(now, now_terms.decision_days),
        created_at=now,
    )
    db.session.add(challenge)
    db.session.flush()
    challenge_step.send(challenge, step="filed")
    return challenge


def support(actor: User, challenge: Challenge) -> bool:
    """Back a challenge (co-sign). Returns False when this person already did; counted once, also when
    two clicks arrive at once."""
    require(actor, "support_challenge", challenge)
    if challenge.state == "decided":
        raise ValidationFailed({"support": _("Over deze uitdaging is al besloten.")})
    begin_write(db.session)
    try:
        with db.session.begin_nested():
            db.session.add(ChallengeSupport(challenge_id=challenge.id, user_id=actor.id))
    except IntegrityError:
        return False
    db.session.execute(
        update(Challenge).where(Challenge.id == challenge.id).values(supporters_count=Challenge.supporters_count + 1)
    )
    db.session.refresh(challenge)
    return True


def supports(actor: User | None, challenge: Challenge) -> bool:
    if actor is None or not actor.is_authenticated:
        return False
    return (
        db.session.scalar(select(ChallengeSupport.id).filter_by(challenge_id=challenge.id, user_id=actor.id))
        is not None
    )


def _tell(challenge: Challenge, actor: User, text: object) -> None:
    people = {challenge.owner_id}
    people |= set(db.session.scalars(select(ChallengeSupport.user_id).filter_by(challenge_id=challenge.id)))
    deliver_immediate(notify(people - {actor.id}, "challenge", challenge.linked_initiative, text))


def acknowledge(actor: User, challenge: Challenge) -> None:
    require(actor, "decide_challenge", challenge)
    begin_write(db.session)
    lock_row(db.session, Challenge, challenge.id)
    db.session.refresh(challenge)
    if challenge.acknowledged_at is not None:
        return  # already acknowledged (two civil servants at once): once is enough
    challenge.acknowledged_at = utcnow()
    challenge.state = "in_review"
    db.session.flush()
    challenge_step.send(challenge, step="acknowledged")
    _tell(
        challenge,
        actor,
        _l(
            "De gemeente heeft uw uitdaging ‘%(title)s’ ontvangen. Er wordt besloten vóór %(date)s.",
            title=challenge.title,
            date=challenge.decide_due_at.strftime("%d-%m-%Y"),
        ),
    )


def post_message(actor: User, challenge: Challenge, body: str) -> ChallengeMessage:
    """A question from the municipality or an answer from the challenger."""
    require(actor, "discuss_challenge", challenge)
    body = text_field(body, "body", 2, 3000)
    if challenge.state == "decided":
        raise ValidationFailed({"body": _("Over deze uitdaging is al besloten.")})
    from_municipality = can("decide_challenge", challenge, user=actor) and actor.id != challenge.owner_id
    begin_write(db.session)
    message = ChallengeMessage(
        challenge_id=challenge.id, author_id=actor.id, from_municipality=from_municipality, body=body
    )
    db.session.add(message)
    db.session.flush()
    if from_municipality:
        _tell(challenge, actor, _l("De gemeente heeft een vraag over uw uitdaging ‘%(t)s’.", t=challenge.title))
    return message


def assess(actor: User, challenge: Challenge, verdicts: dict[str, tuple[str, str]]) -> None:
    """The assessment against the criteria as they stood at filing: a verdict for each, with a note."""
    require(actor, "decide_challenge", challenge)
    if challenge.state == "decided":
        raise ValidationFailed({"assessment": _("Over deze uitdaging is al besloten.")})
    lines = []
    for i, criterion in enumerate(challenge.criteria_list):
        verdict, note = verdicts.get(criterion, ("", ""))
        if verdict not in VERDICTS:
            raise ValidationFailed({f"verdict-{i}": _("Kies een oordeel voor dit criterium.")})
        note = " ".join((note or "").split())[:500]
        lines.append(f"{criterion}\t{verdict}\t{note}")
    begin_write(db.session)
    lock_row(db.session, Challenge, challenge.id)
    challenge.assessment = "\n".join(lines)
    if challenge.acknowledged_at is None:
        challenge.acknowledged_at = utcnow()
    challenge.state = "in_review"
    db.session.flush()
    challenge_step.send(challenge, step="assessed")


def decide(actor: User, challenge: Challenge, decision: str, reason: str) -> None:
    require(actor, "decide_challenge", challenge)
    if decision not in DECISIONS:
        raise ValidationFailed({"decision": _("Kies het besluit.")})
    reason = text_field(reason, "reason", 20, 4000)
    if not challenge.assessment:
        raise ValidationFailed({"decision": _("Beoordeel de uitdaging eerst aan de hand van de criteria.")})
    begin_write(db.session)
    lock_row(db.session, Challenge, challenge.id)
    db.session.refresh(challenge)
    if challenge.state == "decided":
        raise ValidationFailed({"decision": _("Over deze uitdaging is al besloten.")})
    now = utcnow()
    challenge.decision, challenge.decision_reason = decision, reason
    challenge.decided_at, challenge.decided_by_id = now, actor.id
    challenge.state = "decided"
    if challenge.acknowledged_at is None:
        challenge.acknowledged_at = now
    db.session.flush()
    challenge_step.send(challenge, step="decided")
    _tell(
        challenge,
        actor,
        _l("Besluit over de uitdaging ‘%(t)s’: %(d)s. %(r)s", t=challenge.title, d=DECISIONS[decision], r=reason[:200]),
    )


def convert_to_zelfbeheer(actor: User, challenge: Challenge, agreement: str) -> Initiative:
    """A granted challenge becomes a zelfbeheer initiative of its challenger, with the agreement."""
    require(actor, "decide_challenge", challenge)
    if challenge.decision not in ("granted", "partly"):
        raise ValidationFailed({"agreement": _("Alleen een toegekende uitdaging wordt een zelfbeheerinitiatief.")})
    if challenge.initiative_id is not None:
        raise ValidationFailed({"agreement": _("Deze uitdaging is al een zelfbeheerinitiatief.")})
    agreement = text_field(agreement, "agreement", 20, 4000)
    if challenge.lon is None:
        raise ValidationFailed({"agreement": _("De uitdaging heeft geen buurt; zet het initiatief zelf op de kaart.")})
    owner = challenge.owner
    initiative = create_initiative(
        owner,
        InitiativeInput(
            title=challenge.title,
            summary=challenge.task[:300],  # filed with at least 10 characters, as a summary needs
            description=f"{challenge.motivation}\n\n**{_('Afspraak over zelfbeheer')}**\n\n{agreement}",
            type="self_management",
            lat=challenge.lat,
            lon=challenge.lon,
            status="preparing",
            budget_requested=challenge.budget_needed,
        ),
    )
    lock_row(db.session, Challenge, challenge.id)
    challenge.agreement, challenge.initiative_id = agreement, initiative.id
    db.session.flush()
    challenge_step.send(challenge, step="converted")
    return initiative


# --- for the response queue and the council ---------------------------------------------------------


def waiting(now: datetime) -> list[dict]:
    """Challenges waiting for the municipality, each against its own term: acknowledgement, then decision."""
    out = []
    for challenge in db.session.scalars(
        select(Challenge).where(Challenge.state != "decided").order_by(Challenge.decide_due_at).limit(500)
    ):
        acknowledging = challenge.acknowledged_at is None
        due = challenge.ack_due_at if acknowledging else challenge.decide_due_at
        out.append(
            {
                "kind": "challenge_ack" if acknowledging else "challenge_decision",
                "challenge": challenge,
                "initiative": None,
                "comment": None,
                "since": challenge.created_at,
                "due": due,
                "waiting_days": working_days_between(challenge.created_at, now),
                "overdue": now > due,
            }
        )
    return out


def figures(start: datetime | None = None, end: datetime | None = None) -> dict:
    """What the council counts: filed, decided per decision, decided within the term, waiting."""
    stmt = select(Challenge.state, Challenge.decision, Challenge.decided_at <= Challenge.decide_due_at, func.count())
    if start:
        stmt = stmt.where(Challenge.created_at >= start)
    if end:
        stmt = stmt.where(Challenge.created_at < end)
    rows = db.session.execute(
        stmt.group_by(Challenge.state, Challenge.decision, Challenge.decided_at <= Challenge.decide_due_at)
    ).all()
    out = {"filed": 0, "decided": 0, "in_time": 0, "open": 0, "by_decision": dict.fromkeys(DECISIONS, 0)}
    for state, decision, in_time, n in rows:
        out["filed"] += n
        if state == "decided":
            out["decided"] += n
            out["in_time"] += n if in_time else 0
            out["by_decision"][decision] = out["by_decision"].get(decision, 0) + n
        else:
            out["open"] += n
    return out
