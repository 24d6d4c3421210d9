"""The council's figures, computed from the records, with small groups suppressed.

Every figure about people is suppressed when it concerns fewer than ``K_ANONYMITY`` people
(shown as None and rendered "minder dan 5"); no names or e-mail addresses leave this module.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Integer, case, cast, func, or_, select
from sqlalchemy.orm import aliased

from council.facts import KINDS, TYPE_CODES, ContributionFact, day_date, day_number
from credits.models import CreditTotal
from initiatives.models import Initiative, Theme, initiative_theme
from initiatives.search import area_ids
from maps.models import Area
from participation.models import Comment
from platform_core.extensions import db
from trajectories.models import Feedback, Outcome, Trajectory

K_ANONYMITY = 5


@dataclass
class Scope:
    trajectory_id: int | None = None
    area: str | None = None  # a wijk or buurt code
    theme_id: int | None = None
    type: str | None = None
    start: date | None = None
    end: date | None = None

    def window(self) -> tuple[datetime | None, datetime | None]:
        start = datetime.combine(self.start, datetime.min.time()) if self.start else None
        end = datetime.combine(self.end + timedelta(days=1), datetime.min.time()) if self.end else None
        return start, end


def suppress(n: int | None) -> int | None:
    return None if n is None or n < K_ANONYMITY else n


def _initiative_filter(stmt, scope: Scope):  # noqa: ANN001, ANN202
    stmt = stmt.where(Initiative.visibility == "published")
    if scope.trajectory_id:
        stmt = stmt.where(Initiative.trajectory_id == scope.trajectory_id)
    if scope.area:
        stmt = stmt.where(Initiative.area_id.in_(area_ids(scope.area) or [-1]))
    if scope.type:
        stmt = stmt.where(Initiative.type == scope.type)
    if scope.theme_id:
        stmt = stmt.where(
            Initiative.id.in_(
                select(initiative_theme.c.initiative_id).where(initiative_theme.c.theme_id == scope.theme_id)
            )
        )
    return stmt


def initiatives_in(scope: Scope) -> list[Initiative]:
    return list(db.session.scalars(_initiative_scope(select(Initiative), scope).order_by(Initiative.id)))


def _fact_filter(stmt, scope: Scope):  # noqa: ANN001, ANN202
    """The scope as conditions on contribution facts (all answerable from one covering index)."""
    f = ContributionFact.__table__
    if scope.trajectory_id:
        stmt = stmt.where(f.c.trajectory_id == scope.trajectory_id)
    if scope.area:
        stmt = stmt.where(f.c.area_id.in_(area_ids(scope.area) or [-1]))
    if scope.type:
        stmt = stmt.where(f.c.type == TYPE_CODES.get(scope.type, -1))
    if scope.theme_id:
        stmt = stmt.where(
            f.c.initiative_id.in_(
                select(initiative_theme.c.initiative_id).where(initiative_theme.c.theme_id == scope.theme_id)
            )
        )
    if scope.start:
        stmt = stmt.where(f.c.day >= day_number(scope.start))
    if scope.end:
        stmt = stmt.where(f.c.day <= day_number(scope.end))
    return stmt


def _initiative_scope(stmt, scope: Scope):  # noqa: ANN001, ANN202
    start, end = scope.window()
    stmt = _initiative_filter(stmt, scope)
    if start:
        stmt = stmt.where(Initiative.created_at >= start)
    if end:
        stmt = stmt.where(Initiative.created_at < end)
    return stmt


def contributions(scope: Scope) -> dict:
    """Contributions by kind and per month; people by number of contributions (not by name)."""
    f = ContributionFact.__table__
    by_kind: Counter = Counter()
    per_month: Counter = Counter()
    rows = db.session.execute(
        _fact_filter(select(f.c.kind, f.c.day, func.count()), scope).group_by(f.c.kind, f.c.day)
    ).all()
    for kind, day, n in rows:
        by_kind[KINDS[kind]] += n
        per_month[day_date(day).strftime("%Y-%m")] += n
    counts = list(db.session.scalars(_fact_filter(select(func.count()), scope).group_by(f.c.person_id).select_from(f)))
    returning = 0
    if scope.start and counts:
        earlier = aliased(ContributionFact)
        people = _fact_filter(select(f.c.person_id), scope).group_by(f.c.person_id).subquery()
        returning = db.session.scalar(
            select(func.count())
            .select_from(people)
            .where(
                select(earlier.person_id)
                .where(earlier.person_id == people.c.person_id, earlier.day < day_number(scope.start))
                .exists()
            )
        )
    return {"by_kind": by_kind, "per_month": sorted(per_month.items()), "counts": counts, "returning": returning}


def response_times(scope: Scope, norm_days: int) -> dict:
    """Median and 90th percentile of hours to the municipality's first answer; shares in 24 h / the norm."""
    answered_filter = Initiative.first_response_hours.is_not(None)
    total, answered, within_day, within_norm = db.session.execute(
        _initiative_scope(
            select(
                func.count(),
                func.count(Initiative.first_response_hours),
                func.sum(case((Initiative.first_response_hours <= 24, 1), else_=0)),
                func.sum(case((Initiative.first_response_workdays <= norm_days, 1), else_=0)),
            ),
            scope,
        )
    ).one()
    if not answered:
        return {
            "answered": 0,
            "waiting": total,
            "median_hours": None,
            "p90_hours": None,
            "share_24h": None,
            "share_norm": None,
        }
    ordered = list(
        db.session.scalars(
            _initiative_scope(select(Initiative.first_response_hours), scope)
            .where(answered_filter)
            .order_by(Initiative.first_response_hours)
        )
    )
    return {
        "answered": answered,
        "waiting": total - answered,
        "median_hours": round(statistics.median(ordered), 1),
        "p90_hours": round(ordered[min(len(ordered) - 1, int(0.9 * (len(ordered) - 1) + 0.5))], 1),
        "share_24h": round(within_day / answered, 3),
        "share_norm": round(within_norm / answered, 3),
    }


def dashboard(scope: Scope, norm_days: int = 5) -> dict:
    by_type: Counter = Counter()
    by_status: Counter = Counter()
    budget = {"requested": 0, "granted": 0, "spent": 0}
    for type_, status, n, requested, granted, spent in db.session.execute(
        _initiative_scope(
            select(
                Initiative.type,
                Initiative.status,
                func.count(),
                func.sum(Initiative.budget_requested),
                func.sum(Initiative.budget_granted),
                func.sum(Initiative.budget_spent),
            ),
            scope,
        ).group_by(Initiative.type, Initiative.status)
    ):
        by_type[type_] += n
        by_status[status] += n
        budget["requested"] += requested or 0
        budget["granted"] += granted or 0
        budget["spent"] += spent or 0
    total = sum(by_type.values())
    ended = by_status["afgerond"] + by_status["gestopt"]
    by_theme = Counter(
        dict(
            db.session.execute(
                _initiative_scope(
                    select(Theme.name, func.count())
                    .select_from(Initiative)
                    .join(initiative_theme, initiative_theme.c.initiative_id == Initiative.id)
                    .join(Theme, Theme.id == initiative_theme.c.theme_id),
                    scope,
                ).group_by(Theme.name)
            ).all()
        )
    )
    by_outcome: Counter = Counter()
    ended_with_outcome = 0
    for kind, status, n in db.session.execute(
        _initiative_scope(
            select(Outcome.kind, Initiative.status, func.count()).join(
                Initiative, Initiative.id == Outcome.initiative_id
            ),
            scope,
        ).group_by(Outcome.kind, Initiative.status)
    ):
        by_outcome[kind] += n
        ended_with_outcome += n if status in ("afgerond", "gestopt") else 0
    resident_comment = (
        select(Comment.id)
        .where(Comment.initiative_id == Initiative.id, Comment.author_id.is_not(None), Comment.status == "published")
        .exists()
    )
    two_way = db.session.scalar(
        _initiative_scope(
            select(func.count(func.distinct(Feedback.initiative_id))).join(
                Initiative, Initiative.id == Feedback.initiative_id
            ),
            scope,
        ).where(resident_comment)
    )
    made = contributions(scope)
    counts = made["counts"]
    participants = suppress(len(counts))
    concentration = None
    if participants:
        ordered = sorted(counts, reverse=True)
        top = max(1, round(len(ordered) * 0.1))
        concentration = round(sum(ordered[:top]) / sum(ordered), 3)
    returning = made["returning"]
    return {
        "initiatives": total,
        "by_type": by_type,
        "by_status": by_status,
        "by_theme": by_theme,
        "by_outcome": by_outcome,
        "participants": participants,
        "new_participants": suppress(len(counts) - returning) if participants else None,
        "returning_participants": suppress(returning) if participants else None,
        "contributions": made["by_kind"],
        "per_month": made["per_month"],
        "response": response_times(scope, norm_days),
        "interaction": round(two_way / total, 3) if total else None,
        "budget": budget,
        "closing_the_loop": round(ended_with_outcome / ended, 3) if ended else None,
        "concentration": concentration,
        "credits": credits_distribution(scope.trajectory_id),
        "per_area": per_area(scope),
    }


def per_area(scope: Scope) -> list[dict]:
    """Per buurt: initiatives, budget spent, people who contributed there (suppressed under 5), per 1,000."""
    f = ContributionFact.__table__
    placed = {
        area_id: (n, spent or 0)
        for area_id, n, spent in db.session.execute(
            _initiative_scope(
                select(Initiative.area_id, func.count(), func.sum(Initiative.budget_spent)), scope
            ).group_by(Initiative.area_id)
        )
    }
    pairs = _fact_filter(select(f.c.area_id, f.c.person_id), scope).where(f.c.area_id.is_not(None))
    pairs = pairs.group_by(f.c.area_id, f.c.person_id).subquery()
    people = dict(db.session.execute(select(pairs.c.area_id, func.count()).group_by(pairs.c.area_id)).all())
    areas = db.session.scalars(select(Area).where(Area.level == "buurt").order_by(Area.name)).all()
    if scope.area:
        allowed = set(area_ids(scope.area))
        areas = [a for a in areas if a.id in allowed]
    out = []
    for area in areas:
        count = people.get(area.id, 0)
        initiatives, spent = placed.get(area.id, (0, 0))
        shown = suppress(count)
        out.append(
            {
                "area": area,
                "initiatives": initiatives,
                "spent": spent,
                "participants": shown,
                "per_1000": round(shown / area.population * 1000, 1) if shown and area.population else None,
                "active": bool(initiatives or count),
            }
        )
    return out


def credits_distribution(trajectory_id: int | None) -> dict | None:
    """Credits per person in one trajectory (quartiles exact via the standings index), or per trajectory."""
    positive = CreditTotal.total > 0
    scoped = [positive] + ([CreditTotal.trajectory_id == trajectory_id] if trajectory_id else [])
    bucket = case(*((CreditTotal.total <= hi, label) for label, hi in BUCKETS if hi), else_=BUCKETS[-1][0])
    counts = dict(db.session.execute(select(bucket, func.count()).where(*scoped).group_by(bucket)).all())
    people, total = db.session.execute(select(func.count(), func.sum(CreditTotal.total)).where(*scoped)).one()
    if people < K_ANONYMITY:
        return None
    out = {
        "people": people,
        "sum": total,
        "max_bucket": [(label, suppress(counts.get(label, 0)) if counts.get(label) else 0) for label, _hi in BUCKETS],
        "per_trajectory": [],
    }
    if trajectory_id:
        out.update(_quartiles(trajectory_id, people))
        return out
    titles = dict(db.session.execute(select(Trajectory.id, Trajectory.title)).all())
    for tid, stats in sorted(_quartiles_per_trajectory().items(), key=lambda kv: titles.get(kv[0], "")):
        shown = stats["people"] >= K_ANONYMITY
        out["per_trajectory"].append(
            {
                "title": titles.get(tid, "?"),
                "people": suppress(stats["people"]),
                "sum": stats["sum"] if shown else None,
                **{name: stats[name] if shown else None for name in ("q1", "median", "q3")},
            }
        )
    return out


BUCKETS = [("1–9", 9), ("10–29", 29), ("30–59", 59), ("60–149", 149), ("150+", None)]


def _interpolate(people: int, value_at) -> dict:  # noqa: ANN001
    """Quartiles by the statistics module's 'exclusive' method from the values at 1-based positions."""
    out = {}
    for name, fraction in (("q1", 0.25), ("median", 0.5), ("q3", 0.75)):
        m = (people + 1) * fraction
        j = min(max(int(m), 1), people)
        lower = value_at(j)
        upper = value_at(j + 1) if m > j and j < people else lower
        value = lower + (upper - lower) * (m - j)
        out[name] = int(value) if value == int(value) else round(value, 2)
    return out


def _quartiles_per_trajectory() -> dict[int, dict]:
    """Every trajectory's people, sum and quartiles in one pass (window functions, both databases)."""
    ranked = select(
        CreditTotal.trajectory_id,
        CreditTotal.total,
        func.row_number().over(partition_by=CreditTotal.trajectory_id, order_by=CreditTotal.total).label("rn"),
        func.count().over(partition_by=CreditTotal.trajectory_id).label("n"),
        func.sum(CreditTotal.total).over(partition_by=CreditTotal.trajectory_id).label("s"),
    ).where(CreditTotal.total > 0)
    ranked = ranked.subquery()
    wanted = [
        ranked.c.rn == cast((ranked.c.n + 1) * f, Integer) + step for f in (0.25, 0.5, 0.75) for step in (0, 1)
    ] + [ranked.c.rn == 1, ranked.c.rn == ranked.c.n]
    values: dict[int, dict] = {}
    meta: dict[int, tuple[int, int]] = {}
    for tid, total, rn, n, s in db.session.execute(
        select(ranked.c.trajectory_id, ranked.c.total, ranked.c.rn, ranked.c.n, ranked.c.s).where(or_(*wanted))
    ):
        values.setdefault(tid, {})[rn] = total
        meta[tid] = (n, s)
    out = {}
    for tid, (n, s) in meta.items():
        out[tid] = {"people": n, "sum": s, **_interpolate(n, values[tid].__getitem__)}
    return out


def _quartiles(trajectory_id: int, people: int) -> dict:
    """Exact quartiles of one trajectory, read at offsets of the standings index."""

    def at(position: int) -> int:
        return db.session.scalar(
            select(CreditTotal.total)
            .where(CreditTotal.trajectory_id == trajectory_id, CreditTotal.total > 0)
            .order_by(CreditTotal.total)
            .offset(position - 1)
            .limit(1)
        )

    return _interpolate(people, at)
