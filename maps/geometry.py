"""Geometry validation with Shapely: valid, polygonal where needed, inside the municipality."""

from __future__ import annotations

import json
import threading

from flask_babel import gettext as _
from geoalchemy2.shape import to_shape
from shapely import make_valid
from shapely.geometry import MultiPolygon, Point, Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union
from shapely.prepared import prep
from sqlalchemy.orm import object_session

from platform_core.validation import ValidationFailed

MAX_VERTICES = 500
_cache: dict[tuple, object] = {}
_lock = threading.Lock()


def polygonal(geom: BaseGeometry) -> MultiPolygon | None:
    """Keep only the polygonal parts of a geometry (make_valid may add lines/points)."""
    if geom.is_empty:
        return None
    if isinstance(geom, Polygon):
        return MultiPolygon([geom])
    if isinstance(geom, MultiPolygon):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if isinstance(g, (Polygon, MultiPolygon))]
    polys: list[Polygon] = []
    for p in parts:
        polys.extend(p.geoms if isinstance(p, MultiPolygon) else [p])
    return MultiPolygon(polys) if polys else None


def repair(geom: BaseGeometry) -> tuple[MultiPolygon | None, bool]:
    """Return a valid multipolygon and whether it had to be repaired."""
    if geom.is_valid:
        return polygonal(geom), False
    return polygonal(make_valid(geom)), True


def parse_location(lat: str | float | None, lon: str | float | None, area_geojson: str | None) -> BaseGeometry:
    """Build the initiative's geometry from form input, or say in Dutch what is wrong."""
    if area_geojson and area_geojson.strip():
        try:
            geom = shape(json.loads(area_geojson))
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise ValidationFailed(
                {"location": _("Het getekende gebied kunnen we niet lezen. Teken het opnieuw.")}
            ) from exc
        if not isinstance(geom, (Polygon, MultiPolygon)):
            raise ValidationFailed({"location": _("Een gebied moet een vlak zijn met minstens drie hoeken.")})
        if len(geom.exterior.coords if isinstance(geom, Polygon) else []) > MAX_VERTICES:
            raise ValidationFailed(
                {"location": _("Het gebied heeft te veel hoeken (hoogstens %(n)s).", n=MAX_VERTICES)}
            )
        if geom.is_empty or not geom.is_valid:
            raise ValidationFailed(
                {
                    "location": _(
                        "Het gebied is ongeldig: de randen kruisen elkaar. Teken het opnieuw zonder kruisende lijnen."
                    )
                }
            )
        return geom
    if lat in (None, "") or lon in (None, ""):
        raise ValidationFailed({"location": _("Kies een plek: klik op de kaart of vul een adres in.")})
    try:
        lat_f, lon_f = float(lat), float(lon)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed({"location": _("De coördinaten zijn geen getallen.")}) from exc
    if not (-90 <= lat_f <= 90 and -180 <= lon_f <= 180):
        raise ValidationFailed({"location": _("Deze coördinaten bestaan niet.")})
    return Point(lon_f, lat_f)


def boundary_shape(area) -> object:
    """The municipality's boundary as a prepared Shapely geometry, cached per version and
    database (one process may serve more than one installation: the tests' places do)."""
    session = object_session(area)
    key = (str(session.get_bind().url) if session is not None else "", area.id, area.updated_at)
    with _lock:
        cached = _cache.get(key)
    if cached is None:
        cached = prep(to_shape(area.geom))
        with _lock:
            _cache.clear()
            _cache[key] = cached
    return cached


def outline_as_area(outline: BaseGeometry) -> BaseGeometry:
    """An area's outline (a buurt's) made fit to be an initiative's area: simplified to at most
    ``MAX_VERTICES`` corners and taken in by as much as the simplification may move its edge, plus
    10 cm, so it stays within the outline and so within the municipality (where two boundary files
    disagree by a few centimetres, the slivers are left out). Cutting it with the municipality's
    outline instead would give the shared edge all of the municipality's corners."""
    tolerance = 0.00001  # about a metre
    while True:
        geom = outline.simplify(tolerance, preserve_topology=True).buffer(-(tolerance + 1e-6), join_style="mitre")
        parts = getattr(geom, "geoms", [geom])
        if len(parts) > 1:
            geom = unary_union([p for p in parts if p.area >= 0.01 * geom.area])
        if sum(len(p.exterior.coords) for p in getattr(geom, "geoms", [geom])) <= MAX_VERTICES:
            return geom
        tolerance *= 2


def ensure_inside(geom: BaseGeometry, municipality) -> None:
    if not boundary_shape(municipality.area).contains(geom):
        raise ValidationFailed(
            {
                "location": _(
                    "Deze plek ligt buiten de gemeente %(name)s. Kies een plek binnen de gemeente.",
                    name=municipality.name,
                )
            }
        )


def to_geojson(geom: BaseGeometry, precision: int = 6) -> dict:
    return json.loads(json.dumps(mapping(geom)), parse_float=lambda v: round(float(v), precision))
