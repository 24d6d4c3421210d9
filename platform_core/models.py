"""Accounts: users and their roles."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import BigInteger, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import db

ROLES: dict[str, object] = {
    "resident": _l("bewoner"),
    "ambassador": _l("ambassadeur"),
    "civil_servant": _l("ambtenaar"),
    "moderator": _l("redactie"),
    "council": _l("raadslid"),
    "admin": _l("beheerder"),
}


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(80))
    consent_at: Mapped[datetime] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    is_active_account: Mapped[bool] = mapped_column(default=True)
    # How this person hears back: immediate, daily or weekly digest, or not at all.
    notify_mode: Mapped[str] = mapped_column(String(10), default="daily", server_default="daily")
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_digest_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Proven by the link in the confirmation mail (accounts made by staff start confirmed).
    email_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Part of every session's identity: raising it ends all sessions (logout, new password,
    # new roles, account disabled), so a copied cookie stops working.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # TOTP second factor (RFC 6238). The last accepted time step stops a code being replayed.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(DateTime)
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    # The version of the privacy statement this person last agreed to (asked again when it changes).
    consent_version: Mapped[str | None] = mapped_column(String(20))
    # Retention: when we warned that an unused account will be removed; when it was erased.
    inactivity_warned_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The language this person chose with the switch (nl or en); None: the browser decides.
    locale: Mapped[str | None] = mapped_column(String(5))
    erased_at: Mapped[datetime | None] = mapped_column(DateTime)

    roles: Mapped[list[UserRole]] = relationship(back_populates="user", cascade="all, delete-orphan", lazy="selectin")

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.is_active_account

    def get_id(self) -> str:  # Flask-Login keeps this in the session cookie
        return f"{self.id}:{self.session_version}"

    @property
    def has_second_factor(self) -> bool:
        return self.totp_enabled_at is not None

    @property
    def role_names(self) -> set[str]:
        return {r.role for r in self.roles}

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_names & set(roles))

    def set_password(self, password: str) -> None:
        # scrypt in production; tests set a cheap method (PASSWORD_HASH_METHOD) to stay fast.
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


class UserRole(db.Model):
    __tablename__ = "user_role"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))
    user: Mapped[User] = relationship(back_populates="roles")


class RecoveryCode(db.Model):
    """Single-use codes for when the authenticator app is lost; only their hashes are kept."""

    __tablename__ = "recovery_code"
    __table_args__ = (UniqueConstraint("user_id", "code_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(DateTime)


class Consent(db.Model):
    """A person agreed to the privacy statement of this version, at this moment."""

    __tablename__ = "consent"
    __table_args__ = (UniqueConstraint("user_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    version: Mapped[str] = mapped_column(String(20))
    given_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


def record_consent(user: User) -> None:
    """The person agrees to the current privacy statement (kept with its version)."""
    from . import settings

    version = settings.privacy_version()
    if user.consent_version == version:
        return
    user.consent_version = version
    user.consent_at = utcnow()
    if user.id is None:
        db.session.add(user)
        db.session.flush()
    exists = db.session.query(Consent.id).filter_by(user_id=user.id, version=version).first()
    if exists is None:
        db.session.add(Consent(user_id=user.id, version=version, given_at=user.consent_at))
