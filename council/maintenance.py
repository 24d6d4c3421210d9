"""Keeping the council's facts exact inside every write, at a bounded cost per contribution.

A contribution inserts one fact and moves its person's summary by one (contributions, first day).
Both are conflict-safe (``INSERT … ON CONFLICT``), and no row is shared between people, so
concurrent writers on PostgreSQL only meet on the same person; on SQLite the request holds the
write lock from its first statement. The figures themselves are counted from a snapshot of the
facts (``council.cube``), not kept per day or per buurt. ``flask council verify``
recomputes everything from the source tables and must find no difference.

Only changing an initiative's dimensions (buurt, type, trajectory, visibility) rewrites its
facts, in proportion to its own contributions: a rare, deliberate act, not a contribution.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import case, delete, func, select, union_all, update

from platform_core.contributions import Contribution, ContributionEvent
from platform_core.spatial import dialect_insert

from .models import (
    INITIATIVE_COLUMNS,
    TYPE_CODES,
    ContributionFact,
    InitiativeFact,
    PersonSummary,
    day_number,
)
from .sources import COLUMNS, initiative_rows, initiative_sources

FACT = ContributionFact.__table__
DIMENSIONS = frozenset({"visibility", "trajectory_id", "area_id", "type", "owner_id", "created_at"})


def add_fact(connection, row: dict) -> None:
    """One fact in, its person's summary up by one; a fact already there changes nothing."""
    inserted = connection.execute(dialect_insert(connection, FACT).values(**row).on_conflict_do_nothing())
    if inserted.rowcount:
        _add_person(connection, row["person_id"], row["day"])


def remove_facts(connection, condition) -> list:
    """Facts out, their people's summaries down by as many. Returns the initiatives they belonged to."""
    gone = connection.execute(
        delete(FACT).where(condition).returning(FACT.c.person_id, FACT.c.day, FACT.c.initiative_id)
    ).all()
    people = defaultdict(list)
    for person_id, day, _initiative in gone:
        people[person_id].append(day)
    for person_id, removed_days in sorted(people.items()):
        _remove_person(connection, person_id, removed_days)
    return [row[2] for row in gone]


def _add_person(connection, person: int, day: int) -> None:
    table = PersonSummary.__table__
    stmt = dialect_insert(connection, table).values(person_id=person, contributions=1, first_day=day)
    earlier = case((stmt.excluded.first_day < table.c.first_day, stmt.excluded.first_day), else_=table.c.first_day)
    connection.execute(
        stmt.on_conflict_do_update(
            index_elements=["person_id"], set_={"contributions": table.c.contributions + 1, "first_day": earlier}
        )
    )


def _remove_person(connection, person: int, days: list[int]) -> None:
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


def refresh_initiative_row(connection, initiative_id: int) -> None:
    """Rewrite one initiative's ``initiative_fact`` row (or remove it when it is not published)."""
    table = InitiativeFact.__table__
    row = connection.execute(initiative_rows([initiative_id], connection.dialect.name)).first()
    if row is None:
        connection.execute(delete(table).where(table.c.initiative_id == initiative_id))
        return
    stmt = dialect_insert(connection, table).values(dict(zip(INITIATIVE_COLUMNS, row, strict=True)))
    others = {name: stmt.excluded[name] for name in INITIATIVE_COLUMNS if name != "initiative_id"}
    connection.execute(stmt.on_conflict_do_update(index_elements=["initiative_id"], set_=others))


def redimension(connection, initiative_ids: Iterable[int]) -> None:
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


def contribution_made(connection, event: ContributionEvent) -> None:
    if event.counted and event.person_id is not None:
        add_fact(connection, fact_row(event))
    if event.kind is Contribution.COMMENT and event.initiative_id:
        refresh_initiative_row(connection, event.initiative_id)  # residents spoke: two-way exchange


def contribution_withdrawn(connection, kind: Contribution, source_id: int) -> None:
    initiatives = remove_facts(connection, (FACT.c.kind == int(kind)) & (FACT.c.source_id == source_id))
    if kind is Contribution.COMMENT:
        for initiative_id in set(initiatives):
            refresh_initiative_row(connection, initiative_id)
