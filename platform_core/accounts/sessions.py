"""Sessions: who is logged in, for how long, and how every session of a person is ended.

The signed session cookie holds ``<user id>:<session version>``; the loader accepts it only
while the account is active and the version still matches, so raising the version (logout,
new password, new roles, account disabled) ends every copy of every cookie at once. The cookie
also holds when the person logged in and was last seen: past ``SESSION_MAX_HOURS`` or after
``SESSION_IDLE_MINUTES`` without a request the session ends.

Logging in is two steps for people with a second factor: the password step only records a
pending login (``session["pending"]``); :func:`finish_login` runs after the code.
"""

from __future__ import annotations

import time

from flask import Flask, current_app, flash, request, session
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy.orm import joinedload

from ..extensions import db, login_manager
from ..models import User, utcnow
from ..policy import MAX_ID
from .twofactor import required_for

PENDING_SECONDS = 300  # the password step is valid this long for the code step
_SEEN_EVERY = 60  # refresh "last seen" at most once a minute (each refresh rewrites the cookie)


def load_user(user_id: str) -> User | None:
    ident, _sep, version = (user_id or "").partition(":")
    if not ident.isdigit() or not version.isdigit():
        return None  # a cookie from before versions existed, or tampered with
    if int(ident) > MAX_ID:
        return None
    user = db.session.get(User, int(ident), options=[joinedload(User.roles)])  # one statement, roles and all
    if user is None or not user.is_active or user.session_version != int(version):
        return None
    return user


def finish_login(user: User) -> None:
    session.pop("pending", None)
    login_user(user)
    # Retention counts from here: an account in use is never removed as inactive.
    user.last_login_at, user.inactivity_warned_at = utcnow(), None
    now = int(time.time())
    session["auth_at"] = now
    session["seen_at"] = now


def start_pending(user: User, next_url: str, enrol: bool) -> None:
    session["pending"] = {
        "u": user.id,
        "v": user.session_version,
        "at": int(time.time()),
        "next": next_url,
        "enrol": enrol,
    }


def pending_user() -> tuple[User, dict] | None:
    data = session.get("pending")
    if not isinstance(data, dict) or time.time() - data.get("at", 0) > PENDING_SECONDS:
        return None
    user = db.session.get(User, data.get("u")) if isinstance(data.get("u"), int) else None
    if user is None or not user.is_active or user.session_version != data.get("v"):
        return None
    return user, data


def end_session() -> None:
    logout_user()
    for key in ("auth_at", "seen_at", "pending"):
        session.pop(key, None)


def _enforce_timeouts() -> None:
    if request.endpoint == "static" or request.blueprint == "api" or "_user_id" not in session:
        # a stylesheet, a script or the public API is the same for everyone: no account is
        # loaded for it (the session's clock is kept by the pages themselves)
        return
    if current_user.is_authenticated and required_for(current_user) and not current_user.has_second_factor:
        end_session()  # a role that needs a second factor arrived while logged in without one
        flash(_("Voor uw rol is tweestapsverificatie nodig. Log opnieuw in om die in te stellen."), "info")
        return
    now = int(time.time())
    cfg = current_app.config
    auth_at, seen_at = session.get("auth_at", 0), session.get("seen_at", 0)
    if now - auth_at > cfg["SESSION_MAX_HOURS"] * 3600 or now - seen_at > cfg["SESSION_IDLE_MINUTES"] * 60:
        end_session()
        flash(_("U was een tijd niet actief of lang ingelogd; log opnieuw in om verder te gaan."), "info")
        return
    if now - seen_at >= _SEEN_EVERY:
        session["seen_at"] = now


def register_sessions(app: Flask) -> None:
    login_manager.user_loader(load_user)
    app.before_request(_enforce_timeouts)
