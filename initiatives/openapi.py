"""OpenAPI 3.1 description of the public API."""

from .map_queries import BBOX_PATTERN

_bbox = {
    "name": "bbox",
    "in": "query",
    "required": True,
    "description": "minLon,minLat,maxLon,maxLat in EPSG:4326",
    "schema": {"type": "string", "pattern": BBOX_PATTERN, "example": "5.10,52.08,5.13,52.10"},
}
_filters = [
    {
        "name": "zoom",
        "in": "query",
        "schema": {"type": "integer", "minimum": 0, "maximum": 22, "default": 13},
        "description": "Map zoom; below 15 results are aggregated into clusters on the server.",
    },
    {
        "name": "type",
        "in": "query",
        "schema": {"type": "string"},
        "description": "Comma-separated: participation, self_management, initiative, liveability"
        " (the Dutch codes used until 2026-12 - participatie, zelfbeheer, initiatief, leefbaarheidsinitiatief -"
        " are still understood)",
    },
    {
        "name": "theme",
        "in": "query",
        "schema": {"type": "string"},
        "description": "Theme slug (a main theme includes its sub-themes)",
    },
    {
        "name": "area",
        "in": "query",
        "schema": {"type": "string"},
        "description": "Area code or id (a wijk includes its buurten)",
    },
    {"name": "q", "in": "query", "schema": {"type": "string"}, "description": "Keywords"},
]
_error = {
    "description": "Invalid input",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}

SPEC = {
    "openapi": "3.1.0",
    "info": {
        "title": "Schatkaart API",
        "version": "1.0.0",
        "description": "Initiatives on the treasure map as GeoJSON, and address search.",
    },
    "paths": {
        "/api/initiatives": {
            "get": {
                "summary": "Initiatives inside a bounding box, clustered at low zoom",
                "parameters": [_bbox, *_filters],
                "responses": {
                    "200": {
                        "description": "GeoJSON FeatureCollection",
                        "content": {
                            "application/geo+json": {"schema": {"$ref": "#/components/schemas/FeatureCollection"}}
                        },
                    },
                    "400": _error,
                },
            }
        },
        "/api/initiatives/{id}": {
            "get": {
                "summary": "One initiative as a GeoJSON Feature (point or area)",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "GeoJSON Feature"}, "404": _error},
            }
        },
        "/api/geocode": {
            "get": {
                "summary": "Find an address, postcode, street or neighbourhood",
                "parameters": [
                    {
                        "name": "q",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "string", "pattern": r"\S[\s\S]*\S"},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "Matches with lon/lat; source is bag (addresses held locally), bag-suggestions"
                        " (a street spelled nearly so), pdok, cache or local (neighbourhood and street names)",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/GeocodeResult"}}},
                    },
                    "400": _error,
                    "429": _error,
                },
            }
        },
    },
    "components": {
        "schemas": {
            "Error": {"type": "object", "properties": {"error": {"type": "string"}, "status": {"type": "integer"}}},
            "FeatureCollection": {
                "type": "object",
                "properties": {
                    "type": {"const": "FeatureCollection"},
                    "clustered": {"type": "boolean"},
                    "truncated": {
                        "type": "boolean",
                        "description": "True when more initiatives match a filter the kept grid does not hold (a "
                        "word, a theme with an area) than the clusters are made from: they are the newest "
                        "`window` matches in the box. Zoom in, narrow the filter, or use the list for all of them.",
                    },
                    "window": {
                        "type": "integer",
                        "description": "When truncated: how many of the newest matches the clusters hold.",
                    },
                    "cell_zoom": {
                        "type": "integer",
                        "description": "When clustered: the zoom whose grid cells the clusters are. Lower than the "
                        "zoom asked for when the box would span more than 1,024 cells at it.",
                    },
                    "features": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "geometry": {"type": "object"},
                                "properties": {
                                    "oneOf": [
                                        {
                                            "type": "object",
                                            "required": ["cluster", "count"],
                                            "properties": {
                                                "cluster": {"const": True},
                                                "count": {"type": "integer"},
                                                "bounds": {"type": "array", "items": {"type": "number"}},
                                            },
                                        },
                                        {
                                            "type": "object",
                                            "required": ["id", "title", "type"],
                                            "properties": {
                                                "id": {"type": "integer"},
                                                "title": {"type": "string"},
                                                "type": {"type": "string"},
                                                "thumb": {
                                                    "type": "string",
                                                    "description": "thumbnail, at /initiatieven/fotos/{thumb}",
                                                },
                                                "spent": {
                                                    "type": "integer",
                                                    "description": "euros spent (leefbaarheidsbudget)",
                                                },
                                            },
                                        },
                                    ]
                                },
                            },
                        },
                    },
                },
            },
            "GeocodeResult": {
                "type": "object",
                "properties": {
                    "query": {"type": "string"},
                    "source": {"enum": ["pdok", "cache", "local"]},
                    "results": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "label": {"type": "string"},
                                "type": {"type": "string"},
                                "lon": {"type": "number"},
                                "lat": {"type": "number"},
                                "source": {"type": "string"},
                            },
                        },
                    },
                },
            },
        }
    },
}
