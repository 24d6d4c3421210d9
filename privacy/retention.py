"""Retention: every kind of record is kept only as long as its declaration says.

:func:`purge` is idempotent and safe to run from cron (daily): a second run in the same minute
finds nothing to do. Inactive accounts are warned by e-mail first and erased only when the
warning has gone unanswered for ``RETENTION_INACTIVE_WARNING_DAYS``.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import and_, delete, func, or_, select, update

from initiatives.models import ContactMessage
from participation.models import Comment, Notification
from platform_core import settings
from platform_core.extensions import db
from platform_core.mail import send_later
from platform_core.models import User, UserRole, utcnow
from platform_core.policy import STAFF_ROLES
from platform_core.urls import public_url
from reports.files import purge as purge_report_files

from .erasure import erase_account
from .models import DataExport


def _days(key: str) -> timedelta:
    return timedelta(days=current_app.config[key])


def purge(now: datetime | None = None, batch: int = 500) -> dict[str, int]:
    now = now or utcnow()
    done: dict[str, int] = {}
    done["contact_messages"] = db.session.execute(
        delete(ContactMessage).where(ContactMessage.created_at < now - _days("RETENTION_CONTACT_DAYS"))
    ).rowcount
    done["anonymous_emails"] = db.session.execute(
        update(Comment)
        .where(
            Comment.author_email.is_not(None),
            Comment.created_at < now - _days("RETENTION_ANONYMOUS_EMAIL_DAYS"),
        )
        .values(author_email=None, notify_replies=False)
    ).rowcount
    done["notifications"] = db.session.execute(
        delete(Notification).where(Notification.created_at < now - _days("RETENTION_NOTIFICATION_DAYS"))
    ).rowcount
    done["data_export_links"] = db.session.execute(
        delete(DataExport).where(DataExport.created_at < now - timedelta(days=1))
    ).rowcount
    done["report_files"] = purge_report_files(now)
    done.update(_inactive_accounts(now, batch))
    done["log_files"] = _old_logs(now)
    return done


def _staff():
    return select(UserRole.user_id).where(UserRole.role.in_(STAFF_ROLES))


def _inactive_accounts(now: datetime, batch: int) -> dict[str, int]:
    last_use = func.coalesce(User.last_login_at, User.created_at)
    idle_since = now - _days("RETENTION_INACTIVE_DAYS")
    base = (
        User.erased_at.is_(None),
        User.is_active_account.is_(True),
        User.id.not_in(_staff()),
    )
    # Warned long enough ago and not back since: erase (contributions stay, without a name).
    due = list(
        db.session.scalars(
            select(User)
            .where(
                *base,
                User.inactivity_warned_at.is_not(None),
                User.inactivity_warned_at < now - _days("RETENTION_INACTIVE_WARNING_DAYS"),
                or_(User.last_login_at.is_(None), User.last_login_at < User.inactivity_warned_at),
            )
            .limit(batch)
        )
    )
    for user in due:
        erase_account(user, user, keep_contributions=True)
    # Never confirmed within the period: the address was perhaps not theirs; nothing to keep.
    unconfirmed = list(
        db.session.scalars(
            select(User)
            .where(
                *base,
                User.email_confirmed_at.is_(None),
                User.created_at < now - _days("RETENTION_UNCONFIRMED_DAYS"),
            )
            .limit(batch)
        )
    )
    for user in unconfirmed:
        erase_account(user, user, keep_contributions=True)
    to_warn = list(
        db.session.scalars(
            select(User)
            .where(
                *base, User.inactivity_warned_at.is_(None), User.email_confirmed_at.is_not(None), last_use < idle_since
            )
            .limit(batch)
        )
    )
    days = current_app.config["RETENTION_INACTIVE_WARNING_DAYS"]
    for user in to_warn:
        user.inactivity_warned_at = now
        with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
            body = _(
                "Beste %(name)s,\n\nU hebt al lange tijd niet ingelogd op %(site)s. Over %(days)s dagen "
                "verwijderen we uw account; wat u openbaar schreef blijft dan staan zonder uw naam.\n\n"
                "Wilt u uw account houden? Log dan in: %(url)s\n\nWilt u eerst uw gegevens downloaden? "
                "Dat kan na het inloggen op de pagina Mijn account.",
                name=user.display_name,
                site=settings.get("site_name"),
                days=days,
                url=public_url("accounts.login"),
            )
            subject = _("Uw account op %(site)s wordt verwijderd", site=settings.get("site_name"))
        send_later(user.email, subject, body)
    db.session.flush()
    return {"accounts_warned": len(to_warn), "accounts_erased": len(due), "unconfirmed_erased": len(unconfirmed)}


def _old_logs(now: datetime) -> int:
    folder = current_app.config.get("LOG_DIR")
    if not folder or not Path(folder).is_dir():
        return 0
    limit = time.time() - current_app.config["RETENTION_LOG_DAYS"] * 86400
    removed = 0
    for path in Path(folder).iterdir():
        if path.is_file() and path.stat().st_mtime < limit:
            path.unlink()
            removed += 1
    return removed


__all__ = ["purge", "and_"]
