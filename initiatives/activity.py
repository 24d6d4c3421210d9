"""Recent activity: when something last happened on an initiative (``last_activity_at``), and the
map's grid kept per day of it (``map_grid``: facet ``d<YYYYMMDD>``, UTC days), so the map filtered
on "active in the last N days" reads kept counts like the unfiltered view.

Every write that is activity on an initiative (a comment, joining, a new status, a stage, the
municipality's answer, an outcome) calls :func:`touch`; an initiative moves to another day's
facet on the first activity of a day, so the grid is written once per initiative per day.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select, update

from platform_core.extensions import db
from platform_core.models import utcnow

from . import map_grid
from .map_grid import day_of
from .models import Initiative

#: The periods the list and the map offer ("actief in de afgelopen N dagen").
PERIODS = (7, 30, 90)


def since(days: int, now: datetime | None = None) -> datetime:
    """The start of the first of the last ``days`` days, today included: what "active in the last
    N days" counts from, on the list and the map alike."""
    today = (now or utcnow()).date()
    return datetime.combine(today - timedelta(days=days - 1), time.min)


def facets(days: int, now: datetime | None = None) -> tuple[str, ...]:
    """The grid's facets that together hold the initiatives active in the last ``days`` days."""
    today = (now or utcnow()).date()
    return tuple(f"d{day_of(today - timedelta(days=n))}" for n in range(days))


def touch(initiative_id: int, now: datetime | None = None) -> None:
    """Something happened on the initiative at ``now``. The row is locked first (PostgreSQL;
    SQLite's writer holds the database), so two first activities of a day at once move it out of
    its old day's facet once."""
    now = now or utcnow()
    row = db.session.execute(
        select(Initiative.last_activity_at, Initiative.visibility, Initiative.type, Initiative.lon, Initiative.lat)
        .where(Initiative.id == initiative_id)
        # FOR NO KEY UPDATE, as the UPDATE below would take: rows referring to the initiative (its
        # comments, pluimen, participations) can still be written beside it
        .with_for_update(key_share=True)
    ).one_or_none()
    if row is None:
        return
    db.session.execute(update(Initiative).where(Initiative.id == initiative_id).values(last_activity_at=now))
    before, after = (day_of(row.last_activity_at) if row.last_activity_at else None), day_of(now)
    if before != after and row.visibility == "published":
        map_grid.move_day(initiative_id, row.type, row.lon, row.lat, before, after)
