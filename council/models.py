"""The council's fact tables: one narrow row per contribution and per published initiative, and
the first day per person; the figures are computed from a snapshot of them (``council.cube``).

``council.maintenance`` keeps them exact inside every write, by deltas; ``council.sources``
computes them afresh from the source tables (``verify``, ``rebuild``).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Float, Index, Integer, SmallInteger
from sqlalchemy.orm import Mapped, mapped_column

from platform_core.contributions import Contribution
from platform_core.extensions import db

EPOCH = date(2000, 1, 1)
KINDS = {kind.value: kind.label for kind in Contribution}
KIND_CODES = {kind.label: kind.value for kind in Contribution}
# Stable small codes for the initiative types (append new types, never renumber).
TYPE_CODES = {"participation": 1, "self_management": 2, "initiative": 3, "liveability": 4}
STATUS_CODES = {"idea": 1, "preparing": 2, "in_progress": 3, "completed": 4, "stopped": 5}
OUTCOME_CODES = {"realised": 1, "policy": 2, "handed_over": 3, "stopped": 4}
ENDED = (STATUS_CODES["completed"], STATUS_CODES["stopped"])


def day_number(value: date | datetime) -> int:
    if isinstance(value, datetime):
        value = value.date()
    return (value - EPOCH).days


def day_date(number: int) -> date:
    return date.fromordinal(EPOCH.toordinal() + number)


class ContributionFact(db.Model):
    __tablename__ = "contribution_fact"
    __table_args__ = (
        # The council reads the table whole (council.cube); these serve writes and the ambassador page.
        Index("ix_fact_person", "person_id", "day", "kind", "area_id", "trajectory_id", "type", "initiative_id"),
        Index("ix_fact_area", "area_id", "person_id", "day", "kind", "trajectory_id", "type", "initiative_id"),
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
    own: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")  # the municipality's own project


INITIATIVE_COLUMNS = [column.name for column in InitiativeFact.__table__.columns]


class PersonSummary(db.Model):
    """Per person, over all facts: contributions and the first day (the ambassador's newcomers)."""

    __tablename__ = "fact_person"

    person_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    contributions: Mapped[int] = mapped_column(Integer)
    first_day: Mapped[int] = mapped_column(Integer)
