"""The council's figures, counted from a snapshot of the fact tables (``council.cube``), with small
groups suppressed.

Every figure about people is suppressed when it concerns fewer than ``K_ANONYMITY`` people
(shown as None and rendered "minder dan 5"); no names or e-mail addresses leave this module.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import load_only

from challenges.services import figures as challenge_figures
from council.cube import Snapshot, month_label, snapshot
from council.models import ENDED, KINDS, OUTCOME_CODES, STATUS_CODES, TYPE_CODES, day_number
from initiatives.models import Initiative, initiative_theme
from initiatives.search import area_ids
from maps.models import Area
from platform_core.disclosure import K_ANONYMITY, suppress
from platform_core.extensions import db
from trajectories.models import Trajectory


@dataclass
class Scope:
    trajectory_id: int | None = None
    area: str | None = None  # a wijk or buurt code
    theme_id: int | None = None
    type: str | None = None
    start: date | None = None
    end: date | None = None

    def narrowed(self) -> bool:
        """Filtered by anything but the period."""
        return bool(self.trajectory_id or self.area or self.theme_id or self.type)

    def everything(self) -> bool:
        return not (self.narrowed() or self.start or self.end)

    def window(self) -> tuple[datetime | None, datetime | None]:
        start = datetime.combine(self.start, datetime.min.time()) if self.start else None
        end = datetime.combine(self.end + timedelta(days=1), datetime.min.time()) if self.end else None
        return start, end


def _initiative_filter(stmt, scope: Scope):
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
    return list(db.session.scalars(initiative_scope(select(Initiative), scope).order_by(Initiative.id)))


def initiative_scope(stmt, scope: Scope):
    start, end = scope.window()
    stmt = _initiative_filter(stmt, scope)
    if start:
        stmt = stmt.where(Initiative.created_at >= start)
    if end:
        stmt = stmt.where(Initiative.created_at < end)
    return stmt


def _mask(scope: Scope, trajectory, area, type_, initiative, day, themed):
    """The scope as a boolean mask over columns (None: everything)."""
    conditions = []
    if scope.trajectory_id:
        conditions.append(trajectory == scope.trajectory_id)
    if scope.area:
        conditions.append(_member(area, area_ids(scope.area)))
    if scope.type:
        conditions.append(type_ == TYPE_CODES.get(scope.type, -1))
    if scope.theme_id:
        conditions.append(_member(initiative, themed))
    if scope.start:
        conditions.append(day >= day_number(scope.start))
    if scope.end:
        conditions.append(day <= day_number(scope.end))
    if not conditions:
        return None
    mask = conditions[0]
    for condition in conditions[1:]:
        mask &= condition
    return mask


def _member(column: np.ndarray, ids) -> np.ndarray:
    """Whether each value is one of ``ids`` (small non-negative integers: a lookup table, not a search)."""
    ids = np.asarray(ids, dtype=np.int64)
    top = int(column.max()) if len(column) else 0
    table = np.zeros(top + 1, dtype=bool)
    table[ids[(ids >= 0) & (ids <= top)]] = True
    table[0] = False  # 0 stands for "none"
    return table[column]


def _take(column: np.ndarray, mask) -> np.ndarray:
    return column if mask is None else column[mask]


def _contributions(s: Snapshot, scope: Scope, themed) -> dict:
    """Contributions per kind and month, people as a frequency table, returning people, people per buurt."""
    mask = _mask(scope, s.trajectory, s.area, s.type, s.initiative, s.day, themed)
    kind, month, person, area = (_take(column, mask) for column in (s.kind, s.month, s.person, s.area))
    by_kind = Counter(
        {KINDS[k]: int(n) for k, n in enumerate(np.bincount(kind)) if n and k in KINDS} if len(kind) else {}
    )
    per_month = [(month_label(m), int(n)) for m, n in enumerate(np.bincount(month)) if n] if len(month) else []
    per_person = np.bincount(person, minlength=len(s.first_day))
    table = np.bincount(per_person)
    frequencies = [(n, int(table[n])) for n in range(len(table) - 1, 0, -1) if table[n]]  # most active first
    returning = 0
    if scope.start:
        returning = int(np.count_nonzero((per_person > 0) & (s.first_day < day_number(scope.start))))
    # Facts are sorted by (buurt, person): a pair's first fact is where either changes.
    first = np.ones(len(area), dtype=bool)
    if len(area):
        first[1:] = (area[1:] != area[:-1]) | (person[1:] != person[:-1])
    places = area[first & (area > 0)]
    people = np.bincount(places) if len(places) else np.zeros(0, dtype=np.int64)
    return {
        "by_kind": by_kind,
        "per_month": per_month,
        "frequencies": frequencies,
        "returning": returning,
        "area_people": {area_id: int(n) for area_id, n in enumerate(people) if n},
    }


def _decode(codes: dict[str, int]) -> dict[int, str]:
    return {code: name for name, code in codes.items()}


def _counted(column: np.ndarray, names: dict[int, str]) -> Counter:
    counts: Counter = Counter()
    for code, n in enumerate(np.bincount(column) if len(column) else []):
        if n:
            counts[names.get(code, "?")] += int(n)
    return counts


def _initiatives(s: Snapshot, scope: Scope, themed, norm_days: int) -> tuple[dict, np.ndarray | None]:
    """Everything the council counts about initiatives, from the per-initiative facts."""
    c = s.i
    mask = _mask(scope, c["trajectory_id"], c["area_id"], c["type"], c["initiative_id"], c["day"], themed)
    col = {name: _take(values, mask) for name, values in c.items()}
    status, outcome, hours = col["status"], col["outcome"], col["response_hours"]
    ended = np.isin(status, ENDED)
    answered = ~np.isnan(hours)
    spent = col["budget_spent"]
    area = col["area_id"]
    placed = np.bincount(area) if len(area) else np.zeros(0, dtype=np.int64)
    spent_per_area = np.bincount(area, weights=spent) if len(area) else np.zeros(0)
    out = {
        "total": len(status),
        "two_way": int(col["two_way"].sum()),
        "ended": int(ended.sum()),
        "ended_with_outcome": int((ended & (outcome > 0)).sum()),
        "answered": int(answered.sum()),
        "day": int((hours[answered] <= 24).sum()),
        "norm": int((col["response_workdays"][answered] <= norm_days).sum()),
        "waiting": int((~answered & (col["own"] == 0)).sum()),
        "by_type": _counted(col["type"], _decode(TYPE_CODES)),
        "by_status": _counted(status, _decode(STATUS_CODES)),
        "by_outcome": _counted(outcome[outcome > 0], _decode(OUTCOME_CODES)),
        "budget": {
            "requested": int(col["budget_requested"].sum()),
            "granted": int(col["budget_granted"].sum()),
            "spent": int(spent.sum()),
        },
        "per_area": {
            area_id: [int(n), int(spent_per_area[area_id])] for area_id, n in enumerate(placed) if n and area_id
        },
        "hours": np.sort(hours[answered]),
    }
    return out, mask


def response_times(figures: dict) -> dict:
    """Median and 90th percentile of hours to the municipality's first answer."""
    hours, answered, waiting = figures["hours"], figures["answered"], figures["waiting"]
    if not answered:
        return dict.fromkeys(("median_hours", "p90_hours", "share_24h", "share_norm"), None) | {
            "answered": 0,
            "waiting": waiting,
        }
    middle = answered // 2
    median = hours[middle] if answered % 2 else (hours[middle - 1] + hours[middle]) / 2
    return {
        "answered": answered,
        "waiting": waiting,
        "median_hours": round(float(median), 1),
        "p90_hours": round(float(hours[min(answered - 1, int(0.9 * (answered - 1) + 0.5))]), 1),
        "share_24h": round(figures["day"] / answered, 3),
        "share_norm": round(figures["norm"] / answered, 3),
    }


def _themes(s: Snapshot, initiatives) -> Counter:
    """Initiatives in scope per theme: the links whose initiative is in scope."""
    linked = s.link_row >= 0
    if initiatives is not None:
        linked &= initiatives[np.where(linked, s.link_row, 0)]
    themes = s.link_theme[linked]
    counts = np.bincount(themes) if len(themes) else []
    return Counter({s.theme_names[t]: int(n) for t, n in enumerate(counts) if n and t in s.theme_names})


def dashboard(scope: Scope, norm_days: int = 5) -> dict:
    """Every figure for one scope, from this process's snapshot of the facts (``council.cube``)."""
    s = snapshot()
    themed = s.link_initiative[s.link_theme == scope.theme_id] if scope.theme_id else None
    made = _contributions(s, scope, themed)
    figures, initiatives = _initiatives(s, scope, themed, norm_days)
    total = figures["total"]
    frequencies = made["frequencies"]  # (contributions, people), most active first
    people = sum(count for _n, count in frequencies)
    participants = suppress(people)
    concentration = None
    if participants:
        # The most active 10% of people (at least one): walk the table from the top.
        top, taken, share = max(1, round(people * 0.1)), 0, 0
        for n, count in frequencies:
            use = min(count, top - taken)
            share += use * n
            taken += use
            if taken == top:
                break
        concentration = round(share / sum(n * count for n, count in frequencies), 3)
    returning = made["returning"]
    credits = s.memo.get(("credits", scope.trajectory_id))
    if credits is None:  # credits depend on the trajectory alone: once per snapshot (a dict is set atomically)
        rows = [row for row in s.credits if not scope.trajectory_id or row[0] == scope.trajectory_id]
        credits = s.memo[("credits", scope.trajectory_id)] = credits_distribution(scope.trajectory_id, rows)
    return {
        "read_at": s.read_at,
        "initiatives": total,
        "by_type": figures["by_type"],
        "by_status": figures["by_status"],
        "by_theme": _themes(s, initiatives),
        "by_outcome": figures["by_outcome"],
        "participants": participants,
        "new_participants": suppress(people - returning) if participants else None,
        "returning_participants": suppress(returning) if participants else None,
        "contributions": made["by_kind"],
        "per_month": made["per_month"],
        "response": response_times(figures),
        "interaction": round(figures["two_way"] / total, 3) if total else None,
        "budget": figures["budget"],
        "closing_the_loop": round(figures["ended_with_outcome"] / figures["ended"], 3) if figures["ended"] else None,
        "concentration": concentration,
        "credits": credits,
        "per_area": per_area(scope, figures["per_area"], made["area_people"]),
        "challenges": challenge_figures(*scope.window()),
    }


def per_area(scope: Scope, placed: dict[int, list[int]], people: dict) -> list[dict]:
    """Per buurt: initiatives, budget spent, people who contributed there (suppressed under 5), per 1,000."""
    buurten = select(Area.id).where(Area.level == "neighbourhood")
    if scope.area:
        buurten = buurten.where(Area.id.in_(area_ids(scope.area) or [-1]))
    areas = db.session.scalars(
        select(Area)
        .options(load_only(Area.id, Area.code, Area.name, Area.population, Area.display_geojson))
        .where(Area.id.in_(buurten))
        .order_by(Area.name)
    ).all()
    out = []
    for area in areas:
        count = people.get(area.id) or 0
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


def credits_distribution(trajectory_id: int | None, rows: list) -> dict | None:
    """Credits per person per trajectory: buckets, and people, sum and exact quartiles per trajectory.

    From the standings as a frequency table ((trajectory, total) -> people, read with the snapshot): totals are
    small numbers, so the table is short and the quartiles are computed from it exactly.
    """
    frequencies: dict[int, list[tuple[int, int]]] = {}
    for tid, total, n in rows:
        frequencies.setdefault(tid, []).append((total, n))
    people = sum(n for rows in frequencies.values() for _total, n in rows)
    if people < K_ANONYMITY:
        return None
    buckets = dict.fromkeys((label for label, _lo, _hi in BUCKETS), 0)
    for rows in frequencies.values():
        for total, n in rows:
            label = next(label for label, lo, hi in BUCKETS if total >= lo and (hi is None or total <= hi))
            buckets[label] += n
    out = {
        "people": people,
        "sum": sum(total * n for rows in frequencies.values() for total, n in rows),
        "max_bucket": [(label, suppress(n) if n else 0) for label, n in buckets.items()],
        "per_trajectory": [],
    }
    if trajectory_id:
        out.update(_quartiles(sorted(frequencies[trajectory_id]), people))
        return out
    titles = dict(db.session.execute(select(Trajectory.id, Trajectory.title)).all())
    for tid, rows in frequencies.items():
        n = sum(count for _total, count in rows)
        shown = n >= K_ANONYMITY
        row = {"title": titles.get(tid, "?"), "people": suppress(n), "sum": None}
        if shown:
            row["sum"] = sum(total * count for total, count in rows)
            row.update(_quartiles(sorted(rows), n))
        else:
            row.update(q1=None, median=None, q3=None)
        out["per_trajectory"].append(row)
    out["per_trajectory"].sort(key=lambda r: r["title"])
    return out


BUCKETS = [("1–9", 1, 9), ("10–29", 10, 29), ("30–59", 30, 59), ("60–149", 60, 149), ("150+", 150, None)]


def _quartiles(frequencies: list[tuple[int, int]], people: int) -> dict:
    """Quartiles by the statistics module's 'exclusive' method, from a sorted (value, count) table."""

    def at(position: int) -> int:  # 1-based position in the sorted values
        seen = 0
        for value, count in frequencies:
            seen += count
            if seen >= position:
                return value
        return frequencies[-1][0]

    out = {}
    for name, fraction in (("q1", 0.25), ("median", 0.5), ("q3", 0.75)):
        m = (people + 1) * fraction
        j = min(max(int(m), 1), people)
        lower = at(j)
        upper = at(j + 1) if m > j and j < people else lower
        value = lower + (upper - lower) * (m - j)
        out[name] = int(value) if value == int(value) else round(value, 2)
    return out
