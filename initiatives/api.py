"""The public JSON/GeoJSON API: initiatives in a bbox, one initiative, geocoding."""

from __future__ import annotations

import copy

import orjson
from flask import Response, abort, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from geoalchemy2.shape import to_shape

from maps.builders import bounds_of
from maps.geocoder import geocode
from maps.geometry import to_geojson
from maps.services import current_municipality
from platform_core.extensions import limiter
from platform_core.pagecache import for_everyone, for_visitors
from platform_core.policy import find, public, published
from platform_core.timelimit import TooSlow, at_most
from platform_core.transaction import rollback

from . import api_bp
from .map_queries import BadRequest, map_features, parse_bbox, parse_zoom
from .models import TYPES, Initiative
from .openapi import SPEC
from .search import Filters


@api_bp.get("/initiatives")
@public
@limiter.limit("600/minute")
@for_everyone
def initiatives():
    try:
        for name in ("bbox", "zoom"):
            if len(request.args.getlist(name)) > 1:
                raise BadRequest(f"give {name} once")
        bbox = parse_bbox(request.args.get("bbox"))
        zoom = parse_zoom(request.args.get("zoom"))
    except BadRequest as exc:
        return jsonify({"error": str(exc), "status": 400}), 400
    # orjson: the GeoJSON for a neighbourhood holds ~1,000 features; the standard json
    # module spent longer on them than the database did (see BENCHMARKS.md).
    try:
        with at_most(current_app.config["SEARCH_SECONDS"]):
            body = orjson.dumps(map_features(bbox, zoom, Filters.from_args(request.args)))
    except TooSlow:
        rollback()
        message = _("Deze zoekvraag kost te veel tijd. Kies een kleiner gebied, een buurt of een thema erbij.")
        return jsonify({"error": message, "status": 503}), 503, {"Retry-After": "5"}
    return Response(body, mimetype="application/geo+json")


@api_bp.get("/initiatives/<int:initiative_id>")
@public
@for_everyone
def initiative(initiative_id: int):
    item = find(Initiative, initiative_id)
    if item is None or not published(item):  # the API shows what everyone may see
        abort(404)
    return jsonify(
        {
            "type": "Feature",
            "geometry": to_geojson(to_shape(item.geom)),
            "properties": {
                "id": item.id,
                "title": item.title,
                "summary": item.summary,
                "type": item.type,
                "type_label": str(TYPES[item.type]),
                "status": item.status,
                "themes": [t.slug for t in item.themes],
                "area": item.area.name if item.area else None,
                "area_code": item.area.code if item.area else None,
                "budget": {
                    "requested": item.budget_requested,
                    "granted": item.budget_granted,
                    "spent": item.budget_spent,
                },
                "links": [{"kind": link.kind, "url": link.url} for link in item.links],
                "created_at": item.created_at.isoformat(),
                "url": f"/initiatieven/{item.id}",
            },
        }
    )


@api_bp.get("/geocode")
@public
@limiter.limit("60/minute")
def geocode_view():
    q = (request.args.get("q") or "").strip()
    if len(q) < 2:
        return jsonify({"error": "Typ minstens twee tekens.", "status": 400}), 400
    municipality = current_municipality()
    results, source = geocode(q, municipality.name if municipality else None)
    return jsonify({"query": q, "source": source, "results": results})


@api_bp.get("/openapi.json")
@public
@for_everyone
def openapi():
    return jsonify(_spec())


@api_bp.get("/docs")
@public
@for_visitors
def docs():
    """The API described for people: every path, its parameters and answers, from the same
    OpenAPI description the machines read (rendered here: no script, no CDN)."""
    return render_template("initiatives/api_docs.html", spec=_spec())


def _spec() -> dict:
    """The description, with an example bounding box in this municipality (not a fixed city)."""
    spec = copy.deepcopy(SPEC)
    municipality = current_municipality()
    if municipality is not None:
        (south, west), (north, east) = bounds_of(municipality.area.display_geojson)
        x, y = (west + east) / 2, (south + north) / 2
        example = f"{x - 0.015:.2f},{y - 0.01:.2f},{x + 0.015:.2f},{y + 0.01:.2f}"
        for path in spec["paths"].values():
            for operation in path.values():
                for parameter in operation.get("parameters", []):
                    if parameter.get("name") == "bbox":
                        parameter["schema"]["example"] = example
    return spec
