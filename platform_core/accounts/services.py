"""Account operations: every change to users goes through here.

Nothing here tells a stranger whether an address has an account: registering a known address
and asking a reset for an unknown one answer exactly like the other case, and do the same
work (a password hash is computed either way, mail leaves after the commit either way).
"""

from __future__ import annotations

from functools import cache

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..mail import send_mail_soon
from ..models import ROLES, User, UserRole, record_consent, utcnow
from ..transaction import after_commit
from ..urls import public_url
from ..validation import ValidationFailed
from . import tokens
from .passwords import password_problem


def normalise_email(email: str) -> str:
    try:
        return validate_email((email or "").strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValidationFailed({"email": _("Vul een geldig e-mailadres in.")}) from exc


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == (email or "").strip().lower()))


def end_sessions(user: User) -> None:
    """Every session of this person stops working (their cookies carry the old version)."""
    user.session_version = (user.session_version or 0) + 1
    db.session.flush()


def _site() -> str:
    """The product's name as this municipality calls it (Beheer → site name), for mails."""
    from .. import settings

    return settings.get("site_name")


def _mail_after_commit(to: str, subject: str, body: str) -> None:
    after_commit(lambda: send_mail_soon(to, subject, body))


def _validate_new_account(email: str, password: str, display_name: str, consent: bool, roles) -> tuple[str, str]:
    errors: dict[str, str] = {}
    try:
        email = normalise_email(email)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    problem = password_problem(password, email, display_name)
    if problem:
        errors["password"] = problem
    display_name = (display_name or "").strip()
    if not display_name or len(display_name) > 80:
        errors["display_name"] = _("Vul een naam in van hoogstens 80 tekens.")
    if not consent:
        errors["consent"] = _("Geef toestemming om uw gegevens te bewaren, anders kunt u geen account maken.")
    unknown = set(roles) - set(ROLES)
    if unknown:
        errors["roles"] = _("Onbekende rol: %(r)s", r=", ".join(sorted(unknown)))
    if errors:
        raise ValidationFailed(errors)
    return email, display_name


def register_user(
    email: str,
    password: str,
    display_name: str,
    consent: bool,
    roles: tuple[str, ...] = ("resident",),
    confirmed: bool = False,
) -> User:
    """Create an account (CLI, demo, administrators). ``confirmed`` when the address is known good."""
    email, display_name = _validate_new_account(email, password, display_name, consent, roles)
    if find_user(email):
        raise ValidationFailed({"email": _("Er is al een account met dit e-mailadres.")})
    now = utcnow()
    user = User(email=email, display_name=display_name, consent_at=now, email_confirmed_at=now if confirmed else None)
    user.set_password(password)
    user.password_changed_at = now
    user.roles = [UserRole(role=r) for r in dict.fromkeys(roles)]
    db.session.add(user)
    db.session.flush()
    record_consent(user)
    return user


def sign_up(email: str, password: str, display_name: str, consent: bool) -> None:
    """Registration from the web: the answer and the work are the same whether or not the
    address already has an account; only the mailbox's owner learns which it was."""
    email, display_name = _validate_new_account(email, password, display_name, consent, ("resident",))
    existing = find_user(email)
    if existing is None:
        user = register_user(email, password, display_name, consent)
        send_confirmation(user)
        return
    _dummy_hash(password)  # the same cost as creating the account
    _mail_after_commit(
        existing.email,
        _("Iemand probeerde een account te maken met uw e-mailadres"),
        _(
            "Iemand (misschien uzelf) probeerde op %(site)s een account te maken met dit "
            "e-mailadres. U hebt al een account.\n\nWachtwoord vergeten? Kies een nieuw: %(url)s\n\n"
            "Was u dit niet? Dan hoeft u niets te doen.",
            site=_site(),
            url=public_url("accounts.forgot_password"),
        ),
    )


def send_confirmation(user: User) -> None:
    url = public_url("accounts.confirm_email", token=tokens.confirm_token(user))
    hours = current_app.config["CONFIRM_TOKEN_HOURS"]
    _mail_after_commit(
        user.email,
        _("Bevestig uw e-mailadres voor %(site)s", site=_site()),
        _(
            "Welkom bij %(site)s, %(name)s!\n\nKlik op deze link om uw e-mailadres te bevestigen; "
            "daarna kunt u inloggen:\n%(url)s\n\nDe link werkt %(hours)s uur. Hebt u geen account "
            "gemaakt? Dan kunt u dit bericht negeren.",
            site=_site(),
            name=user.display_name,
            url=url,
            hours=hours,
        ),
    )


def confirm_email(token: str) -> User | None:
    user = tokens.user_for_confirm(token)
    if user is not None and user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        db.session.flush()
    return user


@cache
def _dummy(method: str) -> str:
    return generate_password_hash("not-a-real-password", method=method)


def _dummy_hash(password: str) -> None:
    """Spend the time a real hash check costs, so timing says nothing about the address."""
    check_password_hash(_dummy(current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")), password or "")


def authenticate(email: str, password: str) -> User | None:
    user = find_user(email or "")
    if user is None:
        _dummy_hash(password)
        return None
    if user.check_password(password or "") and user.is_active:
        return user
    return None


def request_password_reset(email: str) -> None:
    """Mail a reset link when the address has an active account; say nothing either way."""
    user = find_user(email or "")
    if user is None or not user.is_active:
        return
    url = public_url("accounts.reset_password", token=tokens.reset_token(user))
    _mail_after_commit(
        user.email,
        _("Een nieuw wachtwoord voor %(site)s", site=_site()),
        _(
            "Hallo %(name)s,\n\nKies via deze link een nieuw wachtwoord:\n%(url)s\n\nDe link werkt "
            "%(minutes)s minuten en één keer. Hebt u dit niet gevraagd? Dan hoeft u niets te doen; "
            "uw wachtwoord blijft hetzelfde.",
            name=user.display_name,
            url=url,
            minutes=current_app.config["RESET_TOKEN_MINUTES"],
        ),
    )


def _set_password(user: User, password: str) -> None:
    problem = password_problem(password, user.email, user.display_name)
    if problem:
        raise ValidationFailed({"password": problem})
    user.set_password(password)
    user.password_changed_at = utcnow()
    end_sessions(user)
    _mail_after_commit(
        user.email,
        _("Uw wachtwoord voor %(site)s is gewijzigd", site=_site()),
        _(
            "Hallo %(name)s,\n\nUw wachtwoord is zojuist gewijzigd en u bent overal uitgelogd. "
            "Was u dit niet? Kies dan meteen een nieuw wachtwoord: %(url)s",
            name=user.display_name,
            url=public_url("accounts.forgot_password"),
        ),
    )


def reset_password(token: str, password: str) -> User:
    user = tokens.user_for_reset(token)

    def used() -> ValidationFailed:  # made only when raised: making one marks the request refused
        return ValidationFailed({"token": _("Deze link is verlopen of al gebruikt. Vraag een nieuwe aan.")})

    if user is None:
        raise used()
    problem = password_problem(password, user.email, user.display_name)
    if problem:
        raise ValidationFailed({"password": problem})
    # The link is used up by one conditional update: of several requests at once (on any server,
    # on either database) exactly one finds the password and session version it was made for.
    claimed = db.session.execute(
        update(User)
        .where(
            User.id == user.id,
            User.password_hash == user.password_hash,
            User.session_version == user.session_version,
        )
        .values(session_version=User.session_version + 1)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise used()
    db.session.refresh(user)
    _set_password(user, password)
    if user.email_confirmed_at is None:  # the link reached the mailbox: that proves it too
        user.email_confirmed_at = utcnow()
    db.session.flush()
    return user


def change_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current or ""):
        raise ValidationFailed({"current_password": _("Dit is niet uw huidige wachtwoord.")})
    _set_password(user, new)


def grant_role(user: User, role: str) -> None:
    if role not in ROLES:
        raise ValidationFailed({"role": _("Onbekende rol: %(r)s", r=role)})
    if role not in user.role_names:
        user.roles.append(UserRole(role=role))
        end_sessions(user)  # new powers (and a second factor, for staff) from the next login
    db.session.flush()


def revoke_role(user: User, role: str) -> None:
    for row in [r for r in user.roles if r.role == role]:
        user.roles.remove(row)
        end_sessions(user)
    db.session.flush()


def set_active(user: User, active: bool) -> None:
    if user.is_active_account != active:
        user.is_active_account = active
        end_sessions(user)
    db.session.flush()
