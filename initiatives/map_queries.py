"""Bounding-box queries for the treasure map, clustered on the server at low zoom.

Below ``CLUSTER_BELOW_ZOOM`` initiatives are aggregated into a grid of cells
about ``CELL_PX`` screen pixels wide; from that zoom on, individual points are
returned and the browser clusters them with Leaflet.markercluster.
"""

from __future__ import annotations

import re

from sqlalchemy import Integer, cast, func, select

from platform_core.extensions import db
from platform_core.spatial import bbox_filter

from .models import Initiative
from .search import Filters, apply_filters

CLUSTER_BELOW_ZOOM = 15
CELL_PX = 80
MAX_POINTS = 5000


class BadRequest(ValueError):
    pass


BBOX_PATTERN = r"^-?\d+(\.\d+)?(,-?\d+(\.\d+)?){3}$"


def parse_bbox(raw: str | None) -> tuple[float, float, float, float]:
    """Four plain decimals; a box beyond the world is cut to it, corners given the wrong way
    round are put right (the answer is the same box), anything else is a 400."""
    if not re.match(BBOX_PATTERN, raw or ""):
        raise BadRequest("bbox moet vier getallen zijn: minLon,minLat,maxLon,maxLat")
    x1, y1, x2, y2 = (float(v) for v in raw.split(","))

    def clamp(value: float, limit: float) -> float:
        return max(-limit, min(limit, value))

    x1, x2 = sorted((clamp(x1, 180), clamp(x2, 180)))
    y1, y2 = sorted((clamp(y1, 90), clamp(y2, 90)))
    return x1, y1, x2, y2


def parse_zoom(raw: str | None) -> int:
    try:
        zoom = int(raw) if raw not in (None, "") else 13
    except ValueError as exc:
        raise BadRequest("zoom moet een geheel getal zijn") from exc
    if not 0 <= zoom <= 22:
        raise BadRequest("zoom moet tussen 0 en 22 liggen")
    return zoom


def cell_size(zoom: int) -> float:
    return 360.0 / (256 * 2**zoom) * CELL_PX


def _base(bbox, filters: Filters):  # noqa: ANN001
    where = bbox_filter(db.session, Initiative.point, "initiative", "point", bbox)
    return apply_filters(select().select_from(Initiative).where(where), filters)


def clustered_rows(bbox, zoom: int, filters: Filters) -> list:  # noqa: ANN001
    size = cell_size(zoom)
    gx = cast((Initiative.lon + 180.0) / size, Integer).label("gx")
    gy = cast((Initiative.lat + 90.0) / size, Integer).label("gy")
    stmt = (
        _base(bbox, filters)
        .add_columns(
            gx,
            gy,
            func.count().label("n"),
            func.avg(Initiative.lon),
            func.avg(Initiative.lat),
            func.min(Initiative.id),
            func.min(Initiative.lon),
            func.min(Initiative.lat),
            func.max(Initiative.lon),
            func.max(Initiative.lat),
        )
        .group_by(gx, gy)
    )
    return db.session.execute(stmt).all()


def point_rows(bbox, filters: Filters, limit: int = MAX_POINTS) -> list:  # noqa: ANN001
    stmt = (
        _base(bbox, filters)
        .add_columns(
            Initiative.id, Initiative.title, Initiative.type, Initiative.lon, Initiative.lat, Initiative.cover_thumb
        )
        .order_by(Initiative.id)
        .limit(limit + 1)
    )
    return db.session.execute(stmt).all()


def _point_feature(id_: int, title: str, type_: str, lon: float, lat: float, thumb: str | None = None) -> dict:
    properties = {"id": id_, "title": title, "type": type_, "url": f"/initiatieven/{id_}"}
    if thumb:
        properties["thumb"] = f"/initiatieven/fotos/{thumb}"
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
        "properties": properties,
    }


def map_features(bbox, zoom: int, filters: Filters) -> dict:  # noqa: ANN001
    if zoom >= CLUSTER_BELOW_ZOOM:
        rows = point_rows(bbox, filters)
        truncated = len(rows) > MAX_POINTS
        feats = [_point_feature(*r) for r in rows[:MAX_POINTS]]
        return {"type": "FeatureCollection", "features": feats, "clustered": False, "truncated": truncated}
    rows = clustered_rows(bbox, zoom, filters)
    singles = {r[5]: r for r in rows if r[2] == 1}
    titles = {}
    if singles:
        titles = {
            i: (t, ty, th)
            for i, t, ty, th in db.session.execute(
                select(Initiative.id, Initiative.title, Initiative.type, Initiative.cover_thumb).where(
                    Initiative.id.in_(list(singles))
                )
            )
        }
    feats = []
    for _gx, _gy, n, ax, ay, min_id, x1, y1, x2, y2 in rows:
        if n == 1:
            title, type_, thumb = titles[min_id]
            feats.append(_point_feature(min_id, title, type_, ax, ay, thumb))
        else:
            feats.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [round(ax, 6), round(ay, 6)]},
                    "properties": {"cluster": True, "count": n, "bounds": [x1, y1, x2, y2]},
                }
            )
    return {"type": "FeatureCollection", "features": feats, "clustered": True, "truncated": False}
