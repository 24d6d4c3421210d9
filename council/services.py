"""The council's figures, computed from the records, with small groups suppressed.

Every figure about people is suppressed when it concerns fewer than ``K_ANONYMITY`` people
(shown as None and rendered "minder dan 5"); no names or e-mail addresses leave this module.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import literal, select, union_all

from credits.models import CreditTotal
from initiatives.models import Initiative, initiative_theme
from initiatives.search import area_ids
from maps.models import Area
from participation.models import Comment, NeedResponse, Participation, Pluim
from platform_core.extensions import db
from trajectories.models import Attendance, Feedback, Meeting, Outcome
from trajectories.workdays import working_days_between

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
    start, end = scope.window()
    stmt = _initiative_filter(select(Initiative), scope)
    if start:
        stmt = stmt.where(Initiative.created_at >= start)
    if end:
        stmt = stmt.where(Initiative.created_at < end)
    return list(db.session.scalars(stmt.order_by(Initiative.id)))


def contributions(scope: Scope) -> list[tuple[int, str, datetime]]:
    """(person, kind, when) for every contribution by an account in scope and period."""
    in_scope = _initiative_filter(select(Initiative.id), scope)
    parts = [
        select(Initiative.owner_id, literal("initiatief"), Initiative.created_at).where(Initiative.id.in_(in_scope)),
        select(Participation.user_id, literal("meedoen"), Participation.created_at).where(
            Participation.initiative_id.in_(in_scope)
        ),
        select(Comment.author_id, literal("reactie"), Comment.created_at).where(
            Comment.initiative_id.in_(in_scope), Comment.author_id.is_not(None), Comment.status == "published"
        ),
        select(Pluim.user_id, literal("pluim"), Pluim.created_at).where(
            Pluim.target_type == "initiative", Pluim.target_id.in_(in_scope)
        ),
        select(NeedResponse.user_id, literal("aanbod"), NeedResponse.created_at),
    ]
    meetings = select(Meeting.id)
    if scope.trajectory_id:
        meetings = meetings.where(Meeting.trajectory_id == scope.trajectory_id)
    if scope.area:
        meetings = meetings.where(Meeting.area_id.in_(area_ids(scope.area) or [-1]))
    parts.append(
        select(Attendance.user_id, literal("bijeenkomst"), Meeting.starts_at)
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .where(Attendance.user_id.is_not(None), Attendance.meeting_id.in_(meetings))
    )
    rows = [(p, k, w) for p, k, w in db.session.execute(union_all(*parts)).all() if p is not None]
    start, end = scope.window()
    return [r for r in rows if (not start or r[2] >= start) and (not end or r[2] < end)]


def _first_contribution_before(start: datetime | None) -> set[int]:
    if start is None:
        return set()
    everything = contributions(Scope(end=(start - timedelta(days=1)).date()))
    return {p for p, _k, _w in everything}


def response_times(items: list[Initiative], norm_days: int) -> dict:
    hours = []
    within_day = within_norm = answered = 0
    for item in items:
        if item.first_response_at is None:
            continue
        answered += 1
        elapsed = (item.first_response_at - item.created_at).total_seconds() / 3600
        hours.append(elapsed)
        within_day += elapsed <= 24
        within_norm += working_days_between(item.created_at, item.first_response_at) <= norm_days
    if not hours:
        return {
            "answered": 0,
            "waiting": len(items),
            "median_hours": None,
            "p90_hours": None,
            "share_24h": None,
            "share_norm": None,
        }
    ordered = sorted(hours)
    return {
        "answered": answered,
        "waiting": len(items) - answered,
        "median_hours": round(statistics.median(ordered), 1),
        "p90_hours": round(ordered[min(len(ordered) - 1, int(0.9 * (len(ordered) - 1) + 0.5))], 1),
        "share_24h": round(within_day / answered, 3),
        "share_norm": round(within_norm / answered, 3),
    }


def dashboard(scope: Scope, norm_days: int = 5) -> dict:
    items = initiatives_in(scope)
    ids = [i.id for i in items]
    rows = contributions(scope)
    people = Counter(p for p, _k, _w in rows)
    start, _end = scope.window()
    earlier = _first_contribution_before(start)
    new = sum(1 for p in people if p not in earlier)
    outcomes = {
        o.initiative_id: o.kind for o in db.session.scalars(select(Outcome).where(Outcome.initiative_id.in_(ids)))
    }
    ended = [i for i in items if i.status in ("afgerond", "gestopt")]
    with_feedback = set(db.session.scalars(select(Feedback.initiative_id).where(Feedback.initiative_id.in_(ids))))
    with_residents = set(
        db.session.scalars(
            select(Comment.initiative_id).where(
                Comment.initiative_id.in_(ids), Comment.author_id.is_not(None), Comment.status == "published"
            )
        )
    )
    two_way = len(with_feedback & with_residents)
    by_theme: Counter = Counter()
    for item in items:
        for theme in item.themes:
            by_theme[theme.name] += 1
    concentration = None
    if len(people) >= K_ANONYMITY:
        counts = sorted(people.values(), reverse=True)
        top = max(1, round(len(counts) * 0.1))
        concentration = round(sum(counts[:top]) / sum(counts), 3)
    return {
        "initiatives": len(items),
        "by_type": Counter(i.type for i in items),
        "by_status": Counter(i.status for i in items),
        "by_theme": by_theme,
        "by_outcome": Counter(outcomes.values()),
        "participants": suppress(len(people)),
        "new_participants": suppress(new) if suppress(len(people)) else None,
        "returning_participants": suppress(len(people) - new) if suppress(len(people)) else None,
        "contributions": Counter(k for _p, k, _w in rows),
        "per_month": sorted(Counter(w.strftime("%Y-%m") for _p, _k, w in rows).items()),
        "response": response_times(items, norm_days),
        "interaction": round(two_way / len(items), 3) if items else None,
        "budget": {
            "requested": sum(i.budget_requested or 0 for i in items),
            "granted": sum(i.budget_granted or 0 for i in items),
            "spent": sum(i.budget_spent or 0 for i in items),
        },
        "closing_the_loop": round(sum(1 for i in ended if i.id in outcomes) / len(ended), 3) if ended else None,
        "concentration": concentration,
        "credits": credits_distribution(scope.trajectory_id),
        "per_area": per_area(items, rows, scope),
    }


def per_area(items: list[Initiative], rows, scope: Scope) -> list[dict]:  # noqa: ANN001
    """Per buurt: initiatives, budget spent, participants (suppressed under 5), per 1,000 residents."""
    by_initiative_area = {i.id: i.area_id for i in items}
    owners = defaultdict(set)
    for item in items:
        owners[item.area_id].add(item.owner_id)
    participants = defaultdict(set)
    joined = db.session.execute(
        select(Participation.user_id, Participation.initiative_id).where(
            Participation.initiative_id.in_(list(by_initiative_area))
        )
    ).all()
    for user_id, initiative_id in joined:
        participants[by_initiative_area[initiative_id]].add(user_id)
    for area_id, people in owners.items():
        participants[area_id] |= people
    areas = db.session.scalars(select(Area).where(Area.level == "buurt").order_by(Area.name)).all()
    if scope.area:
        allowed = set(area_ids(scope.area))
        areas = [a for a in areas if a.id in allowed]
    out = []
    for area in areas:
        mine = [i for i in items if i.area_id == area.id]
        count = len(participants.get(area.id, ()))
        shown = suppress(count)
        out.append(
            {
                "area": area,
                "initiatives": len(mine),
                "spent": sum(i.budget_spent or 0 for i in mine),
                "participants": shown,
                "per_1000": round(shown / area.population * 1000, 1) if shown and area.population else None,
                "active": bool(mine or count),
            }
        )
    return out


def credits_distribution(trajectory_id: int | None) -> dict | None:
    stmt = select(CreditTotal.total).where(CreditTotal.total > 0)
    if trajectory_id:
        stmt = stmt.where(CreditTotal.trajectory_id == trajectory_id)
    totals = sorted(db.session.scalars(stmt))
    if len(totals) < K_ANONYMITY:
        return None
    q = statistics.quantiles(totals, n=4)
    return {
        "people": len(totals),
        "sum": sum(totals),
        "q1": q[0],
        "median": q[1],
        "q3": q[2],
        "max_bucket": _buckets(totals),
    }


def _buckets(totals: list[int]) -> list[tuple[str, int | None]]:
    edges = [(1, 9), (10, 29), (30, 59), (60, 149), (150, None)]
    out = []
    for lo, hi in edges:
        n = sum(1 for t in totals if t >= lo and (hi is None or t <= hi))
        out.append((f"{lo}–{hi}" if hi else f"{lo}+", suppress(n) if n else 0))
    return out
