"""The treasure map page: folium map + filters + address search, state in the URL."""

from __future__ import annotations

from flask import render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import load_only

from initiatives.models import TYPE_EXPLANATIONS, TYPES
from initiatives.search import Filters
from initiatives.services import theme_tree
from platform_core.extensions import db

from . import bp
from .builders import add_outlines, base_map, bounds_of, render_parts
from .geocoder import geocode
from .models import Area
from .services import current_municipality


def _float_arg(name: str, lo: float, hi: float) -> float | None:
    try:
        value = float(request.args.get(name, ""))
    except ValueError:
        return None
    return value if lo <= value <= hi else None


def map_view_state() -> tuple[float | None, float | None, int | None]:
    lat, lon = _float_arg("lat", -90, 90), _float_arg("lon", -180, 180)
    z = _float_arg("z", 0, 19)
    return lat, lon, int(z) if z is not None else None


def areas_by_level(level: str, names_only: bool = False) -> list[Area]:
    """Areas of one level by name; the full geometry is never needed here (outlines use display_geojson)."""
    loaded = (Area.id, Area.code, Area.name) if names_only else (Area.id, Area.code, Area.name, Area.display_geojson)
    stmt = select(Area).options(load_only(*loaded)).where(Area.level == level).order_by(Area.name)
    return list(db.session.scalars(stmt))


@bp.route("/")
def treasure_map():
    municipality = current_municipality()
    if municipality is None:
        return render_template("maps/no_municipality.html"), 503
    filters = Filters.from_args(request.args)
    lat, lon, zoom = map_view_state()
    address = (request.args.get("adres") or "").strip()[:100]
    found: list[dict] = []
    if address:
        found, _source = geocode(address, municipality.name)
        if found:
            lat, lon, zoom = found[0]["lat"], found[0]["lon"], 17
    bounds = bounds_of(municipality.area.display_geojson)
    if lat is None or lon is None:
        m = base_map(((bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2), 12, bounds)
    else:
        m = base_map((lat, lon), zoom or 16)
    add_outlines(m, areas_by_level("buurt"))
    parts = render_parts(m)
    return render_template(
        "maps/treasure_map.html",
        municipality=municipality,
        parts=parts,
        filters=filters,
        types=TYPES,
        type_explanations=TYPE_EXPLANATIONS,
        themes=theme_tree(),
        wijken=areas_by_level("wijk", names_only=True),
        buurten=areas_by_level("buurt", names_only=True),
        address=address,
        found=found,
        gallery_url=url_for("initiatives.gallery", **filters.as_args()),
    )
