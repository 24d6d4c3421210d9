"""The treasure map page: map + filters + address search, state in the URL.

The map's data (tiles, city outline, buurt outlines) does not depend on the request: it is
built once per municipality, boundaries version and language and kept in the process; the
view asked for in the URL (or found by the address search) is handed to the page's script,
which moves the map there. Markers come from the API.
"""

from __future__ import annotations

from flask import render_template, request, url_for

from maps.boundaries import boundaries_version
from maps.builders import MapParts, base_map, bounds_of, centre_of, for_page, render_parts
from maps.geocoder import geocode
from maps.services import areas_by_level, current_municipality
from platform_core.i18n import language
from platform_core.pagecache import for_visitors
from platform_core.policy import public

from . import map_bp as bp
from .models import TYPE_EXPLANATIONS, TYPES
from .pages import filter_panel
from .search import Filters


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


_BUILT: dict[tuple, MapParts] = {}


def map_parts(municipality) -> MapParts:
    """The map's element and data, built once per configuration; a fresh nonce per page."""
    key = (municipality.id, boundaries_version(), language())
    built = _BUILT.get(key)
    if built is None:
        bounds = bounds_of(municipality.area.display_geojson)
        spec = base_map("kaart", centre_of(bounds), 12, bounds).outlines(areas_by_level("neighbourhood"))
        built = render_parts(spec, nonce=False)
        if len(_BUILT) > 16:  # old versions of the boundaries
            _BUILT.clear()
        _BUILT[key] = built
    return for_page(built)


@bp.route("/")
@public
@for_visitors
def treasure_map():
    municipality = current_municipality()
    if municipality is None:
        return render_template("maps/no_municipality.html"), 503
    filters = Filters.from_args(request.args)
    lat, lon, zoom = map_view_state()
    address = (request.args.get("adres") or "").strip()[:100]
    found: list[dict] = []
    choices: list[dict] = []
    if address:
        found, source = geocode(address, municipality.name)
        if source == "bag-suggestions" or (source == "bag" and len(found) > 1):
            choices, found = found, []  # more than one place, or a guess at the spelling: the resident chooses
        elif found:
            # Our own names (PDOK unreachable or unknowing) show their place, said as such.
            zoom = {"bag": 18, "pdok": 17}.get(found[0].get("source"), 15)
            lat, lon = found[0]["lat"], found[0]["lon"]
    parts = map_parts(municipality)
    return render_template(
        "maps/treasure_map.html",
        municipality=municipality,
        parts=parts,
        filters=filters,
        types=TYPES,
        type_explanations=TYPE_EXPLANATIONS,
        filter_panel=filter_panel(filters, "maps.treasure_map"),
        address=address,
        found=found,
        choices=choices,
        suggested=source == "bag-suggestions" if address else False,
        gallery_url=url_for("initiatives.gallery", **_list_args(filters, lat, lon)),
        view={"lat": lat, "lon": lon, "zoom": zoom or 16} if lat is not None and lon is not None else None,
    )


def _list_args(filters: Filters, lat: float | None, lon: float | None) -> dict:
    """The list link keeps the place: a view asked for (an address, a shared link) lists the
    buurt it shows, unless a buurt or wijk was chosen already."""
    args = filters.as_args()
    if lat is not None and lon is not None and not filters.area:
        from shapely.geometry import Point

        from maps.services import neighbourhood_for

        buurt = neighbourhood_for(Point(lon, lat))
        if buurt is not None:
            args["area"] = buurt.code
    return args
