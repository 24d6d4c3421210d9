"""TOTP second factor (RFC 6238) with single-use recovery codes.

Required for the roles in ``TWO_FACTOR_ROLES`` (civil servants, moderators, council members,
administrators by default); any resident may switch it on. A code is accepted once: the last
accepted time step is stored and moved forward with a conditional UPDATE, so two requests with
the same code cannot both pass, on either database.
"""

from __future__ import annotations

import hashlib
import secrets
import time

import pyotp
import segno
from flask import current_app
from sqlalchemy import delete, func, or_, select, update

from ..extensions import db
from ..models import RecoveryCode, User, utcnow
from ..policy import can

STEP = 30
RECOVERY_CODES = 10


def required_for(user: User) -> bool:
    return can("needs_second_factor", user=user)


def new_secret() -> str:
    return pyotp.random_base32()


def qr_data_uri(user: User, secret: str) -> str:
    issuer = current_app.config.get("SITE_NAME", "Schatkaart")
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)
    return segno.make(uri, error="m").svg_data_uri(scale=5, dark="#000", light="#fff")


def _digits(code: str) -> str:
    return "".join(c for c in (code or "") if c.isdigit())


def _matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time step (now, one before or one after, for clock drift) the code belongs to."""
    code = _digits(code)
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    current = int((now or time.time()) // STEP)
    for step in (current, current - 1, current + 1):
        if secrets.compare_digest(totp.at(step * STEP), code):
            return step
    return None


def _hash_recovery(code: str) -> str:
    normalised = "".join(c for c in (code or "").lower() if c.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest()


def new_recovery_codes(user: User) -> list[str]:
    """Replace the person's recovery codes; the plain codes are shown once and never stored."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(alphabet) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash_recovery(c)) for c in codes)
    db.session.flush()
    return codes


def pending_secret(user: User) -> str:
    """The secret being set up, kept on the account (not yet a second factor: no
    ``totp_enabled_at``) so it never travels in the session cookie."""
    if user.totp_enabled_at is None and not user.totp_secret:
        user.totp_secret = new_secret()
        db.session.flush()
    return user.totp_secret


def enable(user: User, secret: str, code: str) -> list[str] | None:
    """Switch TOTP on once the person proves their app holds the secret; returns recovery codes
    (None when the code does not match)."""
    step = _matching_step(secret, code)
    if step is None:
        return None
    user.totp_secret = secret
    user.totp_enabled_at = utcnow()
    user.totp_last_step = step  # the enrolment code cannot log in again
    return new_recovery_codes(user)


def disable(user: User) -> None:
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.flush()


def verify(user: User, code: str) -> bool:
    """A current TOTP code not used before, or an unused recovery code (then used up)."""
    if not user.has_second_factor:
        return False
    step = _matching_step(user.totp_secret, code)
    if step is not None:
        claimed = db.session.execute(
            update(User)
            .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
            .values(totp_last_step=step)
            .execution_options(synchronize_session=False)
        )
        return claimed.rowcount == 1
    used = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash_recovery(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return used.rowcount == 1


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(
        select(func.count()).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )
