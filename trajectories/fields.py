"""Helpers shared by the trajectory services."""

from __future__ import annotations

from flask_babel import gettext as _

from platform_core.validation import ValidationFailed


def text_field(value: str | None, field: str, lo: int, hi: int) -> str:
    value = (value or "").strip()
    if len(value) < lo:
        raise ValidationFailed({field: _("Vul dit veld in (minstens %(n)s tekens).", n=lo)})
    if len(value) > hi:
        raise ValidationFailed({field: _("Hoogstens %(n)s tekens (nu %(m)s).", n=hi, m=len(value))})
    return value
