"""Contribution facts: one narrow row per contribution, kept exact inside every write.

The council's figures count people, contributions and neighbourhoods over up to millions of
contributions that live in six tables (initiatives, participations, comments, pluimen, responses
to needs, meeting attendance). Instead of unioning those tables on every request, each
contribution is mirrored into ``contribution_fact``: who, what kind, which day, and the
dimensions the dashboard filters on (trajectory, buurt, type; the theme is joined through the
initiative). Only contributions that count are mirrored: on published initiatives, published
comments, attendance by a known account. ``initiative_fact`` holds one narrow row per published
initiative; ``fact_person``, ``fact_day`` and ``fact_area`` summarise the facts for the
unfiltered dashboard.

Exactness: a session hook refreshes, in the same flush and transaction, the facts of every
initiative or meeting that the flush touched (delete them, insert them again from the source
tables), then recomputes the summary rows of the people, days and buurten involved. Nothing is
adjusted by arithmetic. ``flask council verify`` recomputes everything and reports differences;
``flask council rebuild`` rewrites it. A ``before_flush`` hook keeps the initiative's response
time in hours and working days next to ``first_response_at``.
"""

from __future__ import annotations

from datetime import date, datetime
from itertools import chain

from sqlalchemy import (
    Float,
    Index,
    Integer,
    SmallInteger,
    and_,
    case,
    cast,
    delete,
    event,
    false,
    func,
    insert,
    literal,
    null,
    or_,
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
STATUS_CODES = {"idee": 1, "in_voorbereiding": 2, "in_uitvoering": 3, "afgerond": 4, "gestopt": 5}
OUTCOME_CODES = {"gerealiseerd": 1, "beleid": 2, "overgedragen": 3, "gestopt": 4}
ENDED = (STATUS_CODES["afgerond"], STATUS_CODES["gestopt"])


class ContributionFact(db.Model):
    __tablename__ = "contribution_fact"
    __table_args__ = (
        # Covering indexes: every filter column is in every index, so any filter combination is
        # answered from one index without reading rows; the leading columns serve the groupings.
        Index("ix_fact_person", "person_id", "day", "kind", "area_id", "trajectory_id", "type", "initiative_id"),
        Index("ix_fact_area", "area_id", "person_id", "day", "kind", "trajectory_id", "type", "initiative_id"),
        Index("ix_fact_type", "type", "kind", "day", "person_id", "area_id", "trajectory_id", "initiative_id"),
        Index("ix_fact_trajectory", "trajectory_id", "day", "person_id", "kind", "area_id", "type", "initiative_id"),
        Index("ix_fact_day", "day", "person_id", "kind", "area_id", "trajectory_id", "type", "initiative_id"),
        Index("ix_fact_initiative", "initiative_id", "kind", "person_id", "day", "area_id", "trajectory_id", "type"),
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


class InitiativeFact(db.Model):
    """One narrow row per published initiative: what the council counts about it, in small integers."""

    __tablename__ = "initiative_fact"
    __table_args__ = (
        Index("ix_ifact_day", "day"),
        Index("ix_ifact_trajectory", "trajectory_id"),
        Index("ix_ifact_area", "area_id"),
        Index("ix_ifact_response", "response_hours", "day", "trajectory_id", "area_id", "type"),
        # In the dashboard's GROUP BY order and covering every column it reads: no sort, no row reads.
        Index(
            "ix_ifact_group",
            "type",
            "status",
            "outcome",
            "area_id",
            "two_way",
            "budget_requested",
            "budget_granted",
            "budget_spent",
            "response_hours",
            "response_workdays",
            "day",
            "trajectory_id",
        ),
    )

    initiative_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    day: Mapped[int] = mapped_column(Integer)
    trajectory_id: Mapped[int | None] = mapped_column(Integer)
    area_id: Mapped[int | None] = mapped_column(Integer)
    type: Mapped[int] = mapped_column(SmallInteger)
    status: Mapped[int] = mapped_column(SmallInteger)
    outcome: Mapped[int | None] = mapped_column(SmallInteger)
    two_way: Mapped[int] = mapped_column(SmallInteger)  # 1 when residents and the municipality both spoke
    budget_requested: Mapped[int | None] = mapped_column(Integer)
    budget_granted: Mapped[int | None] = mapped_column(Integer)
    budget_spent: Mapped[int | None] = mapped_column(Integer)
    response_hours: Mapped[float | None] = mapped_column(Float)
    response_workdays: Mapped[float | None] = mapped_column(Float)


INITIATIVE_COLUMNS = [column.name for column in InitiativeFact.__table__.columns]


class PersonSummary(db.Model):
    """Per person, over all facts: contributions and the first day. Serves the unfiltered dashboard."""

    __tablename__ = "fact_person"

    person_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    contributions: Mapped[int] = mapped_column(Integer)
    first_day: Mapped[int] = mapped_column(Integer)


class DaySummary(db.Model):
    """Contributions per kind per day, over all facts. Serves trends with no filter but the period."""

    __tablename__ = "fact_day"

    kind: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    day: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    contributions: Mapped[int] = mapped_column(Integer)


class AreaSummary(db.Model):
    """Distinct people per buurt, over all facts. Serves the unfiltered choropleth."""

    __tablename__ = "fact_area"

    area_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    people: Mapped[int] = mapped_column(Integer)


SOURCE_TABLES = (
    "initiative",
    "participation",
    "comment",
    "pluim",
    "need",
    "need_response",
    "meeting",
    "attendance",
    "feedback",
    "outcome",
)
COLUMNS = [column.name for column in ContributionFact.__table__.columns]


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


def _initiative_rows(ids: list[int] | None, dialect: str):  # noqa: ANN202
    from initiatives.models import Initiative
    from participation.models import Comment
    from trajectories.models import Feedback, Outcome

    i, c, fb, o = (m.__table__ for m in (Initiative, Comment, Feedback, Outcome))
    resident = (
        select(c.c.id)
        .where(c.c.initiative_id == i.c.id, c.c.author_id.is_not(None), c.c.status == "published")
        .exists()
    )
    municipality = select(fb.c.id).where(fb.c.initiative_id == i.c.id).exists()
    outcome = select(case(OUTCOME_CODES, value=o.c.kind, else_=0)).where(o.c.initiative_id == i.c.id).scalar_subquery()
    stmt = select(
        i.c.id,
        _day(i.c.created_at, dialect),
        i.c.trajectory_id,
        i.c.area_id,
        case(TYPE_CODES, value=i.c.type, else_=0),
        case(STATUS_CODES, value=i.c.status, else_=0),
        outcome,
        case((and_(resident, municipality), 1), else_=0),
        i.c.budget_requested,
        i.c.budget_granted,
        i.c.budget_spent,
        i.c.first_response_hours,
        i.c.first_response_workdays,
    ).where(i.c.visibility == "published")
    if ids is not None:
        stmt = stmt.where(i.c.id.in_(ids))
    return stmt


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


def _summary_sources(people=None, kind_days=None, areas=None) -> dict:  # noqa: ANN001
    """SELECTs computing the summaries from the facts, for some keys (or for all when None)."""
    f = ContributionFact.__table__
    person = select(f.c.person_id, func.count(), func.min(f.c.day)).group_by(f.c.person_id)
    day = select(f.c.kind, f.c.day, func.count()).group_by(f.c.kind, f.c.day)
    area = select(f.c.area_id, func.count(func.distinct(f.c.person_id))).where(f.c.area_id.is_not(None))
    area = area.group_by(f.c.area_id)
    if people is not None:
        person = person.where(f.c.person_id.in_(people))
    if kind_days is not None:
        day = day.where(or_(false(), *(and_(f.c.kind == k, f.c.day == d) for k, d in kind_days)))
    if areas is not None:
        area = area.where(f.c.area_id.in_(areas))
    return {PersonSummary: person, DaySummary: day, AreaSummary: area}


SUMMARY_COLUMNS = {
    PersonSummary: ["person_id", "contributions", "first_day"],
    DaySummary: ["kind", "day", "contributions"],
    AreaSummary: ["area_id", "people"],
}


def _resummarise(connection, touched: set[tuple[int, int, int, int | None]]) -> None:  # noqa: ANN001
    """Recompute the summary rows for the people, (kind, day)s and buurten whose facts changed."""
    if not touched:
        return
    people = sorted({t[0] for t in touched})
    kind_days = sorted({(t[1], t[2]) for t in touched})
    areas = sorted({t[3] for t in touched if t[3] is not None})
    keys = {
        PersonSummary: (people, lambda c, chunk: c.person_id.in_(chunk)),
        DaySummary: (kind_days, lambda c, chunk: or_(*(and_(c.kind == k, c.day == d) for k, d in chunk))),
        AreaSummary: (areas, lambda c, chunk: c.area_id.in_(chunk)),
    }
    for model, (values, condition) in keys.items():
        table = model.__table__
        for start in range(0, len(values), 300):
            chunk = values[start : start + 300]
            connection.execute(delete(table).where(condition(table.c, chunk)))
            sources = _summary_sources(
                people=chunk if model is PersonSummary else [],
                kind_days=chunk if model is DaySummary else [(0, 0)],
                areas=chunk if model is AreaSummary else [],
            )
            connection.execute(insert(table).from_select(SUMMARY_COLUMNS[model], sources[model]))


def _touched(connection, condition) -> set:  # noqa: ANN001
    f = ContributionFact.__table__
    return set(connection.execute(select(f.c.person_id, f.c.kind, f.c.day, f.c.area_id).where(condition)).all())


def delete_facts(connection, condition) -> None:  # noqa: ANN001
    """Delete some facts and bring the summaries up to date."""
    touched = _touched(connection, condition)
    connection.execute(delete(ContributionFact.__table__).where(condition))
    _resummarise(connection, touched)


def refresh(connection, initiative_ids=(), meeting_ids=()) -> None:  # noqa: ANN001
    """Rewrite the facts of these initiatives and meetings from their source rows, then the summaries."""
    table = ContributionFact.__table__
    dialect = connection.dialect.name
    touched: set = set()
    for ids, column, sources in (
        (sorted(initiative_ids), table.c.initiative_id, _initiative_sources),
        (sorted(meeting_ids), table.c.meeting_id, _meeting_sources),
    ):
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            touched |= _touched(connection, column.in_(chunk))
            connection.execute(delete(table).where(column.in_(chunk)))
            connection.execute(insert(table).from_select(COLUMNS, union_all(*sources(chunk, dialect))))
            touched |= _touched(connection, column.in_(chunk))
            if sources is _initiative_sources:
                per_initiative = InitiativeFact.__table__
                connection.execute(delete(per_initiative).where(per_initiative.c.initiative_id.in_(chunk)))
                connection.execute(
                    insert(per_initiative).from_select(INITIATIVE_COLUMNS, _initiative_rows(chunk, dialect))
                )
    _resummarise(connection, touched)


def rebuild(connection) -> int:  # noqa: ANN001
    table, per_initiative = ContributionFact.__table__, InitiativeFact.__table__
    dialect = connection.dialect.name
    if dialect == "postgresql":  # fresh statistics, or bulk-loaded sources get nested-loop plans
        for source in SOURCE_TABLES:
            connection.exec_driver_sql(f"ANALYZE {source}")
    connection.execute(delete(table))
    connection.execute(insert(table).from_select(COLUMNS, all_sources(dialect)))
    connection.execute(delete(per_initiative))
    connection.execute(insert(per_initiative).from_select(INITIATIVE_COLUMNS, _initiative_rows(None, dialect)))
    for model, source in _summary_sources().items():
        connection.execute(delete(model.__table__))
        connection.execute(insert(model.__table__).from_select(SUMMARY_COLUMNS[model], source))
    return connection.execute(select(func.count()).select_from(table)).scalar_one()


def verify(connection) -> dict:
    """Compare the stored facts with facts computed afresh; returns the differences."""
    table, per_initiative = ContributionFact.__table__, InitiativeFact.__table__
    dialect = connection.dialect.name
    stored = set(connection.execute(select(*(table.c[name] for name in COLUMNS))).all())
    fresh = set(connection.execute(all_sources(dialect)).all())
    stored_i = set(connection.execute(select(*(per_initiative.c[name] for name in INITIATIVE_COLUMNS))).all())
    fresh_i = set(connection.execute(_initiative_rows(None, dialect)).all())
    # The summaries against the stored facts (the facts against the sources are checked above).
    for model, source in _summary_sources().items():
        columns = [model.__table__.c[name] for name in SUMMARY_COLUMNS[model]]
        stored_s = {(model.__tablename__, *row) for row in connection.execute(select(*columns)).all()}
        fresh_s = {(model.__tablename__, *row) for row in connection.execute(source).all()}
        stored_i |= stored_s
        fresh_i |= fresh_s
    return {
        "facts": len(stored),
        "initiatives": len(stored_i),
        "missing": sorted(fresh - stored) + sorted(fresh_i - stored_i, key=str),
        "extra": sorted(stored - fresh) + sorted(stored_i - fresh_i, key=str),
    }


# --- keeping facts exact -------------------------------------------------------------------------

_INITIATIVE_FIELDS = (
    "created_at",
    "owner_id",
    "visibility",
    "trajectory_id",
    "area_id",
    "type",
    "status",
    "budget_requested",
    "budget_granted",
    "budget_spent",
    "first_response_at",
    "first_response_hours",
    "first_response_workdays",
)
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
    from trajectories.models import Attendance, Feedback, Meeting, Outcome

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
        elif isinstance(obj, (Feedback, Outcome)):
            if touched or _changed(obj, ("initiative_id", "kind")):
                initiatives.update(_old_values(obj, "initiative_id"))
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
        delete_facts(connection, and_(table.c.kind == kind, table.c.source_id == source_id))
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
