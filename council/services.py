"""The council's figures, computed from the records, with small groups suppressed.

Every figure about people is suppressed when it concerns fewer than ``K_ANONYMITY`` people
(shown as None and rendered "minder dan 5"); no names or e-mail addresses leave this module.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.orm import load_only

from challenges.services import figures as challenge_figures
from council.models import (
    ENDED,
    KINDS,
    OUTCOME_CODES,
    STATUS_CODES,
    TYPE_CODES,
    AreaSummary,
    ContributionFact,
    DaySummary,
    InitiativeFact,
    PersonSummary,
    day_date,
    day_number,
)
from credits.models import CreditTotal
from initiatives.models import Initiative, Theme, initiative_theme
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
    return list(db.session.scalars(initiative_scope(select(Initiative), scope).order_by(Initiative.id)))


def _scope_filter(stmt, scope: Scope, table):  # noqa: ANN001, ANN202
    """The scope as conditions on a facts table (both carry trajectory, buurt, type code, initiative, day)."""
    if scope.trajectory_id:
        stmt = stmt.where(table.c.trajectory_id == scope.trajectory_id)
    if scope.area:
        stmt = stmt.where(table.c.area_id.in_(area_ids(scope.area) or [-1]))
    if scope.type:
        stmt = stmt.where(table.c.type == TYPE_CODES.get(scope.type, -1))
    if scope.theme_id:
        stmt = stmt.where(
            table.c.initiative_id.in_(
                select(initiative_theme.c.initiative_id).where(initiative_theme.c.theme_id == scope.theme_id)
            )
        )
    if scope.start:
        stmt = stmt.where(table.c.day >= day_number(scope.start))
    if scope.end:
        stmt = stmt.where(table.c.day <= day_number(scope.end))
    return stmt


def _fact_filter(stmt, scope: Scope):  # noqa: ANN001, ANN202
    """On contribution facts: every combination is answerable from one covering index."""
    return _scope_filter(stmt, scope, ContributionFact.__table__)


def _ifact_filter(stmt, scope: Scope):  # noqa: ANN001, ANN202
    """On per-initiative facts: published initiatives, created in the period."""
    return _scope_filter(stmt, scope, InitiativeFact.__table__)


def initiative_scope(stmt, scope: Scope):  # noqa: ANN001, ANN202
    start, end = scope.window()
    stmt = _initiative_filter(stmt, scope)
    if start:
        stmt = stmt.where(Initiative.created_at >= start)
    if end:
        stmt = stmt.where(Initiative.created_at < end)
    return stmt


def _contribution_statements(scope: Scope) -> dict:
    """Contributions per kind and day, and people as a frequency table (contributions -> people).

    Without filters the exact summaries kept beside the facts answer; otherwise the facts do.
    """
    f = ContributionFact.__table__
    if scope.narrowed():
        per_day = _fact_filter(select(f.c.kind, f.c.day, func.count()), scope).group_by(f.c.kind, f.c.day)
    else:
        d = DaySummary.__table__
        per_day = select(d.c.kind, d.c.day, d.c.contributions)
        if scope.start:
            per_day = per_day.where(d.c.day >= day_number(scope.start))
        if scope.end:
            per_day = per_day.where(d.c.day <= day_number(scope.end))
    if scope.everything():
        per_person = select(PersonSummary.person_id, PersonSummary.contributions.label("n"))
    else:
        per_person = _fact_filter(select(f.c.person_id, func.count().label("n")), scope).group_by(f.c.person_id)
    per_person = per_person.subquery()
    if scope.start:
        # People before the period came back: counted in the same pass as the frequency table, each
        # person in the period looked up once in the per-person summary (no second grouping of facts).
        returning = func.sum(case((PersonSummary.first_day < day_number(scope.start), 1), else_=0))
        frequencies = (
            select(per_person.c.n, func.count(), returning)
            .outerjoin(PersonSummary, PersonSummary.person_id == per_person.c.person_id)
            .group_by(per_person.c.n)
        )
    else:
        frequencies = select(per_person.c.n, func.count(), literal(0)).group_by(per_person.c.n)
    return {"per_day": per_day, "frequencies": frequencies.order_by(per_person.c.n.desc())}


def _contributions_from(rows: dict) -> dict:
    by_kind: Counter = Counter()
    per_month: Counter = Counter()
    for kind, day, n in rows["per_day"]:
        by_kind[KINDS[kind]] += n
        per_month[day_date(day).strftime("%Y-%m")] += n
    return {
        "by_kind": by_kind,
        "per_month": sorted(per_month.items()),
        "frequencies": [(n, people) for n, people, _returning in rows["frequencies"]],  # most active first
        "returning": sum(returning or 0 for _n, _people, returning in rows["frequencies"]),
    }


def run_statements(statements: dict) -> dict[str, list]:
    """Run independent read-only statements, one after the other in this session. (Running them side by
    side on separate connections was measured: on two cores it gained nothing; see BENCHMARKS.md.)"""
    return {name: db.session.execute(stmt).all() for name, stmt in statements.items()}


def _decode(codes: dict[str, int]) -> dict[int, str]:
    return {code: name for name, code in codes.items()}


def _initiatives_statement(scope: Scope, norm_days: int):  # noqa: ANN202
    t = InitiativeFact.__table__
    return _ifact_filter(
        select(
            t.c.type,
            t.c.status,
            t.c.outcome,
            t.c.area_id,
            func.count(),
            func.sum(t.c.two_way),
            func.sum(t.c.budget_requested),
            func.sum(t.c.budget_granted),
            func.sum(t.c.budget_spent),
            func.count(t.c.response_hours),
            func.sum(case((t.c.response_hours <= 24, 1), else_=0)),
            func.sum(case((t.c.response_workdays <= norm_days, 1), else_=0)),
            # Waiting for the municipality: unanswered, and not the municipality's own project.
            func.sum(case((and_(t.c.response_hours.is_(None), t.c.own == 0), 1), else_=0)),
        ),
        scope,
    ).group_by(t.c.type, t.c.status, t.c.outcome, t.c.area_id)


def _initiative_figures_from(rows: list) -> dict:
    """Everything the council counts about initiatives, from one pass over the per-initiative facts."""
    types, statuses, outcomes = _decode(TYPE_CODES), _decode(STATUS_CODES), _decode(OUTCOME_CODES)
    by_type: Counter = Counter()
    by_status: Counter = Counter()
    by_outcome: Counter = Counter()
    per_area: dict[int, list[int]] = {}
    out = {"total": 0, "two_way": 0, "ended": 0, "ended_with_outcome": 0, "answered": 0, "day": 0, "norm": 0}
    out["waiting"] = 0
    budget = {"requested": 0, "granted": 0, "spent": 0}
    for type_, status, outcome, area_id, n, two_way, req, granted, spent, answered, day, norm, waiting in rows:
        out["total"] += n
        out["two_way"] += two_way or 0
        by_type[types.get(type_, "?")] += n
        by_status[statuses.get(status, "?")] += n
        if outcome:
            by_outcome[outcomes.get(outcome, "?")] += n
        if status in ENDED:
            out["ended"] += n
            out["ended_with_outcome"] += n if outcome else 0
        budget["requested"] += req or 0
        budget["granted"] += granted or 0
        budget["spent"] += spent or 0
        out["answered"] += answered
        out["day"] += day or 0
        out["norm"] += norm or 0
        out["waiting"] += waiting or 0
        if area_id is not None:
            area = per_area.setdefault(area_id, [0, 0])
            area[0] += n
            area[1] += spent or 0
    out.update(by_type=by_type, by_status=by_status, by_outcome=by_outcome, budget=budget, per_area=per_area)
    return out


def response_times(scope: Scope, figures: dict) -> dict:
    """Median and 90th percentile of hours to the municipality's first answer, read at index offsets."""
    t = InitiativeFact.__table__
    answered = figures["answered"]
    waiting = figures["waiting"]
    if not answered:
        return dict.fromkeys(("median_hours", "p90_hours", "share_24h", "share_norm"), None) | {
            "answered": 0,
            "waiting": waiting,
        }

    answers = _ifact_filter(select(t.c.response_hours), scope).where(t.c.response_hours.is_not(None))
    if scope.narrowed():
        # A filter picks initiatives through its own index, not in answer order: read the few
        # answer times once and take the positions from the sorted list.
        hours = sorted(db.session.scalars(answers))

        def at(position: int) -> float:
            return hours[position]
    else:
        # Period or nothing: the answer-time index is in order, so each position is an offset into it.

        def at(position: int) -> float:
            return db.session.scalar(answers.order_by(t.c.response_hours).offset(position).limit(1))

    middle = answered // 2
    median = at(middle) if answered % 2 else (at(middle - 1) + at(middle)) / 2
    return {
        "answered": answered,
        "waiting": waiting,
        "median_hours": round(median, 1),
        "p90_hours": round(at(min(answered - 1, int(0.9 * (answered - 1) + 0.5))), 1),
        "share_24h": round(figures["day"] / answered, 3),
        "share_norm": round(figures["norm"] / answered, 3),
    }


def _theme_statements(scope: Scope) -> dict:
    it = initiative_theme
    if scope.everything():
        # Everything: all links (read from the theme index) minus those of hidden or held initiatives.
        return {
            "themes": select(it.c.theme_id, func.count()).group_by(it.c.theme_id),
            "themes_hidden": select(it.c.theme_id, func.count())
            .join(Initiative, Initiative.id == it.c.initiative_id)
            .where(Initiative.visibility != "published")
            .group_by(it.c.theme_id),
        }
    t = InitiativeFact.__table__
    # Driven by the filtered facts, each looking up its themes; grouping by the plain theme column would
    # invite SQLite to walk all links in theme order and probe every initiative instead (twice the cost).
    theme = (it.c.theme_id + 0).label("theme_id")
    joined = select(theme, func.count()).select_from(t).join(it, it.c.initiative_id == t.c.initiative_id)
    return {"themes": _ifact_filter(joined, scope).group_by(theme)}


def _themes_from(rows: dict) -> Counter:
    names = dict(db.session.execute(select(Theme.id, Theme.name)).all())
    counts = Counter(dict(rows["themes"]))
    counts.subtract(dict(rows.get("themes_hidden", [])))
    return Counter({names[theme_id]: n for theme_id, n in counts.items() if n > 0 and theme_id in names})


def dashboard(scope: Scope, norm_days: int = 5) -> dict:
    """Every figure for one scope."""
    rows = run_statements(
        {
            **_contribution_statements(scope),
            **_theme_statements(scope),
            "initiatives": _initiatives_statement(scope, norm_days),
            "credits": _credits_statement(scope.trajectory_id),
        }
    )
    matching = sum(n for _kind, _day, n in rows["per_day"])
    rows["area_people"] = db.session.execute(_area_people_statement(scope, matching)).all()
    figures = _initiative_figures_from(rows["initiatives"])
    total = figures["total"]
    made = _contributions_from(rows)
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
    return {
        "initiatives": total,
        "by_type": figures["by_type"],
        "by_status": figures["by_status"],
        "by_theme": _themes_from(rows),
        "by_outcome": figures["by_outcome"],
        "participants": participants,
        "new_participants": suppress(people - returning) if participants else None,
        "returning_participants": suppress(returning) if participants else None,
        "contributions": made["by_kind"],
        "per_month": made["per_month"],
        "response": response_times(scope, figures),
        "interaction": round(figures["two_way"] / total, 3) if total else None,
        "budget": figures["budget"],
        "closing_the_loop": round(figures["ended_with_outcome"] / figures["ended"], 3) if figures["ended"] else None,
        "concentration": concentration,
        "credits": credits_distribution(scope.trajectory_id, rows["credits"]),
        "per_area": per_area(scope, figures["per_area"], dict(rows["area_people"])),
        "challenges": challenge_figures(*scope.window()),
    }


# Up to this many matching facts, grouping the (buurt, person) pairs beats one index range per buurt.
FEW_FACTS = 150_000


def _area_people_statement(scope: Scope, matching: int):  # noqa: ANN202
    """Distinct people who contributed per buurt; ``matching`` is how many facts the scope holds."""
    f = ContributionFact.__table__
    if scope.everything():
        return select(AreaSummary.area_id, AreaSummary.people)
    if scope.trajectory_id or scope.theme_id or scope.area or matching <= FEW_FACTS:
        # A selective filter: group the few matching (buurt, person) pairs.
        pairs = _fact_filter(select(f.c.area_id, f.c.person_id), scope).where(f.c.area_id.is_not(None))
        pairs = pairs.group_by(f.c.area_id, f.c.person_id).subquery()
        return select(pairs.c.area_id, func.count()).group_by(pairs.c.area_id)
    # Broad scopes: one index range per buurt (distinct people within it) beats grouping all pairs.
    distinct_people = _fact_filter(select(func.count(func.distinct(f.c.person_id))), scope).where(
        f.c.area_id == Area.id
    )
    return select(Area.id, distinct_people.scalar_subquery()).where(Area.level == "buurt")


def per_area(scope: Scope, placed: dict[int, list[int]], people: dict) -> list[dict]:
    """Per buurt: initiatives, budget spent, people who contributed there (suppressed under 5), per 1,000."""
    buurten = select(Area.id).where(Area.level == "buurt")
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


def _credits_statement(trajectory_id: int | None):  # noqa: ANN202
    stmt = select(CreditTotal.trajectory_id, CreditTotal.total, func.count()).where(CreditTotal.total > 0)
    if trajectory_id:
        stmt = stmt.where(CreditTotal.trajectory_id == trajectory_id)
    return stmt.group_by(CreditTotal.trajectory_id, CreditTotal.total)


def credits_distribution(trajectory_id: int | None, rows: list) -> dict | None:
    """Credits per person per trajectory: buckets, and people, sum and exact quartiles per trajectory.

    One pass over the standings index as a frequency table ((trajectory, total) -> people): totals are
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
