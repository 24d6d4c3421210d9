"""Signed, expiring tokens for links in mail: confirm an address, reset a password.

Nothing is stored: a token carries the account id and is signed with SECRET_KEY and a purpose
(salt). A reset token also carries a fingerprint of the current password hash and session
version, so it stops working the moment it has been used (or the password changed otherwise).
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..extensions import db
from ..models import User


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"account-{purpose}")


def _fingerprint(user: User) -> str:
    material = f"{user.password_hash}|{user.session_version}|{user.email}".encode()
    return hashlib.sha256(material).hexdigest()[:24]


def confirm_token(user: User) -> str:
    return _serializer("confirm").dumps({"u": user.id, "e": user.email})


def reset_token(user: User) -> str:
    return _serializer("reset").dumps({"u": user.id, "f": _fingerprint(user)})


def _load(purpose: str, token: str, max_age: int) -> dict | None:
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except BadSignature:  # also SignatureExpired
        return None
    return data if isinstance(data, dict) else None


def user_for_confirm(token: str) -> User | None:
    data = _load("confirm", token, current_app.config["CONFIRM_TOKEN_HOURS"] * 3600)
    user = db.session.get(User, data.get("u")) if data and isinstance(data.get("u"), int) else None
    return user if user is not None and user.email == data.get("e") else None


def user_for_reset(token: str) -> User | None:
    data = _load("reset", token, current_app.config["RESET_TOKEN_MINUTES"] * 60)
    user = db.session.get(User, data.get("u")) if data and isinstance(data.get("u"), int) else None
    if user is None or not user.is_active:
        return None
    return user if hmac.compare_digest(_fingerprint(user), str(data.get("f"))) else None
