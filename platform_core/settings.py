"""The municipality's own settings, changed by an administrator without code: name, logo,
colours (as design tokens), privacy contacts, e-mail sender, labels and explanations of the
initiative types. Read once per request; the environment's values are the defaults.

Colours are refused when white text on them (the header) or them as link colour on the page
background would fall below WCAG AA contrast (4.5:1), so no setting can make the site
inaccessible. Automated installs load the same settings from a JSON file (``flask settings load``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import current_app, g, has_app_context
from flask_babel import gettext as _
from sqlalchemy import String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from .codes import current
from .extensions import db
from .policy import require
from .transaction import rollback
from .validation import ValidationFailed

HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
PAGE_BACKGROUND = "#fbfaf7"

# key -> the app.config key it defaults to (or a literal default).
KEYS: dict[str, tuple[str | None, str]] = {
    "site_name": (None, "Schatkaart"),
    "colour_primary": (None, "#5b3c88"),
    "colour_link": (None, "#3f2761"),
    "logo": (None, ""),
    "privacy_contact": ("PRIVACY_CONTACT", ""),
    "privacy_controller": ("PRIVACY_CONTROLLER", ""),
    "privacy_controller_address": ("PRIVACY_CONTROLLER_ADDRESS", ""),
    "dpo_name": ("PRIVACY_DPO_NAME", ""),
    "dpo_contact": ("PRIVACY_DPO_CONTACT", ""),
    "mail_sender": ("MAIL_SENDER", ""),
    # what the municipality promises and publishes, set in Beheer (the environment gives defaults)
    "response_norm_days": ("RESPONSE_NORM_DAYS", "5"),
    "security_contact": ("SECURITY_CONTACT", ""),
    "privacy_statement_version": ("PRIVACY_STATEMENT_VERSION", "2026-11"),
    # The right to challenge (challenges.terms): who, criteria, terms in working days, public or not.
    "challenge_who": ("CHALLENGE_WHO", "individual,group,organisation"),
    "challenge_criteria": ("CHALLENGE_CRITERIA", ""),
    "challenge_criteria_en": ("CHALLENGE_CRITERIA_EN", ""),  # the same, in English, line for line
    "challenge_ack_days": ("CHALLENGE_ACK_DAYS", "10"),
    "challenge_decision_days": ("CHALLENGE_DECISION_DAYS", "40"),
    "challenge_public": ("CHALLENGE_PUBLIC", "1"),
    # The accessibility statement (/toegankelijkheid): status A-D as DigiToegankelijk names them,
    # the day it was drawn up, what does not work yet (one per line, English line for line), and
    # where the independent research can be read. Empty limitations: the product's own list.
    "accessibility_status": (None, "B"),
    "accessibility_date": (None, ""),
    "accessibility_limitations": (None, ""),
    "accessibility_limitations_en": (None, ""),
    "accessibility_report_url": (None, ""),
}
ACCESSIBILITY_STATUSES = ("A", "B", "C", "D")
# Settings that are a list, one item per line: (most lines, longest line), and their English twin.
LINE_LISTS = {
    "challenge_criteria": (10, 200),
    "challenge_criteria_en": (10, 200),
    "accessibility_limitations": (12, 300),
    "accessibility_limitations_en": (12, 300),
}
CHALLENGE_WHO = ("individual", "group", "organisation")
LABEL_KEY = re.compile(r"^(type|type_explanation)\.[a-z_]+\.(nl|en)$")


class SiteSetting(db.Model):
    __tablename__ = "site_setting"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


def _all() -> dict[str, str]:
    if not has_app_context():
        return {}
    if "site_settings" not in g:
        try:
            g.site_settings = dict(db.session.execute(select(SiteSetting.key, SiteSetting.value)).all())
        except Exception:
            rollback()
            g.site_settings = {}
    return g.site_settings


#: defaults worked out from what is installed (the municipality's name), registered by the
#: packages that know it (schatkaart/wiring.py); used when neither Beheer nor the environment set one
DERIVED: dict[str, Callable[[], str]] = {}


def get(key: str) -> str:
    stored = _all().get(key)
    if stored:
        return stored
    return default(key)


def default(key: str) -> str:
    """What ``key`` is when Beheer has not set it: the environment's value, else one worked out
    from what is installed, else the product's own."""
    config_key, product = KEYS.get(key, (None, ""))
    if config_key and has_app_context() and current_app.config.get(config_key):
        return current_app.config[config_key]
    if key in DERIVED and has_app_context():
        return DERIVED[key]() or product
    return product


#: what this installation is: "demo" (made by ``flask demo seed`` on a database without accounts)
#: or "real" (its first administrator made by ``flask users first-admin``). Demo data is only ever
#: added to a demo: it brings staff with a published password.
INSTALLATION = "installation"


def stored(key: str) -> str | None:
    """A value the platform keeps for itself (not one an administrator sets)."""
    return _all().get(key)


def store(key: str, value: str) -> None:
    row = db.session.get(SiteSetting, key)
    if row is None:
        db.session.add(SiteSetting(key=key, value=value))
    else:
        row.value = value
    db.session.flush()
    if has_app_context():
        g.pop("site_settings", None)


def label(key: str) -> str | None:
    """An administrator's wording for a type label or explanation (``type.self_management.nl``)."""
    return _all().get(key) or None


def _luminance(colour: str) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, gr, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(gr) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def validate(values: dict[str, str]) -> dict[str, str]:
    errors: dict[str, str] = {}
    clean: dict[str, str] = {}
    for key, value in values.items():
        value = (value or "").strip()
        if key not in KEYS and not LABEL_KEY.match(key):
            continue
        if LABEL_KEY.match(key):  # a file written before the codes were English: type.zelfbeheer.nl
            kind, code, lang = key.split(".")
            key = f"{kind}.{current('type', code)}.{lang}"
        elif value and value == default(key).strip():
            # the default, left as the form showed it: nothing is stored, so the default keeps
            # following the environment (and an operator's default is never refused here)
            clean[key] = ""
            continue
        if key in ("colour_primary", "colour_link") and value:
            if not HEX.match(value):
                errors[key] = _("Vul een kleur in als #RRGGBB, bijvoorbeeld #1f5fa8.")
                continue
            against = "#ffffff" if key == "colour_primary" else PAGE_BACKGROUND
            ratio = contrast(value, against)
            if ratio < 4.5:
                errors[key] = _(
                    "Deze kleur heeft te weinig contrast (%(r)s:1, minstens 4,5:1 nodig). Kies een donkerdere kleur.",
                    r=f"{ratio:.1f}",
                )
                continue
        days = key in ("challenge_ack_days", "challenge_decision_days")
        if days and value and (not value.isdigit() or not 1 <= int(value) <= 260):
            errors[key] = _("Vul een aantal werkdagen in van 1 tot en met 260.")
            continue
        if key == "challenge_who" and value:
            chosen = [current("challenger", code.strip().lower()) for code in value.split(",") if code.strip()]
            if not chosen or any(code not in CHALLENGE_WHO for code in chosen):
                errors[key] = _("Kies wie mag uitdagen: inwoners, groepen en/of organisaties.")
                continue
            value = ",".join(chosen)
        if key == "challenge_public" and value not in ("", "0", "1"):
            errors[key] = _("Kies of uitdagingen openbaar zijn.")
            continue
        if key in LINE_LISTS and key.endswith("_en") and value:
            dutch = values.get(key[:-3], get(key[:-3])) or ""
            count = len([line for line in dutch.splitlines() if line.strip()])
            if len([line for line in value.splitlines() if line.strip()]) != count:
                errors[key] = _("Geef evenveel Engelse als Nederlandse regels, in dezelfde volgorde.")
                continue
        if key in LINE_LISTS and value:
            most, longest = LINE_LISTS[key]
            lines = [line.strip() for line in value.splitlines() if line.strip()]
            if len(lines) > most or any(len(line) > longest for line in lines):
                errors[key] = _(
                    "Geef hoogstens %(n)s regels, één per regel, elk hoogstens %(c)s tekens.", n=most, c=longest
                )
                continue
            value = "\n".join(lines)
        if key == "accessibility_status" and value not in ("", *ACCESSIBILITY_STATUSES):
            errors[key] = _("Kies een status: A, B, C of D.")
            continue
        if key == "accessibility_date" and value and not _is_day(value):
            errors[key] = _("Vul een datum in als 2027-01-31, niet later dan vandaag.")
            continue
        if key == "accessibility_report_url" and value and not re.fullmatch(r"https://[^\s<>\"']+", value):
            errors[key] = _("Vul een https-link in, of laat het leeg.")
            continue
        multiline = key in (*LINE_LISTS, "privacy_controller_address") or key.startswith("type_explanation.")
        if not multiline and any(ch in value for ch in "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"):
            errors[key] = _("Gebruik één regel: een regelovergang hoort hier niet.")
            continue
        if key == "mail_sender" and value and not _valid_sender(value):
            errors[key] = _("Vul een afzender in als naam@gemeente.nl of als Naam <naam@gemeente.nl>.")
            continue
        if key == "response_norm_days" and value and (not value.isdigit() or not 1 <= int(value) <= 60):
            errors[key] = _("Vul een aantal werkdagen in van 1 tot en met 60.")
            continue
        if (
            key == "security_contact"
            and value
            and not re.fullmatch(r"(mailto:[^@\s]+@[^@\s]+\.[a-z]{2,}|https://\S+)", value)
        ):
            errors[key] = _("Vul een adres in als mailto:security@gemeente.nl of een https-link.")
            continue
        if key == "privacy_statement_version" and value and not re.fullmatch(r"[\w.-]{1,20}", value):
            errors[key] = _("Een versie als 2027-01: letters, cijfers, punt en streepje, hoogstens 20 tekens.")
            continue
        if key == "site_name" and len(value) > 60:
            errors[key] = _("Houd de naam kort: hoogstens 60 tekens.")
            continue
        if len(value) > 1000:
            errors[key] = _("Dit is te lang: hoogstens 1000 tekens.")
            continue
        clean[key] = value
    if errors:
        raise ValidationFailed(errors)
    return clean


def _is_day(value: str) -> bool:
    from datetime import date

    try:
        day = date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10 and day <= date.today()


def lines(key: str) -> list[str]:
    """A one-per-line setting as a list, in the reader's language: the English twin
    (``<key>_en``) when the page is English and it was given line for line, else the Dutch."""
    from .i18n import language

    dutch = [line.strip() for line in get(key).splitlines() if line.strip()]
    if language() == "en":
        english = [line.strip() for line in get(f"{key}_en").splitlines() if line.strip()]
        if len(english) == len(dutch):
            return english
    return dutch


def _valid_sender(value: str) -> bool:
    """One mailbox, as a mail header takes it: an address, optionally with a display name."""
    from email.utils import parseaddr

    from email_validator import EmailNotValidError, validate_email

    name, address = parseaddr(value)
    if not address or value.count("@") != 1 or any(ch in name for ch in '<>"'):
        return False
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def save(admin: object, values: dict[str, str]) -> None:
    require(admin, "administer")
    for key, value in validate(values).items():
        row = db.session.get(SiteSetting, key)
        if not value:
            if row is not None:
                db.session.delete(row)
            continue
        if row is None:
            db.session.add(SiteSetting(key=key, value=value))
        else:
            row.value = value
    db.session.flush()
    g.pop("site_settings", None)


def tokens() -> dict[str, str]:
    """Design tokens for this municipality, written into the page as CSS custom properties.

    The pages are built from NL Design System components (static/vendor/nlds), themed by the
    neutral example theme; the municipality's two colours from Beheer become that theme's
    accent and action tokens, so buttons, links, the header, map outlines and charts all
    take them. Both colours are checked for contrast when saved (``validate``): the primary
    against white text, the link colour against the page.
    """
    primary, link = get("colour_primary"), get("colour_link")
    return {
        "--accent": primary,
        "--accent-dark": link,
        "--basis-text-font-family-default": "system-ui, Segoe UI, Roboto, sans-serif",
        "--basis-color-default-bg-document": PAGE_BACKGROUND,
        # the example theme leaves these to the page; ours are the theme's own typeface
        "--utrecht-document-font-family": "var(--basis-text-font-family-default)",
        "--utrecht-heading-font-family": "var(--basis-text-font-family-default)",
        "--utrecht-form-control-font-family": "var(--basis-text-font-family-default)",
        "--utrecht-form-fieldset-legend-font-family": "var(--basis-text-font-family-default)",
        "--basis-color-accent-1-inverse-bg-default": primary,
        "--basis-color-action-1-inverse-bg-default": primary,
        "--basis-color-action-1-inverse-bg-hover": link,
        "--basis-color-action-1-inverse-bg-active": link,
        "--basis-color-accent-1-color-default": link,
        "--basis-color-accent-1-color-hover": link,
        "--basis-color-accent-1-color-active": link,
        "--basis-color-accent-1-border-default": primary,
        "--basis-color-action-2-color-default": link,
        "--basis-color-action-2-color-hover": link,
        "--basis-color-action-2-color-active": link,
        "--basis-focus-outline-color": "var(--focus-dark)",
        "--basis-focus-outline-style": "solid",
        "--utrecht-page-header-background-color": primary,
        "--utrecht-page-header-color": "#ffffff",
    }


def response_norm_days() -> int:
    """Working days within which the municipality answers an initiative (Beheer; RESPONSE_NORM_DAYS)."""
    value = get("response_norm_days")
    return int(value) if value.isdigit() else 5


def privacy_version() -> str:
    """The privacy statement's version: raising it asks everyone to agree again."""
    return get("privacy_statement_version")
