"""Bounding-box queries for the treasure map, clustered on the server at low zoom.

Below ``CLUSTER_BELOW_ZOOM`` initiatives come as clusters, one per grid cell about
``map_grid.CELL_PX`` screen pixels wide, read from the grid the write path keeps
(:mod:`initiatives.map_grid`): the cost depends on the cells on the screen, not on how many
initiatives there are. Filters the grid does not know (theme, area, words, recent activity)
aggregate the matching initiatives on the fly. From ``CLUSTER_BELOW_ZOOM`` on, individual
points are returned and the browser clusters them; when a box holds more than
``MAX_POINTS``, the answer is clusters again — never a silently cut list.
"""

from __future__ import annotations

import re

import orjson
from sqlalchemy import Integer, String, any_, bindparam, case, func, literal_column, select
from sqlalchemy.dialects.postgresql import ARRAY

from platform_core.extensions import db
from platform_core.spatial import bbox_filter

from . import activity, map_grid
from .map_grid import cell_size
from .models import Initiative, Theme
from .ranking import newest_matches
from .search import FTS_JOINED, Filters, apply_filters, areas_named

CLUSTER_BELOW_ZOOM = 15
MAX_POINTS = 2000
#: The most cells one clustered answer is read from: a box wider than this many cells at the
#: zoom asked for is clustered at the zoom where it fits (a whole city asked for at zoom 16 gets
#: city-sized clusters, not thousands of tiny ones), and the answer names that zoom.
MAX_CELLS = 1024
#: The most initiatives a filter the grid does not keep (a word, recent activity, a theme and an
#: area at once) is clustered from: the newest this many in the box; the answer says so when
#: more match, and the map tells the reader to zoom in or narrow the filter.
MAP_WINDOW = 500


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


def _in_box(filtered, bbox, wide: bool = False):
    """What ``filtered`` finds in the box. A ``wide`` box (one holding a large share of the map)
    is tested on each row's coordinates, so a read in the order of the newest stops after the
    first matches instead of collecting every row the spatial index has in the box first; the
    marker's point is (lon, lat), so both select the same initiatives."""
    if wide:
        return filtered.where(Initiative.lon.between(bbox[0], bbox[2]) & Initiative.lat.between(bbox[1], bbox[3]))
    return filtered.where(bbox_filter(db.session, Initiative.point, "initiative", "point", bbox))


def _base(bbox, filters: Filters):
    """What the filters find in the box, the box as the spatial index sees it."""
    return _in_box(apply_filters(select().select_from(Initiative), filters), bbox)


#: A box holding at least this share of the published initiatives is "wide" (see ``_base``).
WIDE_SHARE = 0.1


def is_wide(bbox) -> bool:
    everything = map_grid.count_in((-180.0, -90.0, 180.0, 90.0), 0)
    return everything > 0 and map_grid.count_in(bbox, fitting_zoom(bbox, 12)) >= WIDE_SHARE * everything


def point_rows(bbox, filters: Filters, limit: int = MAX_POINTS) -> list:
    stmt = (
        _base(bbox, filters)
        .add_columns(
            Initiative.id,
            Initiative.title,
            Initiative.type,
            Initiative.lon,
            Initiative.lat,
            Initiative.cover_thumb,
            Initiative.budget_spent,
            # An initiative drawn as an area is shown as that area: its outline, for those rows only.
            case((Initiative.geom_type != "POINT", func.ST_AsGeoJSON(Initiative.geom, 6)), else_=None),
        )
        .order_by(Initiative.id)
        .limit(limit + 1)
    )
    return db.session.execute(stmt).all()


def _point_feature(
    id_: int,
    title: str,
    type_: str,
    lon: float,
    lat: float,
    thumb: str | None = None,
    spent: int | None = None,
    shape: str | None = None,
) -> dict:
    # Only what a marker needs; the page of an initiative is /initiatieven/<id>.
    properties = {"id": id_, "title": title, "type": type_}
    if shape:  # drawn as an area: the outline goes with it (the point stays the marker's place)
        properties["shape"] = orjson.loads(shape)
    if thumb:
        properties["thumb"] = thumb
    if spent is not None:  # leefbaarheidsbudget: the map shows what was spent
        properties["spent"] = spent
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
        "properties": properties,
    }


def _cluster_feature(n: int, lon: float, lat: float, bounds: list[float]) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
        "properties": {"cluster": True, "count": n, "bounds": [round(v, 6) for v in bounds]},
    }


def _cell_bounds(gx: int, gy: int, size: float) -> list[float]:
    """A grid cell as [west, south, east, north]: where zooming into its cluster goes."""
    return [gx * size - 180.0, gy * size - 90.0, (gx + 1) * size - 180.0, (gy + 1) * size - 90.0]


_MARKERS = select(Initiative.id, Initiative.title, Initiative.type, Initiative.cover_thumb, Initiative.budget_spent)
# These ids as one bound value: a list expanded into one parameter per id is written into the
# statement at every execution (SQLAlchemy's "post-compile"), which cost more than the read itself.
_MARKERS_OF = {
    "postgresql": _MARKERS.where(
        Initiative.id == any_(bindparam("ids", type_=ARRAY(Integer))), Initiative.visibility == "published"
    ),
    "sqlite": _MARKERS.where(
        Initiative.id.in_(select(literal_column("value")).select_from(func.json_each(bindparam("ids", type_=String)))),
        Initiative.visibility == "published",
    ),
}


def _singles(ids: list[int]) -> dict[int, tuple]:
    """What the markers of these initiatives show, for those still published."""
    if not ids:
        return {}
    connection = db.session.connection()
    dialect = connection.dialect.name
    listed = ids if dialect == "postgresql" else orjson.dumps(ids).decode()
    rows = connection.execute(_MARKERS_OF[dialect], {"ids": listed})
    return {i: (t, ty, th, sp) for i, t, ty, th, sp in rows}


def _collection(features: list[dict], clustered: bool, cell_zoom: int | None = None) -> dict:
    out = {"type": "FeatureCollection", "features": features, "clustered": clustered, "truncated": False}
    if cell_zoom is not None:
        out["cell_zoom"] = cell_zoom  # the zoom whose grid cells the clusters are
    return out


def fitting_zoom(bbox, zoom: int) -> int:
    """``zoom``, or the highest zoom below it at which the box spans at most ``MAX_CELLS`` cells."""
    while zoom > 0:
        size = cell_size(zoom)
        columns = int((bbox[2] + 180.0) / size) - int((bbox[0] + 180.0) / size) + 1
        rows = int((bbox[3] + 90.0) / size) - int((bbox[1] + 90.0) / size) + 1
        if columns * rows <= MAX_CELLS:
            break
        zoom -= 1
    return zoom


def grid_features(bbox, zoom: int, filters: Filters, facet: str = map_grid.EVERYTHING) -> dict:
    """Clusters from the kept grid: one row per non-empty cell on the screen."""
    rows = map_grid.cells(bbox, zoom, filters.types, facet)
    titles = _singles([int(r[5]) for r in rows if r[2] == 1])
    size = cell_size(zoom)
    feats = []
    for gx, gy, n, sx, sy, sid in rows:
        lon, lat = sx / n, sy / n
        if n == 1 and int(sid) in titles:
            title, type_, thumb, spent = titles[int(sid)]
            feats.append(_point_feature(int(sid), title, type_, lon, lat, thumb, spent))
        else:
            feats.append(_cluster_feature(int(n), lon, lat, _cell_bounds(gx, gy, size)))
    return _collection(feats, True, zoom)


def live_features(bbox, zoom: int, filters: Filters) -> dict:
    """Clusters of the initiatives matching filters the grid does not keep (a word, recent
    activity, a theme and an area at once): at most the newest ``MAP_WINDOW`` of them in the box,
    clustered here, and the answer says when there were more (``truncated``, ``window``)."""
    filtered = apply_filters(select().select_from(Initiative), filters)
    wide = _in_box(filtered, bbox, wide=True)

    def elsewhere():
        # SQLite's full-text index hands its matches over newest first whatever the box: each is
        # tested on its coordinates, no need to weigh the box against the spatial index (two grid
        # reads); nor when PostgreSQL found enough among the newest (it never gets here)
        if wide.get_execution_options().get(FTS_JOINED) or is_wide(bbox):
            return wide
        return _in_box(filtered, bbox)

    rows, more = newest_matches(wide, (Initiative.id, Initiative.lon, Initiative.lat), MAP_WINDOW, elsewhere)
    size = cell_size(zoom)
    groups: dict[tuple[int, int], list] = {}
    for id_, lon, lat in rows:
        key = (int((lon + 180.0) / size), int((lat + 90.0) / size))  # map_grid.cell_of, inlined
        group = groups.get(key)
        if group is None:
            groups[key] = [1, lon, lat, id_]
        else:
            group[0] += 1
            group[1] += lon
            group[2] += lat
            group[3] = id_ if id_ < group[3] else group[3]
    titles = _singles([g[3] for g in groups.values() if g[0] == 1])
    feats = []
    for (gx, gy), (n, sx, sy, min_id) in groups.items():
        if n == 1:
            if min_id in titles:  # hidden since it was read: left out
                title, type_, thumb, spent = titles[min_id]
                feats.append(_point_feature(min_id, title, type_, sx, sy, thumb, spent))
        else:  # zooming into a cluster shows its cell, as for the grid's clusters
            feats.append(_cluster_feature(n, sx / n, sy / n, _cell_bounds(gx, gy, size)))
    out = _collection(feats, True, zoom)
    if more:
        out.update(truncated=True, window=MAP_WINDOW)
    return out


def facet_of(filters: Filters) -> str | tuple[str, ...] | None:
    """The grid's facet that holds exactly what these filters ask for (``''``: the whole map; the
    days of the period for recent activity), or None when the grid does not keep it (a word, or two
    of theme, area and activity at once)."""
    if filters.q or sum(map(bool, (filters.theme, filters.area, filters.active_days))) > 1:
        return None
    if filters.active_days:
        return activity.facets(filters.active_days)
    if filters.theme:  # slugs are unique; no such theme: nothing, as the list says
        return f"t{db.session.scalar(select(Theme.id).where(Theme.slug == filters.theme)) or -1}"
    if filters.area:
        # a<id> holds what is in that area or in an area directly under it: what area_ids finds
        areas = areas_named(filters.area)
        if not areas:
            return "a-1"  # no such area: nothing, as the list says
        return f"a{areas[0].id}" if len(areas) == 1 else None
    return map_grid.EVERYTHING


def map_features(bbox, zoom: int, filters: Filters) -> dict:
    grid_zoom = fitting_zoom(bbox, min(zoom, max(map_grid.GRID_ZOOMS)))
    facet = facet_of(filters)
    if facet is not None and facet != map_grid.EVERYTHING:
        grid_zoom = min(grid_zoom, max(map_grid.FACET_ZOOMS))
    if zoom < CLUSTER_BELOW_ZOOM:
        return (
            grid_features(bbox, grid_zoom, filters, facet)
            if facet is not None
            else live_features(bbox, grid_zoom, filters)
        )
    if facet is not None and map_grid.count_in(bbox, grid_zoom, filters.types, facet) > MAX_POINTS:
        return grid_features(bbox, grid_zoom, filters, facet)
    rows = point_rows(bbox, filters)
    if len(rows) > MAX_POINTS:
        return live_features(bbox, grid_zoom, filters)
    return _collection([_point_feature(*r) for r in rows], False)
