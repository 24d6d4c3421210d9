"""Boundary import and point-in-neighbourhood assignment."""

from __future__ import annotations

import csv
import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from geoalchemy2.shape import from_shape
from shapely.geometry import mapping, shape
from sqlalchemy import func, select
from sqlalchemy.orm import load_only

from platform_core import settings
from platform_core.extensions import db
from platform_core.validation import ValidationFailed

from .geometry import repair
from .models import LEVELS, Area, Municipality

CODE_KEYS = (
    "code",
    "KODE",
    "CODE",
    "statcode",
    "buurtcode",
    "wijkcode",
    "gemeentecode",
    "GM_CODE",
    "WK_CODE",
    "BU_CODE",
)
NAME_KEYS = (
    "name",
    "naam",
    "NAAM",
    "NAME",
    "statnaam",
    "buurtnaam",
    "wijknaam",
    "gemeentenaam",
    "GM_NAAM",
    "WK_NAAM",
    "BU_NAAM",
)
PARENT_KEYS = ("parent", "WIJKKODE", "wijkcode", "GEMEENTECODE", "gemeentecode")
DISPLAY_TOLERANCE = 0.00005  # ~5 m: outlines stay recognisable, files stay small


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    repaired: int = 0
    skipped: list[str] = field(default_factory=list)


def _outline_problem(geometry) -> str | None:
    """What keeps a GeoJSON geometry from being an area's outline, said plainly; None when fine.
    An open ring is refused, not closed for the author: it would replace a good outline with a
    guess."""
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        return _("geen vlak maar %(kind)s; een grens is een (multi)polygoon.", kind=kind or _("niets"))
    polygons = geometry.get("coordinates") or []
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    try:
        for polygon in polygons:
            for ring in polygon:
                if len(ring) < 4:
                    return _("een omtrek heeft minder dan drie hoeken.")
                if list(ring[0][:2]) != list(ring[-1][:2]):
                    return _("een omtrek is niet gesloten (het eerste en laatste punt verschillen).")
    except (TypeError, IndexError):
        return _("de coördinaten zijn geen lijst van ringen.")
    return None


def _pick(props: dict, keys: tuple[str, ...], override: str | None) -> str | None:
    if override:
        return None if props.get(override) is None else str(props[override]).strip()
    for key in keys:
        if props.get(key) not in (None, ""):
            return str(props[key]).strip()
    return None


def _display_geojson(geom) -> str:
    # 5 decimals (~1 m) after simplification is plenty for outlines on a map.
    simple = geom.simplify(DISPLAY_TOLERANCE, preserve_topology=True)
    data = json.loads(json.dumps(mapping(simple)), parse_float=lambda v: round(float(v), 5))
    return json.dumps(data, separators=(",", ":"))


def _parent_for(level: str, code_parent: str | None, geom) -> Area | None:
    if level == "municipality":
        return None
    parent_level = "municipality" if level == "district" else "district"
    if code_parent:
        found = db.session.scalar(select(Area).where(Area.level == parent_level, Area.code == code_parent))
        if found:
            return found
    pt = geom.representative_point()
    return db.session.scalar(
        select(Area)
        .where(Area.level == parent_level, func.ST_Intersects(Area.geom, func.ST_GeomFromText(pt.wkt, 4326)))
        .limit(1)
    )


def import_boundaries(
    source: str | Path | dict, level: str, code_field: str | None = None, name_field: str | None = None
) -> ImportReport:
    """Upsert areas of one level from GeoJSON; a gemeente import also sets up the municipality."""
    if level not in LEVELS:
        raise ValidationFailed({"level": _("Kies het niveau: gemeente, wijk of buurt.")})
    data = source if isinstance(source, dict) else json.loads(Path(source).read_text(encoding="utf-8"))
    features = data.get("features") if data.get("type") == "FeatureCollection" else None
    if not features:
        raise ValidationFailed({"file": _("Dit is geen GeoJSON-bestand met vlakken (een FeatureCollection).")})
    if level == "municipality" and len(features) > 1:  # a buurt file read as the municipality's outline
        raise ValidationFailed(
            {"file": _("Een gemeentegrens is één vlak; dit bestand heeft er %(n)s. Is het een wijk- of buurtbestand?",
                       n=len(features))}
        )  # fmt: skip
    report = ImportReport()
    for index, feature in enumerate(features):
        props = feature.get("properties") or {}
        code = _pick(props, CODE_KEYS, code_field)
        name = _pick(props, NAME_KEYS, name_field) or code
        problem = _outline_problem(feature.get("geometry"))
        if problem:
            report.skipped.append(
                _("Vlak %(n)s (%(code)s): %(problem)s", n=index + 1, code=code or "?", problem=problem)
            )
            continue
        try:
            geom = shape(feature["geometry"])
        except (KeyError, TypeError, ValueError, AttributeError):
            report.skipped.append(_("Vlak %(n)s: geen leesbare geometrie.", n=index + 1))
            continue
        if not code:
            report.skipped.append(_("Vlak %(n)s: geen code.", n=index + 1))
            continue
        if len(code) > 20:  # the column's width: a longer code is refused, never cut or crashed on
            report.skipped.append(_("Vlak %(n)s: de code is langer dan 20 tekens.", n=index + 1))
            continue
        geom, was_repaired = repair(geom)
        if geom is None:
            report.skipped.append(_("%(code)s: de geometrie heeft geen oppervlakte.", code=code))
            continue
        report.repaired += was_repaired
        area = db.session.scalar(select(Area).where(Area.level == level, Area.code == code))
        if area is None:
            area = Area(level=level, code=code)
            db.session.add(area)
            report.created += 1
        else:
            report.updated += 1
        area.name = name[:120]
        area.geom = from_shape(geom, srid=4326)
        area.display_geojson = _display_geojson(geom)
        db.session.flush()
        area.parent = _parent_for(level, _pick(props, PARENT_KEYS, None), geom)
        if level == "municipality":
            municipality = db.session.scalar(select(Municipality).where(Municipality.code == code))
            if municipality is None:
                municipality = Municipality(code=code, name=name[:120], area=area)
                db.session.add(municipality)
            municipality.name, municipality.area = name[:120], area
    db.session.flush()
    settings.store(BOUNDARIES_VERSION, secrets.token_hex(8))
    return report


BOUNDARIES_VERSION = "boundaries_version"


def boundaries_version() -> str:
    """Changes whenever boundaries are imported: what pages built from them are cached by."""
    return settings.stored(BOUNDARIES_VERSION) or "0"


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
