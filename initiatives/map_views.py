"""The treasure map page: folium map + filters + address search, state in the URL."""

from __future__ import annotations

from flask import render_template, request, url_for

from maps.builders import add_outlines, base_map, bounds_of, render_parts
from maps.geocoder import geocode
from maps.services import areas_by_level, current_municipality
from platform_core.policy import public

from . import map_bp as bp
from .models import TYPE_EXPLANATIONS, TYPES
from .search import Filters
from .services import theme_tree


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


@bp.route("/")
@public
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
