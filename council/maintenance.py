"""Keeping the council's facts exact inside every write, at a bounded cost per contribution.

A contribution inserts one fact and moves the summaries by one: contributions per person and
per kind and day, the (buurt, person) pair, and the buurt's distinct people when a pair
appears or disappears. Every change is a conflict-safe upsert (``INSERT … ON CONFLICT``), so
concurrent writers on PostgreSQL queue on the summary row instead of colliding on its key; on
SQLite the request holds the write lock from its first statement. ``flask council verify``
recomputes everything from the source tables and must find no difference.

Only changing an initiative's dimensions (buurt, type, trajectory, visibility) rewrites its
facts, in proportion to its own contributions: a rare, deliberate act, not a contribution.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from sqlalchemy import case, delete, func, select, union_all, update

from platform_core.contributions import Contribution, ContributionEvent
from platform_core.spatial import dialect_insert

from .models import (
    INITIATIVE_COLUMNS,
    TYPE_CODES,
    AreaPersonSummary,
    AreaSummary,
    ContributionFact,
    DaySummary,
    InitiativeFact,
    PersonSummary,
    day_number,
)
from .sources import COLUMNS, initiative_rows, initiative_sources

FACT = ContributionFact.__table__
DIMENSIONS = frozenset({"visibility", "trajectory_id", "area_id", "type", "owner_id", "created_at"})


def add_fact(connection, row: dict) -> None:  # noqa: ANN001
    """One fact in, the summaries up by one; a fact already there changes nothing."""
    inserted = connection.execute(dialect_insert(connection, FACT).values(**row).on_conflict_do_nothing())
    if inserted.rowcount:
        _move_day(connection, row["kind"], row["day"], 1)
        _add_person(connection, row["person_id"], row["day"])
        if row["area_id"] is not None:
            _move_area(connection, row["area_id"], row["person_id"], 1)


def remove_facts(connection, condition) -> list:  # noqa: ANN001
    """Facts out, the summaries down by as many. Returns the initiatives they belonged to."""
    gone = connection.execute(
        delete(FACT)
        .where(condition)
        .returning(FACT.c.person_id, FACT.c.kind, FACT.c.day, FACT.c.area_id, FACT.c.initiative_id)
    ).all()
    days, people, pairs = Counter(), defaultdict(list), Counter()
    for person_id, kind, day, area_id, _initiative in gone:
        days[kind, day] += 1
        people[person_id].append(day)
        if area_id is not None:
            pairs[area_id, person_id] += 1
    for (kind, day), count in sorted(days.items()):
        _move_day(connection, kind, day, -count)
    for person_id, removed_days in sorted(people.items()):
        _remove_person(connection, person_id, removed_days)
    for (area_id, person_id), count in sorted(pairs.items()):
        _move_area(connection, area_id, person_id, -count)
    return [row[4] for row in gone]


def _move_day(connection, kind: int, day: int, step: int) -> None:  # noqa: ANN001
    table = DaySummary.__table__
    key = (table.c.kind == kind, table.c.day == day)
    if step > 0:
        stmt = dialect_insert(connection, table).values(kind=kind, day=day, contributions=step)
        connection.execute(
            stmt.on_conflict_do_update(
                index_elements=["kind", "day"], set_={"contributions": table.c.contributions + step}
            )
        )
        return
    connection.execute(update(table).where(*key).values(contributions=table.c.contributions + step))
    connection.execute(delete(table).where(*key, table.c.contributions <= 0))


def _add_person(connection, person: int, day: int) -> None:  # noqa: ANN001
    table = PersonSummary.__table__
    stmt = dialect_insert(connection, table).values(person_id=person, contributions=1, first_day=day)
    earlier = case((stmt.excluded.first_day < table.c.first_day, stmt.excluded.first_day), else_=table.c.first_day)
    connection.execute(
        stmt.on_conflict_do_update(
            index_elements=["person_id"], set_={"contributions": table.c.contributions + 1, "first_day": earlier}
        )
    )


def _remove_person(connection, person: int, days: list[int]) -> None:  # noqa: ANN001
    table = PersonSummary.__table__
    left = connection.execute(
        update(table)
        .where(table.c.person_id == person)
        .values(contributions=table.c.contributions - len(days))
        .returning(table.c.contributions, table.c.first_day)
    ).first()
    if left is None:
        return
    if left.contributions <= 0:
        connection.execute(delete(table).where(table.c.person_id == person))
    elif left.first_day in days:  # their first day may have gone: one index seek finds the next
        first = select(func.min(FACT.c.day)).where(FACT.c.person_id == person).scalar_subquery()
        connection.execute(update(table).where(table.c.person_id == person).values(first_day=first))


def _move_area(connection, area: int, person: int, step: int) -> None:  # noqa: ANN001
    pairs, areas = AreaPersonSummary.__table__, AreaSummary.__table__
    key = (pairs.c.area_id == area, pairs.c.person_id == person)
    if step > 0:
        stmt = dialect_insert(connection, pairs).values(area_id=area, person_id=person, contributions=step)
        count = connection.execute(
            stmt.on_conflict_do_update(
                index_elements=["area_id", "person_id"], set_={"contributions": pairs.c.contributions + step}
            ).returning(pairs.c.contributions)
        ).scalar_one()
        if count == step:  # a new person in this buurt
            stmt = dialect_insert(connection, areas).values(area_id=area, people=1)
            connection.execute(
                stmt.on_conflict_do_update(index_elements=["area_id"], set_={"people": areas.c.people + 1})
            )
        return
    count = connection.execute(
        update(pairs).where(*key).values(contributions=pairs.c.contributions + step).returning(pairs.c.contributions)
    ).scalar_one_or_none()
    if count is not None and count <= 0:
        connection.execute(delete(pairs).where(*key))
        connection.execute(update(areas).where(areas.c.area_id == area).values(people=areas.c.people - 1))
        connection.execute(delete(areas).where(areas.c.area_id == area, areas.c.people <= 0))


def refresh_initiative_row(connection, initiative_id: int) -> None:  # noqa: ANN001
    """Rewrite one initiative's ``initiative_fact`` row (or remove it when it is not published)."""
    table = InitiativeFact.__table__
    row = connection.execute(initiative_rows([initiative_id], connection.dialect.name)).first()
    if row is None:
        connection.execute(delete(table).where(table.c.initiative_id == initiative_id))
        return
    stmt = dialect_insert(connection, table).values(dict(zip(INITIATIVE_COLUMNS, row, strict=True)))
    others = {name: stmt.excluded[name] for name in INITIATIVE_COLUMNS if name != "initiative_id"}
    connection.execute(stmt.on_conflict_do_update(index_elements=["initiative_id"], set_=others))


def redimension(connection, initiative_ids: Iterable[int]) -> None:  # noqa: ANN001
    """An initiative's buurt, type, trajectory or visibility changed: rewrite its facts."""
    for initiative_id in sorted(set(initiative_ids)):
        remove_facts(connection, FACT.c.initiative_id == initiative_id)
        rows = connection.execute(union_all(*initiative_sources([initiative_id], connection.dialect.name))).all()
        for row in rows:
            add_fact(connection, dict(zip(COLUMNS, row, strict=True)))
        refresh_initiative_row(connection, initiative_id)


def fact_row(event: ContributionEvent) -> dict:
    return {
        "kind": int(event.kind),
        "source_id": event.source_id,
        "person_id": event.person_id,
        "day": day_number(event.created_at),
        "initiative_id": event.initiative_id,
        "meeting_id": event.meeting_id,
        "trajectory_id": event.trajectory_id,
        "area_id": event.area_id,
        "type": TYPE_CODES.get(event.initiative_type, 0) if event.initiative_id else None,
    }


def contribution_made(connection, event: ContributionEvent) -> None:  # noqa: ANN001
    if event.counted and event.person_id is not None:
        add_fact(connection, fact_row(event))
    if event.kind is Contribution.COMMENT and event.initiative_id:
        refresh_initiative_row(connection, event.initiative_id)  # residents spoke: two-way exchange


def contribution_withdrawn(connection, kind: Contribution, source_id: int) -> None:  # noqa: ANN001
    initiatives = remove_facts(connection, (FACT.c.kind == int(kind)) & (FACT.c.source_id == source_id))
    if kind is Contribution.COMMENT:
        for initiative_id in set(initiatives):
            refresh_initiative_row(connection, initiative_id)
