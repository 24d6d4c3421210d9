"""Map descriptions for pages: data, never code.

A map is described as plain data (:class:`MapSpec`: view, tiles, layers of GeoJSON and
markers) and written into the page as a JSON block (``<script type="application/json">``,
never executed, escaped for HTML by ``htmlsafe_json_dumps``). Our own ``static/js/map.js``
reads the block, builds the Leaflet map and sets every name, title and tooltip with
``textContent`` or as an attribute value. No text from a person, a civil servant or an
administrator is ever placed inside a template or a script: nothing here renders a template,
so ``{{ 7*7 }}`` in a title stays ``{{ 7*7 }}`` (tests/test_no_code_from_text.py guards this).

Every script and stylesheet points at ``static/vendor`` (installed from the npm registry by the
setup command): a CDN would leak residents' IP addresses.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from flask import current_app, url_for
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape
from shapely.geometry import shape

from platform_core.security import csp_nonce

# the colour is the municipality's own (--accent, static/css/site.css paints .area-outline with it)
OUTLINE_STYLE = {"color": "#5b3c88", "weight": 1.5, "fillOpacity": 0.04, "className": "area-outline"}
AREA_STYLE = {"color": "#b34700", "weight": 3, "fillOpacity": 0.15}


@dataclass
class MapParts:
    """What a page embeds: the stylesheet and Leaflet (header), the map's element (html), the
    map's data and our script (script), and the element's id (name)."""

    header: Markup
    html: Markup
    script: Markup
    name: str
    data: str = ""


@dataclass
class MapSpec:
    """One map as data. ``layers`` are dicts with ``kind`` ``geojson`` (a FeatureCollection,
    a style, and ``label``: the feature property shown as its label, as text) or ``marker`` (a
    point and its title)."""

    name: str
    center: tuple[float, float]
    zoom: int
    bounds: list | None = None
    layers: list[dict] = field(default_factory=list)

    def outlines(self, areas: list, name: str = "Buurten", style: dict | None = None) -> MapSpec:
        """Area outlines with the area's name as tooltip (text) and its code as a property."""
        features = [
            {
                "type": "Feature",
                "properties": {"name": a.name, "code": a.code},
                "geometry": json.loads(a.display_geojson),
            }
            for a in areas
        ]
        if features:
            self.geojson(features, name=name, style=style or OUTLINE_STYLE, label="name")
        return self

    def geojson(self, features: list[dict], name: str, style: dict, label: str | None = None) -> MapSpec:
        self.layers.append(
            {
                "kind": "geojson",
                "name": name,
                "style": style,
                "label": label,
                "data": {"type": "FeatureCollection", "features": features},
            }
        )
        return self

    def marker(self, lat: float, lon: float, title: str) -> MapSpec:
        self.layers.append({"kind": "marker", "lat": lat, "lon": lon, "title": str(title)})
        return self


def base_map(name: str, center: tuple[float, float], zoom: int, bounds: list | None = None) -> MapSpec:
    return MapSpec(name=name, center=(float(center[0]), float(center[1])), zoom=int(zoom), bounds=bounds)


def centre_of(bounds: list) -> tuple[float, float]:
    return ((bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2)


def render_parts(spec: MapSpec, nonce: bool = True) -> MapParts:
    """The map's parts for a page; ``nonce=False`` leaves the scripts bare, for a cached copy
    that gets each page's nonce with :func:`for_page`."""
    data = {
        "center": list(spec.center),
        "zoom": spec.zoom,
        "bounds": spec.bounds,
        "maxZoom": 19,
        "tiles": {"url": current_app.config["TILE_URL"], "attribution": current_app.config["TILE_ATTRIBUTION"]},
        "layers": spec.layers,
    }
    name = str(escape(spec.name))
    leaflet_css = url_for("static", filename="vendor/leaflet/leaflet.css")
    header = Markup(f'<link rel="stylesheet" href="{leaflet_css}">')  # noqa: S704  # nosec B704
    html = Markup(f'<div class="map-canvas" id="{name}" data-map-spec="{name}-data"></div>')  # noqa: S704  # nosec B704
    parts = MapParts(header=header, html=html, script=Markup(""), name=spec.name, data=htmlsafe_json_dumps(data))
    return for_page(parts) if nonce else parts


def for_page(parts: MapParts) -> MapParts:
    """The parts with this page's nonce on every script tag: the map's data as a JSON block
    (never executed; escaped for HTML, so no text can close it), Leaflet and our map.js."""
    nonce = escape(csp_nonce())
    name = escape(parts.name)
    leaflet_js = url_for("static", filename="vendor/leaflet/leaflet.js")
    map_js = url_for("static", filename="js/map.js")
    script = Markup(  # noqa: S704 (the data is JSON escaped for HTML: text in it is never code)  # nosec B704
        f'<script type="application/json" id="{name}-data" nonce="{nonce}">{parts.data}</script>'
        f'<script src="{leaflet_js}" nonce="{nonce}"></script><script src="{map_js}" nonce="{nonce}"></script>'
    )
    return MapParts(parts.header, parts.html, script, parts.name, parts.data)


def bounds_of(display_geojson: str) -> list[list[float]]:
    minx, miny, maxx, maxy = shape(json.loads(display_geojson)).bounds
    return [[miny, minx], [maxy, maxx]]
