"""The municipality held, the buurt a point lies in, population per area."""

from __future__ import annotations

import csv
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import load_only

from platform_core.extensions import db
from platform_core.validation import ValidationFailed

from .models import Area, Municipality


def current_municipality() -> Municipality | None:
    code = current_app.config.get("MUNICIPALITY_CODE")
    stmt = select(Municipality).order_by(Municipality.id)
    if code:
        stmt = stmt.where(Municipality.code == code)
    return db.session.scalar(stmt.limit(1))


def require_municipality() -> Municipality:
    municipality = current_municipality()
    if municipality is None:
        raise ValidationFailed(
            {"location": "Er is nog geen gemeente ingesteld (flask geo import ... --level municipality)."}
        )
    return municipality


def neighbourhood_for(geom) -> Area | None:
    """The buurt containing the point; the nearest one when it falls in a gap between outlines."""
    pt = func.ST_GeomFromText(geom.representative_point().wkt, 4326)
    area = db.session.scalar(
        select(Area).where(Area.level == "neighbourhood", func.ST_Intersects(Area.geom, pt)).order_by(Area.id).limit(1)
    )
    if area is None:
        area = db.session.scalar(
            select(Area).where(Area.level == "neighbourhood").order_by(func.ST_Distance(Area.geom, pt)).limit(1)
        )
    return area


def import_population(path: str | Path) -> tuple[int, list[str]]:
    """CSV with a header ``code,population``; the code of a buurt or wijk."""
    updated, unknown = 0, []
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code = (row.get("code") or "").strip()
            try:
                population = int((row.get("population") or "").strip())
            except ValueError as exc:
                raise ValidationFailed({"file": f"population for {code!r} is not a whole number"}) from exc
            areas = db.session.scalars(
                select(Area).where(Area.code == code, Area.level.in_(("district", "neighbourhood")))
            ).all()
            if not areas:
                unknown.append(code)
            for area in areas:
                area.population = population
                updated += 1
    db.session.flush()
    return updated, unknown


def areas_by_level(level: str, names_only: bool = False) -> list[Area]:
    """Areas of one level by name; the full geometry is never needed here (outlines use display_geojson)."""
    loaded = (Area.id, Area.code, Area.name) if names_only else (Area.id, Area.code, Area.name, Area.display_geojson)
    stmt = select(Area).options(load_only(*loaded)).where(Area.level == level).order_by(Area.name)
    return list(db.session.scalars(stmt))
