"""Errors that services raise; views turn them into messages next to fields."""

from __future__ import annotations

from flask import g, has_request_context
from flask_babel import gettext as _


class ValidationFailed(Exception):
    """Input was rejected; ``errors`` maps a form field to a plain-Dutch message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors
        if has_request_context():  # whatever the view does next, this request commits nothing
            g.refused = True


class PermissionDenied(Exception):
    """The acting user may not do this; checked in services, not only in templates.

    ``status`` is the answer a request gets: 403, or 404 where the object's existence is private.
    """

    def __init__(self, rule: str = "", status: int = 403):
        super().__init__(rule)
        self.rule = rule
        self.status = status


def apply_errors(form, errors: dict[str, str]) -> None:
    """Attach service errors to WTForms fields (or to the form when no field matches)."""
    for name, message in errors.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]
        else:
            form.form_errors.append(message)


def text_field(value: str | None, field: str, lo: int, hi: int) -> str:
    """A required text between ``lo`` and ``hi`` characters, trimmed; or a Dutch error for ``field``."""
    value = (value or "").strip()
    if len(value) < lo:
        raise ValidationFailed({field: _("Vul dit veld in (minstens %(n)s tekens).", n=lo)})
    if len(value) > hi:
        raise ValidationFailed({field: _("Hoogstens %(n)s tekens (nu %(m)s).", n=hi, m=len(value))})
    return value
