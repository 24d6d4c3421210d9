"""folium map builders; their parts are embedded in our own templates.

Every script and stylesheet points at ``static/vendor`` (installed from the npm
registry by the setup command): a CDN would leak residents' IP addresses.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass

import folium
from flask import current_app, url_for
from markupsafe import Markup
from shapely.geometry import shape

from platform_core.security import with_nonce

OUTLINE_STYLE = {"color": "#5b3c88", "weight": 1.5, "fillOpacity": 0.04}
# folium's full-page header bits that would fight our layout or block zooming (WCAG 1.4.4).
_DROP = re.compile(
    r'<meta name="viewport"[^>]*/>|<meta http-equiv[^>]*/>'
    r"|<style>\s*html, body \{.*?</style>|<style>\s*#map \{.*?</style>",
    re.S,
)


@dataclass
class MapParts:
    header: Markup
    html: Markup
    script: Markup
    name: str


def _vendored(m: folium.Map) -> None:
    m.default_js = [("leaflet", url_for("static", filename="vendor/leaflet/leaflet.js"))]
    m.default_css = [("leaflet_css", url_for("static", filename="vendor/leaflet/leaflet.css"))]


def base_map(center: tuple[float, float], zoom: int, bounds: list | None = None) -> folium.Map:
    m = folium.Map(location=list(center), zoom_start=zoom, tiles=None, control_scale=True, max_zoom=19)
    _vendored(m)
    folium.TileLayer(
        tiles=current_app.config["TILE_URL"],
        attr=current_app.config["TILE_ATTRIBUTION"],
        name="Achtergrondkaart",
        max_zoom=19,
    ).add_to(m)
    if bounds:
        m.fit_bounds(bounds)
    return m


def add_outlines(m: folium.Map, areas: list, name: str = "Buurten") -> None:  # noqa: ANN001
    features = [
        {
            "type": "Feature",
            "properties": {"name": inert_text(a.name), "code": a.code},
            "geometry": json.loads(a.display_geojson),
        }
        for a in areas
    ]
    if features:
        folium.GeoJson(
            {"type": "FeatureCollection", "features": features},
            name=name,
            style_function=lambda _f: OUTLINE_STYLE,
            tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False),
            interactive=True,
        ).add_to(m)


def inert_text(value: object) -> str:
    """User text for a map tooltip: HTML-escaped, and with the characters that mean something in
    a JavaScript template literal (backtick, dollar, backslash) as HTML entities. folium places
    marker tooltips inside a template literal and GeoJSON tooltips into HTML, so this text can run
    in neither, and cannot close a script either; the browser still shows it as typed."""
    text = html.escape(str(value), quote=True)
    return text.replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")


def render_parts(m: folium.Map, nonce: bool = True) -> MapParts:
    """The map's parts for a page; ``nonce=False`` leaves the scripts bare, for a cached copy
    that gets each page's nonce with :func:`for_page`."""
    root = m.get_root()
    root.render()
    header = _DROP.sub("", root.header.render())
    script = f"<script>{root.script.render()}</script>"
    return MapParts(
        header=with_nonce(header) if nonce else Markup(header),  # noqa: S704  # nosec B704
        html=Markup(root.html.render()),  # noqa: S704 (folium output; user text goes through inert_text)  # nosec B704
        script=with_nonce(script) if nonce else Markup(script),  # noqa: S704  # nosec B704
        name=m.get_name(),
    )


def for_page(parts: MapParts) -> MapParts:
    """A cached, bare copy of the parts with this page's nonce on every script."""
    return MapParts(with_nonce(str(parts.header)), parts.html, with_nonce(str(parts.script)), parts.name)


def bounds_of(display_geojson: str) -> list[list[float]]:

    minx, miny, maxx, maxy = shape(json.loads(display_geojson)).bounds
    return [[miny, minx], [maxy, maxx]]
