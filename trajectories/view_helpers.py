"""Small helpers shared by the trajectory views."""

from __future__ import annotations

from flask import flash
from sqlalchemy import select

from maps.models import Area
from platform_core.extensions import db
from platform_core.validation import ValidationFailed


def areas() -> list[Area]:
    return list(
        db.session.scalars(
            select(Area).where(Area.level.in_(("district", "neighbourhood"))).order_by(Area.level, Area.name)
        )
    )


def first_error(exc: ValidationFailed) -> None:
    for message in exc.errors.values():
        flash(message, "error")
