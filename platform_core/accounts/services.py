"""Account operations: every change to users goes through here."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..extensions import db
from ..models import ROLES, User, UserRole, utcnow
from ..validation import ValidationFailed

MIN_PASSWORD = 10


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValidationFailed({"email": _("Vul een geldig e-mailadres in.")}) from exc


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def register_user(
    email: str, password: str, display_name: str, consent: bool, roles: tuple[str, ...] = ("resident",)
) -> User:
    errors: dict[str, str] = {}
    try:
        email = normalise_email(email)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if len(password or "") < MIN_PASSWORD:
        errors["password"] = _("Kies een wachtwoord van minstens %(n)s tekens.", n=MIN_PASSWORD)
    display_name = (display_name or "").strip()
    if not display_name or len(display_name) > 80:
        errors["display_name"] = _("Vul een naam in van hoogstens 80 tekens.")
    if not consent:
        errors["consent"] = _("Geef toestemming om uw gegevens te bewaren, anders kunt u geen account maken.")
    unknown = set(roles) - set(ROLES)
    if unknown:
        errors["roles"] = _("Onbekende rol: %(r)s", r=", ".join(sorted(unknown)))
    if "email" not in errors and find_user(email):
        errors["email"] = _("Er is al een account met dit e-mailadres. Log in of kies een ander adres.")
    if errors:
        raise ValidationFailed(errors)
    user = User(email=email, display_name=display_name, consent_at=utcnow())
    user.set_password(password)
    user.roles = [UserRole(role=r) for r in dict.fromkeys(roles)]
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    user = find_user(email or "")
    if user and user.is_active and user.check_password(password or ""):
        return user
    return None


def grant_role(user: User, role: str) -> None:
    if role not in ROLES:
        raise ValidationFailed({"role": _("Onbekende rol: %(r)s", r=role)})
    if role not in user.role_names:
        user.roles.append(UserRole(role=role))
    db.session.flush()
