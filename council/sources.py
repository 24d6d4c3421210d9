"""The facts computed afresh from the source tables: what ``verify`` compares with and what
``rebuild`` writes. The same statements, restricted to one initiative or meeting, serve the
maintenance when an initiative's dimensions change."""

from __future__ import annotations

from sqlalchemy import and_, case, cast, delete, func, insert, literal, null, select, union_all

from ambassadors.models import Attendance, Meeting
from initiatives.models import Initiative
from participation.models import Comment, Need, NeedResponse, Participation, Pluim
from platform_core.contributions import Contribution
from platform_core.extensions import db
from response.models import Feedback
from trajectories.models import Outcome

from .models import (
    EPOCH,
    INITIATIVE_COLUMNS,
    OUTCOME_CODES,
    STATUS_CODES,
    TYPE_CODES,
    ContributionFact,
    InitiativeFact,
    PersonSummary,
)

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
SUMMARY_COLUMNS = {PersonSummary: ["person_id", "contributions", "first_day"]}


def _day(column, dialect: str):
    if dialect == "sqlite":
        return cast(func.julianday(func.date(column)) - 2451544.5, db.Integer)
    return cast(func.date(column), db.Date) - literal(EPOCH, db.Date)


def _none():
    return cast(null(), db.Integer)


def initiative_sources(ids: list[int] | None, dialect: str) -> list:
    """The contributions on these initiatives (all when None), as fact rows."""
    i = Initiative.__table__
    type_code = case(TYPE_CODES, value=i.c.type, else_=0)
    dims = [i.c.id, _none(), i.c.trajectory_id, i.c.area_id, type_code]
    visible = [i.c.visibility == "published"]
    if ids is not None:
        visible.append(i.c.id.in_(ids))
    p, c, pl, n, nr = (m.__table__ for m in (Participation, Comment, Pluim, Need, NeedResponse))
    k = Contribution
    return [
        select(literal(k.INITIATIVE.value), i.c.id, i.c.owner_id, _day(i.c.created_at, dialect), *dims).where(*visible),
        select(literal(k.JOIN.value), p.c.id, p.c.user_id, _day(p.c.created_at, dialect), *dims)
        .join(i, i.c.id == p.c.initiative_id)
        .where(*visible),
        select(literal(k.COMMENT.value), c.c.id, c.c.author_id, _day(c.c.created_at, dialect), *dims)
        .join(i, i.c.id == c.c.initiative_id)
        .where(*visible, c.c.author_id.is_not(None), c.c.status == "published"),
        select(literal(k.PLUIM.value), pl.c.id, pl.c.user_id, _day(pl.c.created_at, dialect), *dims)
        .join(i, and_(pl.c.target_type == "initiative", i.c.id == pl.c.target_id))
        .where(*visible),
        select(literal(k.OFFER.value), nr.c.id, nr.c.user_id, _day(nr.c.created_at, dialect), *dims)
        .join(n, n.c.id == nr.c.need_id)
        .join(i, i.c.id == n.c.initiative_id)
        .where(*visible),
    ]


def initiative_rows(ids: list[int] | None, dialect: str):
    """One ``initiative_fact`` row per published initiative among these (all when None)."""
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
        case((i.c.by_municipality.is_(True), 1), else_=0),
    ).where(i.c.visibility == "published")
    if ids is not None:
        stmt = stmt.where(i.c.id.in_(ids))
    return stmt


def meeting_sources(ids: list[int] | None, dialect: str) -> list:
    a, m = Attendance.__table__, Meeting.__table__
    stmt = (
        select(
            literal(Contribution.ATTENDANCE.value),
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


def all_sources(dialect: str):
    return union_all(*initiative_sources(None, dialect), *meeting_sources(None, dialect))


def summary_sources() -> dict:
    """SELECTs computing every summary from the facts."""
    f = ContributionFact.__table__
    return {PersonSummary: select(f.c.person_id, func.count(), func.min(f.c.day)).group_by(f.c.person_id)}


def rebuild(connection) -> int:
    table, per_initiative = ContributionFact.__table__, InitiativeFact.__table__
    dialect = connection.dialect.name
    if dialect == "postgresql":  # fresh statistics, or bulk-loaded sources get nested-loop plans
        for source in SOURCE_TABLES:
            connection.exec_driver_sql(f"ANALYZE {source}")
    connection.execute(delete(table))
    connection.execute(insert(table).from_select(COLUMNS, all_sources(dialect)))
    connection.execute(delete(per_initiative))
    connection.execute(insert(per_initiative).from_select(INITIATIVE_COLUMNS, initiative_rows(None, dialect)))
    for model, source in summary_sources().items():
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
    fresh_i = set(connection.execute(initiative_rows(None, dialect)).all())
    # The summaries against the stored facts (the facts against the sources are checked above).
    for model, source in summary_sources().items():
        columns = [model.__table__.c[name] for name in SUMMARY_COLUMNS[model]]
        stored_i |= {(model.__tablename__, *row) for row in connection.execute(select(*columns)).all()}
        fresh_i |= {(model.__tablename__, *row) for row in connection.execute(source).all()}
    return {
        "facts": len(stored),
        "initiatives": len(stored_i),
        "missing": sorted(fresh - stored) + sorted(fresh_i - stored_i, key=str),
        "extra": sorted(stored - fresh) + sorted(stored_i - fresh_i, key=str),
    }
