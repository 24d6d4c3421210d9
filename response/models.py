"""The municipality's response to an initiative: its official answer (feedback), its role and
place on the participation scale, what it facilitates, and the blockers it escalates."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from initiatives.models import MUNICIPAL_ROLES
from platform_core.extensions import db
from platform_core.models import User, utcnow

ROLES = MUNICIPAL_ROLES  # one table: the municipality's role on an initiative, and per stage
ROLE_SCALE = {
    "regulating": _l("Normerend"),
    "directing": _l("Regisserend"),
    "facilitating": _l("Faciliterend"),
    "taking_part": _l("Deelnemend"),
    "letting_go": _l("Loslatend"),
}
FACILITATION_KINDS = {
    "room": _l("Vergaderruimte"),
    "field_crew": _l("Inzet buitendienst"),
    "budget": _l("Klein eenmalig budget"),
}


class Feedback(db.Model):
    """The municipality's answer on an initiative: visibly official."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    department: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    answers_comment_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    author: Mapped[User] = relationship()


class MunicipalRole(db.Model):
    """The municipality's role for an initiative, overall (stage NULL) or per stage."""

    __tablename__ = "municipal_role"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id", ondelete="CASCADE"), index=True)
    stage_id: Mapped[int | None] = mapped_column(ForeignKey("stage.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(12))
    scale: Mapped[str | None] = mapped_column(String(12))
    set_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Facilitation(db.Model):
    __tablename__ = "facilitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    description: Mapped[str] = mapped_column(String(500))
    amount: Mapped[int | None] = mapped_column(Integer)
    offered_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Blocker(db.Model):
    """A knelpunt, escalated to a named department and tracked until solved."""

    __tablename__ = "blocker"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(String(1000))
    department: Mapped[str] = mapped_column(String(120))
    logged_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    solved_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    solution: Mapped[str | None] = mapped_column(String(1000))
