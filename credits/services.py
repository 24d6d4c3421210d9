"""Awarding and reversing credits, inside the caller's transaction.

Exactly once: a unique key on (person, kind, source, entry) plus a lock per person and
trajectory (a ``FOR UPDATE`` row lock on PostgreSQL; ``BEGIN IMMEDIATE`` on SQLite, taken
by the calling service through ``begin_write``), so caps are never exceeded either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError

from initiatives.models import Initiative
from maps.models import Area
from platform_core.disclosure import suppress
from platform_core.extensions import db
from platform_core.models import User, utcnow
from platform_core.policy import require
from platform_core.validation import ValidationFailed

from .models import (
    DEFAULT_PENDING_HOURS,
    KINDS,
    LEVELS,
    PAIR_CAP,
    CreditEvent,
    CreditRule,
    CreditRuleSet,
    CreditTotal,
    StandingOptIn,
)


@dataclass
class Rules:
    version: int
    pending_hours: int
    weights: dict[str, int]
    caps: dict[str, int]


def _latest_ruleset(trajectory_id: int) -> CreditRuleSet | None:
    return db.session.scalar(
        select(CreditRuleSet)
        .where(CreditRuleSet.trajectory_id == trajectory_id)
        .order_by(CreditRuleSet.version.desc())
        .limit(1)
    )


def current_rules(trajectory_id: int) -> Rules:
    """The trajectory's rules in force; the shipped defaults until an admin changes them."""
    ruleset = _latest_ruleset(trajectory_id)
    if ruleset is None:
        return Rules(
            version=0,
            pending_hours=DEFAULT_PENDING_HOURS,
            weights={k: v[1] for k, v in KINDS.items()},
            caps={k: v[2] for k, v in KINDS.items()},
        )
    rows = db.session.scalars(select(CreditRule).where(CreditRule.ruleset_id == ruleset.id)).all()
    return Rules(
        version=ruleset.version,
        pending_hours=ruleset.pending_hours,
        weights={r.kind: r.weight for r in rows},
        caps={r.kind: r.daily_cap for r in rows},
    )


def set_rules(
    admin: User, trajectory_id: int, weights: dict[str, int], caps: dict[str, int], pending_hours: int
) -> CreditRuleSet:
    """A new version from now on; events already earned keep the version they were earned under."""
    require(admin, "administer")
    errors = {}
    for kind in KINDS:
        if not 0 <= weights.get(kind, -1) <= 100:
            errors[f"weight_{kind}"] = _("Een gewicht ligt tussen 0 en 100.")
        if not 0 <= caps.get(kind, -1) <= 100:
            errors[f"cap_{kind}"] = _("Een daglimiet ligt tussen 0 en 100.")
    if not 0 <= pending_hours <= 24 * 30:
        errors["pending_hours"] = _("De wachttijd ligt tussen 0 uur en 30 dagen.")
    if errors:
        raise ValidationFailed(errors)
    previous = _latest_ruleset(trajectory_id)
    ruleset = CreditRuleSet(
        trajectory_id=trajectory_id,
        version=(previous.version if previous else 0) + 1,
        pending_hours=pending_hours,
        created_by_id=admin.id,
    )
    db.session.add(ruleset)
    db.session.flush()
    db.session.add_all(CreditRule(ruleset_id=ruleset.id, kind=k, weight=weights[k], daily_cap=caps[k]) for k in KINDS)
    db.session.flush()
    return ruleset


def _lock(user_id: int, trajectory_id: int) -> CreditTotal:
    """The person's total row, locked for the rest of the transaction."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            insert(CreditTotal).values(user_id=user_id, trajectory_id=trajectory_id, total=0).on_conflict_do_nothing()
        )
        return db.session.scalar(
            select(CreditTotal).filter_by(user_id=user_id, trajectory_id=trajectory_id).with_for_update()
        )
    total = db.session.get(CreditTotal, (user_id, trajectory_id))
    if total is None:
        total = CreditTotal(user_id=user_id, trajectory_id=trajectory_id, total=0)
        db.session.add(total)
        db.session.flush()
    return total


def _existing(user_id: int, kind: str, source_type: str, source_id: int, entry: str) -> CreditEvent | None:
    return db.session.scalar(
        select(CreditEvent).filter_by(
            user_id=user_id, kind=kind, source_type=source_type, source_id=source_id, entry=entry
        )
    )


def award(
    user_id: int | None,
    trajectory_id: int | None,
    kind: str,
    source_type: str,
    source_id: int,
    counterpart_id: int | None = None,
    now: datetime | None = None,
) -> CreditEvent | None:
    """Award once, within caps, pending until the moderation window passes. Does not commit:
    the action that earns the credit and the credit are one transaction."""
    if user_id is None or trajectory_id is None or kind not in KINDS:
        return None
    now = now or utcnow()
    rules = current_rules(trajectory_id)
    weight = rules.weights.get(kind, 0)
    if weight <= 0:  # nothing new is earned, but an award made under earlier rules stands
        return _existing(user_id, kind, source_type, source_id, "award")
    total = _lock(user_id, trajectory_id)
    found = _existing(user_id, kind, source_type, source_id, "award")
    if found is not None:
        return found
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    today = db.session.scalar(
        select(func.count())
        .select_from(CreditEvent)
        .where(
            CreditEvent.user_id == user_id,
            CreditEvent.trajectory_id == trajectory_id,
            CreditEvent.kind == kind,
            CreditEvent.entry == "award",
            CreditEvent.created_at >= day_start,
        )
    )
    if today >= rules.caps.get(kind, 0):
        return None
    if counterpart_id is not None and kind == "pluim_received":
        pair = db.session.scalar(
            select(func.count())
            .select_from(CreditEvent)
            .where(
                CreditEvent.user_id == user_id,
                CreditEvent.trajectory_id == trajectory_id,
                CreditEvent.kind == kind,
                CreditEvent.entry == "award",
                CreditEvent.counterpart_id == counterpart_id,
            )
        )
        if pair >= PAIR_CAP:
            return None
    event = CreditEvent(
        user_id=user_id,
        trajectory_id=trajectory_id,
        kind=kind,
        entry="award",
        amount=weight,
        source_type=source_type,
        source_id=source_id,
        counterpart_id=counterpart_id,
        rule_version=rules.version,
        reason=str(KINDS[kind][0]),
        available_at=now + timedelta(hours=rules.pending_hours),
        created_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(event)
    except IntegrityError:  # a concurrent request won the race: the award exists once
        return _existing(user_id, kind, source_type, source_id, "award")
    total.total = CreditTotal.total + weight
    db.session.flush()
    return event


def reverse(source_type: str, source_id: int, reason: str, now: datetime | None = None) -> list[CreditEvent]:
    """Undo every award earned by a source (hidden content, withdrawn pluim). Visible, once."""
    now = now or utcnow()
    reversals = []
    for award_event in db.session.scalars(
        select(CreditEvent).filter_by(source_type=source_type, source_id=source_id, entry="award")
    ).all():
        total = _lock(award_event.user_id, award_event.trajectory_id)
        if _existing(award_event.user_id, award_event.kind, source_type, source_id, "reversal"):
            continue
        event = CreditEvent(
            user_id=award_event.user_id,
            trajectory_id=award_event.trajectory_id,
            kind=award_event.kind,
            entry="reversal",
            amount=-award_event.amount,
            source_type=source_type,
            source_id=source_id,
            counterpart_id=award_event.counterpart_id,
            corrects_id=award_event.id,
            rule_version=award_event.rule_version,
            reason=reason[:300],
            available_at=now,
            created_at=now,
        )
        try:
            with db.session.begin_nested():
                db.session.add(event)
        except IntegrityError:
            continue
        total.total = CreditTotal.total - award_event.amount
        reversals.append(event)
    db.session.flush()
    return reversals


# --- reading ------------------------------------------------------------------------------


def state_of(event: CreditEvent, reversed_ids: set[int], now: datetime | None = None) -> str:
    if event.entry == "reversal":
        return "reversal"
    if event.id in reversed_ids:
        return "reversed"
    return "pending" if event.available_at > (now or utcnow()) else "granted"


def balance(user_id: int, trajectory_id: int, now: datetime | None = None) -> dict:
    """Total (all events), of which pending (awards still in their window, not reversed)."""
    now = now or utcnow()
    total = db.session.scalar(select(CreditTotal.total).filter_by(user_id=user_id, trajectory_id=trajectory_id)) or 0
    reversal = select(CreditEvent.corrects_id).where(
        CreditEvent.user_id == user_id, CreditEvent.trajectory_id == trajectory_id, CreditEvent.entry == "reversal"
    )
    pending = db.session.scalar(
        select(func.coalesce(func.sum(CreditEvent.amount), 0)).where(
            CreditEvent.user_id == user_id,
            CreditEvent.trajectory_id == trajectory_id,
            CreditEvent.entry == "award",
            CreditEvent.available_at > now,
            CreditEvent.id.not_in(reversal),
        )
    )
    return {"total": total, "pending": pending, "granted": total - pending, "level": level_for(total - pending)}


def level_for(credits: int):
    current = None
    for minimum, name, _text in LEVELS:
        if credits >= minimum:
            current = name
    return current


def events_for(user_id: int, trajectory_id: int) -> list[tuple[CreditEvent, str]]:
    events = db.session.scalars(
        select(CreditEvent).filter_by(user_id=user_id, trajectory_id=trajectory_id).order_by(CreditEvent.id.desc())
    ).all()
    reversed_ids = {e.corrects_id for e in events if e.entry == "reversal"}
    now = utcnow()
    return [(e, state_of(e, reversed_ids, now)) for e in events]


def standings(trajectory_id: int, limit: int = 20) -> list[tuple[str, int]]:
    """Only people who opted in appear; everyone else is simply not listed."""
    return list(
        db.session.execute(
            select(User.display_name, CreditTotal.total)
            .join(CreditTotal, CreditTotal.user_id == User.id)
            .join(StandingOptIn, (StandingOptIn.user_id == User.id) & (StandingOptIn.trajectory_id == trajectory_id))
            .where(CreditTotal.trajectory_id == trajectory_id, CreditTotal.total > 0)
            .order_by(CreditTotal.total.desc(), User.id)
            .limit(limit)
        ).all()
    )


def set_standing_opt_in(user: User, trajectory_id: int, visible: bool) -> None:
    row = db.session.get(StandingOptIn, (user.id, trajectory_id))
    if visible and row is None:
        db.session.add(StandingOptIn(user_id=user.id, trajectory_id=trajectory_id))
    elif not visible and row is not None:
        db.session.delete(row)
    db.session.flush()


def collective_progress(trajectory_id: int) -> dict:
    """What everyone achieved together, per initiative and per neighbourhood (shown first)."""
    total = db.session.scalar(
        select(func.coalesce(func.sum(CreditEvent.amount), 0)).where(CreditEvent.trajectory_id == trajectory_id)
    )
    people = db.session.scalar(
        select(func.count(func.distinct(CreditEvent.user_id))).where(CreditEvent.trajectory_id == trajectory_id)
    )
    per_initiative = db.session.execute(
        select(
            Initiative.id,
            Initiative.title,
            Initiative.participants_count,
            Initiative.comments_count,
            Initiative.pluim_count,
        )
        .where(Initiative.trajectory_id == trajectory_id, Initiative.visibility == "published")
        .order_by((Initiative.participants_count + Initiative.comments_count + Initiative.pluim_count).desc())
    ).all()
    per_area = db.session.execute(
        select(Area.name, func.count(Initiative.id), func.sum(Initiative.participants_count))
        .join(Initiative, Initiative.area_id == Area.id)
        .where(Initiative.trajectory_id == trajectory_id, Initiative.visibility == "published")
        .group_by(Area.name)
        .order_by(Area.name)
    ).all()
    # A public page: counts of fewer than five people are not shown (as on the council review).
    return {
        "total": total,
        "people": suppress(people),
        "per_initiative": [(i, title, suppress(p), c, pl) for i, title, p, c, pl in per_initiative],
        "per_area": [(name, n, suppress(p)) for name, n, p in per_area],
    }


# --- checks ---------------------------------------------------------------------------------


def verify() -> list[tuple[int, int, int, int]]:
    """Every (person, trajectory) whose stored total differs from the sum of its events."""
    sums = (
        select(CreditEvent.user_id, CreditEvent.trajectory_id, func.sum(CreditEvent.amount).label("s"))
        .group_by(CreditEvent.user_id, CreditEvent.trajectory_id)
        .subquery()
    )
    drift = db.session.execute(
        select(sums.c.user_id, sums.c.trajectory_id, sums.c.s, func.coalesce(CreditTotal.total, 0))
        .outerjoin(
            CreditTotal, (CreditTotal.user_id == sums.c.user_id) & (CreditTotal.trajectory_id == sums.c.trajectory_id)
        )
        .where(sums.c.s != func.coalesce(CreditTotal.total, 0))
    ).all()
    orphans = db.session.execute(
        select(CreditTotal.user_id, CreditTotal.trajectory_id, 0, CreditTotal.total)
        .outerjoin(sums, (CreditTotal.user_id == sums.c.user_id) & (CreditTotal.trajectory_id == sums.c.trajectory_id))
        .where(sums.c.user_id.is_(None), CreditTotal.total != 0)
    ).all()
    return [tuple(r) for r in [*drift, *orphans]]


def rebuild() -> int:
    """Recompute every derived total from the events. Returns how many rows were written."""
    db.session.execute(update(CreditTotal).values(total=0))
    rows = db.session.execute(
        select(CreditEvent.user_id, CreditEvent.trajectory_id, func.sum(CreditEvent.amount)).group_by(
            CreditEvent.user_id, CreditEvent.trajectory_id
        )
    ).all()
    for user_id, trajectory_id, total in rows:
        row = db.session.get(CreditTotal, (user_id, trajectory_id))
        if row is None:
            db.session.add(CreditTotal(user_id=user_id, trajectory_id=trajectory_id, total=total))
        else:
            row.total = total
    db.session.flush()
    return len(rows)
