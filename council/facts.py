"""Contribution facts: one narrow row per contribution, kept exact inside every write.

The council's figures count people, contributions and neighbourhoods over up to millions of
contributions that live in six tables (initiatives, participations, comments, pluimen, responses
to needs, meeting attendance). Instead of unioning those tables on every request, each
contribution is mirrored into ``contribution_fact``: who, what kind, which day, and the
dimensions the dashboard filters on (trajectory, buurt, type; the theme is joined through the
initiative). Only contributions that count are mirrored: on published initiatives, published
comments, attendance by a known account.

Exactness: a session hook refreshes, in the same flush and transaction, the facts of every
initiative or meeting that the flush touched (delete them, insert them again from the source
tables). ``flask council verify`` recomputes all facts from the sources and reports differences;
``flask council rebuild`` rewrites them. The same hook keeps the initiative's response time in
hours and working days next to ``first_response_at``, so medians and norms need no Python loop.
"""

from __future__ import annotations

from datetime import date, datetime
from itertools import chain

from sqlalchemy import (
    Index,
    Integer,
    SmallInteger,
    and_,
    case,
    cast,
    delete,
    event,
    func,
    insert,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from platform_core.extensions import db

EPOCH = date(2000, 1, 1)
KINDS = {1: "initiatief", 2: "meedoen", 3: "reactie", 4: "pluim", 5: "aanbod", 6: "bijeenkomst"}
KIND_CODES = {name: code for code, name in KINDS.items()}
# Stable small codes for the initiative types (append new types, never renumber).
TYPE_CODES = {"participatie": 1, "zelfbeheer": 2, "initiatief": 3, "leefbaarheidsinitiatief": 4}


class ContributionFact(db.Model):
    __tablename__ = "contribution_fact"
    __table_args__ = (
        # Covering indexes: each filter can be answered from one index without touching rows.
        Index("ix_fact_person", "person_id", "day"),
        Index("ix_fact_kind", "kind", "day", "person_id"),
        Index("ix_fact_day", "day", "person_id", "kind", "area_id", "trajectory_id", "type"),
        Index("ix_fact_trajectory", "trajectory_id", "day", "person_id", "kind", "area_id", "type"),
        Index("ix_fact_area", "area_id", "person_id", "day", "kind", "trajectory_id", "type"),
        Index("ix_fact_initiative", "initiative_id"),
        Index("ix_fact_meeting", "meeting_id"),
    )

    kind: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    source_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    person_id: Mapped[int] = mapped_column(Integer)
    day: Mapped[int] = mapped_column(Integer)  # days since 2000-01-01
    initiative_id: Mapped[int | None] = mapped_column(Integer)
    meeting_id: Mapped[int | None] = mapped_column(Integer)
    trajectory_id: Mapped[int | None] = mapped_column(Integer)
    area_id: Mapped[int | None] = mapped_column(Integer)
    type: Mapped[int | None] = mapped_column(SmallInteger)


COLUMNS = ["kind", "source_id", "person_id", "day", "initiative_id", "meeting_id", "trajectory_id", "area_id", "type"]


def day_number(value: date | datetime) -> int:
    if isinstance(value, datetime):
        value = value.date()
    return (value - EPOCH).days


def day_date(number: int) -> date:
    return date.fromordinal(EPOCH.toordinal() + number)


def _day(column, dialect: str):  # noqa: ANN001, ANN202
    if dialect == "sqlite":
        return cast(func.julianday(func.date(column)) - 2451544.5, Integer)
    return cast(func.date(column), db.Date) - literal(EPOCH, db.Date)


def _none():  # noqa: ANN202
    return cast(null(), Integer)


def _initiative_sources(ids: list[int] | None, dialect: str) -> list:
    from initiatives.models import Initiative
    from participation.models import Comment, Need, NeedResponse, Participation, Pluim

    i = Initiative.__table__
    type_code = case(TYPE_CODES, value=i.c.type, else_=0)
    dims = [i.c.id, _none(), i.c.trajectory_id, i.c.area_id, type_code]
    visible = [i.c.visibility == "published"]
    if ids is not None:
        visible.append(i.c.id.in_(ids))
    p, c, pl, n, nr = (m.__table__ for m in (Participation, Comment, Pluim, Need, NeedResponse))
    return [
        select(literal(1), i.c.id, i.c.owner_id, _day(i.c.created_at, dialect), *dims).where(*visible),
        select(literal(2), p.c.id, p.c.user_id, _day(p.c.created_at, dialect), *dims)
        .join(i, i.c.id == p.c.initiative_id)
        .where(*visible),
        select(literal(3), c.c.id, c.c.author_id, _day(c.c.created_at, dialect), *dims)
        .join(i, i.c.id == c.c.initiative_id)
        .where(*visible, c.c.author_id.is_not(None), c.c.status == "published"),
        select(literal(4), pl.c.id, pl.c.user_id, _day(pl.c.created_at, dialect), *dims)
        .join(i, and_(pl.c.target_type == "initiative", i.c.id == pl.c.target_id))
        .where(*visible),
        select(literal(5), nr.c.id, nr.c.user_id, _day(nr.c.created_at, dialect), *dims)
        .join(n, n.c.id == nr.c.need_id)
        .join(i, i.c.id == n.c.initiative_id)
        .where(*visible),
    ]


def _meeting_sources(ids: list[int] | None, dialect: str) -> list:
    from trajectories.models import Attendance, Meeting

    a, m = Attendance.__table__, Meeting.__table__
    stmt = (
        select(
            literal(6),
            a.c.id,
            a.c.user_id,
            _day(m.c.starts_at, dialect),
            _none(),
            m.c.id,
            m.c.trajectory_id,
            m.c.area_id,
            _none(),
        )
        .join(m, m.c.id == a.c.meeting_id)
        .where(a.c.user_id.is_not(None))
    )
    if ids is not None:
        stmt = stmt.where(m.c.id.in_(ids))
    return [stmt]


def all_sources(dialect: str):  # noqa: ANN201
    return union_all(*_initiative_sources(None, dialect), *_meeting_sources(None, dialect))


def refresh(connection, initiative_ids=(), meeting_ids=()) -> None:  # noqa: ANN001
    """Rewrite the facts of these initiatives and meetings from their source rows."""
    table = ContributionFact.__table__
    dialect = connection.dialect.name
    for ids, column, sources in (
        (sorted(initiative_ids), table.c.initiative_id, _initiative_sources),
        (sorted(meeting_ids), table.c.meeting_id, _meeting_sources),
    ):
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            connection.execute(delete(table).where(column.in_(chunk)))
            connection.execute(insert(table).from_select(COLUMNS, union_all(*sources(chunk, dialect))))


def rebuild(connection) -> int:  # noqa: ANN001
    table = ContributionFact.__table__
    connection.execute(delete(table))
    connection.execute(insert(table).from_select(COLUMNS, all_sources(connection.dialect.name)))
    return connection.execute(select(func.count()).select_from(table)).scalar_one()


def verify(connection) -> dict:
    """Compare the stored facts with facts computed afresh; returns the differences."""
    table = ContributionFact.__table__
    stored = set(connection.execute(select(*(table.c[name] for name in COLUMNS))).all())
    fresh = set(connection.execute(all_sources(connection.dialect.name)).all())
    return {"facts": len(stored), "missing": sorted(fresh - stored), "extra": sorted(stored - fresh)}


# --- keeping facts exact -------------------------------------------------------------------------

_INITIATIVE_FIELDS = ("created_at", "owner_id", "visibility", "trajectory_id", "area_id", "type")
_ROW_FIELDS = ("created_at", "user_id", "author_id", "status", "initiative_id", "target_id", "target_type", "need_id")
_MEETING_FIELDS = ("starts_at", "trajectory_id", "area_id")


def _changed(obj, fields) -> bool:  # noqa: ANN001
    state = db.inspect(obj)
    return any(name in state.attrs and state.attrs[name].history.has_changes() for name in fields)


def _old_values(obj, name: str) -> list:  # noqa: ANN001
    state = db.inspect(obj)
    if name not in state.attrs:
        return []
    history = state.attrs[name].history
    return [v for v in chain(history.deleted or (), history.unchanged or (), history.added or ()) if v is not None]


def _response_hours(session: Session, _context, _instances) -> None:  # noqa: ANN001
    """Keep an initiative's first-response time in hours and working days beside the timestamp."""
    from initiatives.models import Initiative
    from platform_core.models import utcnow
    from trajectories.workdays import working_days_between

    for obj in chain(session.new, session.dirty):
        if not isinstance(obj, Initiative):
            continue
        if obj not in session.new and not _changed(obj, ("first_response_at", "created_at")):
            continue
        if obj.first_response_at is None:
            obj.first_response_hours = obj.first_response_workdays = None
            continue
        created = obj.created_at or utcnow()
        obj.first_response_hours = round((obj.first_response_at - created).total_seconds() / 3600, 4)
        obj.first_response_workdays = round(working_days_between(created, obj.first_response_at), 4)


def _keep_facts(session: Session, _context) -> None:  # noqa: ANN001
    from initiatives.models import Initiative
    from participation.models import Comment, Need, NeedResponse, Participation, Pluim
    from trajectories.models import Attendance, Meeting

    initiatives: set[int] = set()
    meetings: set[int] = set()
    need_ids: set[int] = set()
    gone: list[tuple[int, int]] = []  # deleted rows whose initiative may no longer be known
    kinds = {Participation: 2, Comment: 3, Pluim: 4, NeedResponse: 5, Attendance: 6}
    for obj in session.deleted:
        if type(obj) in kinds:
            gone.append((kinds[type(obj)], obj.id))
        elif isinstance(obj, Initiative):
            initiatives.add(obj.id)
    for obj in chain(session.new, session.dirty, session.deleted):
        touched = obj in session.new or obj in session.deleted
        if isinstance(obj, Initiative):
            if touched or _changed(obj, _INITIATIVE_FIELDS):
                initiatives.add(obj.id)
        elif isinstance(obj, (Participation, Comment)):
            if touched or _changed(obj, _ROW_FIELDS):
                initiatives.update(_old_values(obj, "initiative_id"))
        elif isinstance(obj, Pluim):
            if (touched or _changed(obj, _ROW_FIELDS)) and "initiative" in _old_values(obj, "target_type"):
                initiatives.update(_old_values(obj, "target_id"))
        elif isinstance(obj, NeedResponse):
            if touched or _changed(obj, _ROW_FIELDS):
                need_ids.update(_old_values(obj, "need_id"))
        elif isinstance(obj, Need):
            if touched or _changed(obj, ("initiative_id",)):
                initiatives.update(_old_values(obj, "initiative_id"))
        elif isinstance(obj, Attendance):
            if touched or _changed(obj, ("user_id", "meeting_id")):
                meetings.update(_old_values(obj, "meeting_id"))
        elif isinstance(obj, Meeting) and (touched or _changed(obj, _MEETING_FIELDS)):
            meetings.add(obj.id)
    if not (initiatives or meetings or need_ids or gone):
        return
    connection = session.connection()
    table = ContributionFact.__table__
    for kind, source_id in gone:
        connection.execute(delete(table).where(table.c.kind == kind, table.c.source_id == source_id))
    if need_ids:
        needs = Need.__table__
        initiatives.update(
            connection.execute(select(needs.c.initiative_id).where(needs.c.id.in_(sorted(need_ids)))).scalars()
        )
    refresh(connection, initiatives, meetings)


def install() -> None:
    if not event.contains(Session, "after_flush", _keep_facts):
        event.listen(Session, "before_flush", _response_hours)
        event.listen(Session, "after_flush", _keep_facts)
