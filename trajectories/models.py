"""The co-creation trajectory: its stages and areas, framing, stakeholders and outcomes."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from initiatives.models import Initiative
from maps.models import Area
from platform_core.extensions import db
from platform_core.models import User, utcnow

DEFAULT_STAGES = ["verkennen", "ideeën", "plan", "uitvoering", "evaluatie"]
FRAMING_KINDS = {
    "budget": _l("Beschikbaar budget"),
    "can": _l("Wat kan"),
    "cannot": _l("Wat niet kan, en waarom"),
    "rules": _l("Wettelijke en ruimtelijke kaders"),
    "decision": _l("Wie beslist, en wanneer"),
    "council_plan": _l("Wat de raad met de uitkomst doet"),
}
FRAMING_TARGETS = ("trajectory", "stage", "area", "initiative")
OUTCOMES = {
    "realised": _l("Gerealiseerd"),
    "policy": _l("Opgenomen in beleid"),
    "handed_over": _l("Overgedragen"),
    "stopped": _l("Gestopt"),
}
STAKEHOLDER_KINDS = {"organisation": _l("Organisatie"), "group": _l("Groep"), "role": _l("Rol")}

trajectory_area = Table(
    "trajectory_area",
    db.metadata,
    Column("trajectory_id", ForeignKey("trajectory.id", ondelete="CASCADE"), primary_key=True),
    Column("area_id", ForeignKey("area.id", ondelete="CASCADE"), primary_key=True),
)


class Trajectory(db.Model):
    __tablename__ = "trajectory"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    question: Mapped[str] = mapped_column(Text)
    department: Mapped[str] = mapped_column(String(120))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    current_stage_id: Mapped[int | None] = mapped_column(
        ForeignKey("stage.id", use_alter=True, name="fk_trajectory_stage")
    )
    summary: Mapped[str | None] = mapped_column(Text)  # what was done with the results
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    areas: Mapped[list[Area]] = relationship(secondary=trajectory_area, order_by=Area.name)
    stages: Mapped[list[Stage]] = relationship(
        back_populates="trajectory",
        order_by="Stage.position",
        foreign_keys="Stage.trajectory_id",
        cascade="all, delete-orphan",
    )
    current_stage: Mapped[Stage | None] = relationship(foreign_keys=[current_stage_id], post_update=True)


class Stage(db.Model):
    __tablename__ = "stage"
    __table_args__ = (UniqueConstraint("trajectory_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(ForeignKey("trajectory.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)

    trajectory: Mapped[Trajectory] = relationship(back_populates="stages", foreign_keys=[trajectory_id])


class Framing(db.Model):
    """Typed framing (kaders). Editing adds a new version; old versions stay readable."""

    __tablename__ = "framing"

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(12))
    target_id: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(12))
    body: Mapped[str] = mapped_column(Text)
    amount: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    author: Mapped[User] = relationship()


class TrajectoryRequest(db.Model):
    """An initiator's request for their initiative to join a trajectory; a civil servant accepts
    (placing it) or declines with a reason, and the initiator hears either way."""

    __tablename__ = "trajectory_request"
    __table_args__ = (Index("ix_trajectory_request_open", "trajectory_id", "decided_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id", ondelete="CASCADE"), index=True)
    trajectory_id: Mapped[int] = mapped_column(ForeignKey("trajectory.id", ondelete="CASCADE"))
    asked_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    message: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    accepted: Mapped[bool | None] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(String(500))

    initiative: Mapped[Initiative] = relationship()
    trajectory: Mapped[Trajectory] = relationship()


class Stakeholder(db.Model):
    """The krachtenveld: who is involved and who is still missing."""

    __tablename__ = "stakeholder"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(12))
    involved: Mapped[bool] = mapped_column(Boolean, default=True)
    is_municipality: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(String(300), default="")
    added_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))


class Outcome(db.Model):
    """How an initiative ended: closing the loop."""

    __tablename__ = "outcome"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id", ondelete="CASCADE"), unique=True)
    kind: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str] = mapped_column(Text)
    decided_on: Mapped[date] = mapped_column(Date)
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    reported_by: Mapped[User] = relationship()


class StageChange(db.Model):
    """An initiative moving to its next stage: kept, and the source of the stage credit."""

    __tablename__ = "stage_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id", ondelete="CASCADE"), index=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stage.id", ondelete="CASCADE"))
    moved_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
