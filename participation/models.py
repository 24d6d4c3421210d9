"""What residents do on an initiative, what they hear back, and moderation records."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from initiatives.models import Initiative
from platform_core.extensions import db
from platform_core.models import User, utcnow

TARGETS = ("initiative", "comment")
FOLLOW_TARGETS = ("initiative", "area", "theme")
COMMENT_STATES = ("published", "pending", "hidden", "deleted")
EDIT_WINDOW_MINUTES = 15


class Participation(db.Model):
    """A resident who joined an initiative ("Ik doe mee"), with what they can offer."""

    __tablename__ = "participation"
    __table_args__ = (UniqueConstraint("initiative_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    offer: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    user: Mapped[User] = relationship()
    initiative: Mapped[Initiative] = relationship()


class Need(db.Model):
    """Something the initiative is looking for ("wat we zoeken")."""

    __tablename__ = "need"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(String(500), default="")
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    responses: Mapped[list[NeedResponse]] = relationship(
        back_populates="need", cascade="all, delete-orphan", order_by="NeedResponse.created_at"
    )
    initiative: Mapped[Initiative] = relationship()


class NeedResponse(db.Model):
    """A resident answering a need directly: the match shows on both sides."""

    __tablename__ = "need_response"
    __table_args__ = (UniqueConstraint("need_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    need: Mapped[Need] = relationship(back_populates="responses")
    user: Mapped[User] = relationship()


class Comment(db.Model):
    __tablename__ = "comment"
    # The discussion's pages: top-level comments of one initiative in id order (keyset).
    __table_args__ = (Index("ix_comment_thread", "initiative_id", "parent_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    author_name: Mapped[str] = mapped_column(String(80))
    # Only for visitors without an account who want to hear about replies; never shown.
    author_email: Mapped[str | None] = mapped_column(String(254))
    notify_replies: Mapped[bool] = mapped_column(Boolean, default=False)
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="published", index=True)
    moderation_reason: Mapped[str | None] = mapped_column(String(500))
    pluim_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    edited_at: Mapped[datetime | None] = mapped_column(DateTime)
    # A question addressed to the municipality, and when it was first answered.
    to_municipality: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)

    author: Mapped[User | None] = relationship()
    initiative: Mapped[Initiative] = relationship()
    parent: Mapped[Comment | None] = relationship(remote_side=[id])

    @property
    def is_anonymous(self) -> bool:
        return self.author_id is None


class Pluim(db.Model):
    """Kudos on an initiative or a comment: once per person, withdrawable."""

    __tablename__ = "pluim"
    __table_args__ = (
        UniqueConstraint("user_id", "target_type", "target_id"),
        Index("ix_pluim_target", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    target_type: Mapped[str] = mapped_column(String(12))
    target_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Follow(db.Model):
    __tablename__ = "follow"
    __table_args__ = (UniqueConstraint("user_id", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    target_type: Mapped[str] = mapped_column(String(12), index=True)
    target_id: Mapped[int] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Notification(db.Model):
    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    initiative_id: Mapped[int | None] = mapped_column(ForeignKey("initiative.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(String(400))
    #: whose action the text tells of (their name, their words): erasing them removes the row
    actor_id: Mapped[int | None] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    emailed_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)

    initiative: Mapped[Initiative | None] = relationship()


class Flag(db.Model):
    """Anyone can report a comment or initiative; moderators resolve it."""

    __tablename__ = "flag"

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(12))
    target_id: Mapped[int] = mapped_column(Integer, index=True)
    reason: Mapped[str] = mapped_column(String(500))
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)


class ModerationDecision(db.Model):
    """Every moderation decision is kept: who, when, what and why."""

    __tablename__ = "moderation_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(12))
    target_id: Mapped[int] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(String(500), default="")
    moderator_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    moderator: Mapped[User] = relationship()


class Page(db.Model):
    """Editable texts such as the house rules (huisregels)."""

    __tablename__ = "page"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
