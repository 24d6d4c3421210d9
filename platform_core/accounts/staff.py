"""The functional administrator's work on people: invite staff by e-mail, give and take roles,
disable and enable accounts. Each change is checked here (``administer``) and reported to the
caller's listeners through ``people_changed`` (the public record keeps who holds which role)."""

from __future__ import annotations

import secrets

from blinker import Namespace
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..extensions import db
from ..models import ROLES, User, UserRole
from ..policy import require
from ..urls import public_url
from ..validation import ValidationFailed
from . import tokens
from .services import _mail_after_commit, _site, find_user, grant_role, register_user, revoke_role, set_active

_signals = Namespace()
#: sender: the User changed; ``actor``: the administrator; ``change``: "role-granted",
#: "role-revoked", "disabled" or "enabled"; ``role`` for role changes. Sent inside the transaction.
people_changed = _signals.signal("people-changed")

STAFF_ROLES = ("civil_servant", "moderator", "council", "admin")


def staff() -> list[User]:
    """Everyone with a role besides resident, by name (a municipality's staff: dozens, not thousands)."""
    ids = select(UserRole.user_id).where(UserRole.role != "resident")
    return list(db.session.scalars(select(User).where(User.id.in_(ids)).order_by(func.lower(User.display_name))))


def invite(admin: User, email: str, name: str, role: str) -> tuple[User, bool]:
    """Give ``role`` to the account with this address, or make one and mail a link to choose a
    password (staff set up their second factor at the first login). Returns (user, made)."""
    require(admin, "administer")
    if role not in STAFF_ROLES:
        raise ValidationFailed({"role": _("Kies een rol.")})
    existing = find_user(email or "")
    if existing is not None:
        change_role(admin, existing, role, True)
        return existing, False
    user, link = account_with_link(email, name, role)
    _mail_after_commit(
        user.email,
        _("Uw account voor %(site)s", site=_site()),
        _(
            "Hallo %(name)s,\n\n%(admin)s heeft een account voor u gemaakt als %(role)s. Kies via deze link "
            "een wachtwoord:\n%(url)s\n\nDe link werkt %(minutes)s minuten en één keer; daarna vraagt u een "
            "nieuwe aan via ‘Wachtwoord vergeten’. Bij de eerste keer inloggen stelt u een authenticator-app "
            "in (een tweede stap bij het inloggen).",
            name=user.display_name,
            admin=admin.display_name,
            role=ROLES[role],
            url=link,
            minutes=current_app.config["RESET_TOKEN_MINUTES"],
        ),
    )
    people_changed.send(user, actor=admin, change="role-granted", role=role)
    return user, True


def account_with_link(email: str, name: str | None, role: str) -> tuple[User, str]:
    """A confirmed account in ``role`` with no usable password, and the one-time link to choose
    one (the password-reset link: it stops working once used). Staff set up their second factor
    at the first login. For an invitation and for the first administrator alike."""
    unusable = secrets.token_urlsafe(32) + "Aa1!"
    user = register_user(email, unusable, name or (email or "").split("@")[0], consent=True, roles=(role,),
                         confirmed=True)  # fmt: skip
    return user, public_url("accounts.reset_password", token=tokens.reset_token(user))


def change_role(admin: User, user: User, role: str, on: bool) -> None:
    require(admin, "administer")
    if role not in ROLES or role == "resident":
        raise ValidationFailed({"role": _("Onbekende rol: %(r)s", r=role)})
    if not on and role == "admin" and _last_admin(user):
        raise ValidationFailed({"role": _("Dit is de laatste beheerder: geef eerst iemand anders de rol beheerder.")})
    if on == (role in user.role_names):
        return
    (grant_role if on else revoke_role)(user, role)
    people_changed.send(user, actor=admin, change="role-granted" if on else "role-revoked", role=role)


def change_active(admin: User, user: User, active: bool) -> None:
    require(admin, "administer")
    if not active and user.id == admin.id:
        raise ValidationFailed({"active": _("U kunt uw eigen account niet uitschakelen.")})
    if not active and "admin" in user.role_names and _last_admin(user):
        raise ValidationFailed({"active": _("Dit is de laatste beheerder: die blijft aan.")})
    if user.is_active_account == active:
        return
    set_active(user, active)
    people_changed.send(user, actor=admin, change="enabled" if active else "disabled")


def _last_admin(user: User) -> bool:
    others = select(func.count()).select_from(UserRole).join(User, User.id == UserRole.user_id)
    others = others.where(UserRole.role == "admin", UserRole.user_id != user.id, User.is_active_account.is_(True))
    return db.session.scalar(others) == 0
