"""The treasure map's grid: per zoom level, how many published initiatives lie in each cell.

A cell is ``CELL_PX`` screen pixels wide at its zoom level. Every write that puts an
initiative on the map, takes it off, moves it or changes its themes or buurt changes one row
per zoom level and facet with one prepared statement (O(1) per write, whatever the number of
initiatives), so a clustered view reads at most the cells on the screen. Rows are changed with
the whole map's rows first, in zoom order, so concurrent writers queue on the same first row
instead of deadlocking.

Besides the whole map (facet ``''``) the grid is kept per theme (``t<id>``: the initiatives with
that theme or one of its sub-themes), per area (``a<id>``: those in that buurt, or in a buurt
of that wijk) and per day of last activity (``d<YYYYMMDD>``, UTC: ``initiatives.activity``) for the
clustered zoom levels, so the map filtered by one theme, one area or recent activity reads kept
counts as well (issue 28). The sums of longitude, latitude and id make a cluster's centre,
and for a cell holding a single initiative its exact position and id. ``rebuild`` recomputes
everything from the initiatives in the database (migration, bulk loads) and ``verify`` compares
the two.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection

from maps.models import Area
from platform_core.extensions import db

from .models import Initiative, MapCell

CELL_PX = 80
#: Zoom levels kept; below the point zoom the map reads clusters from here.
GRID_ZOOMS = tuple(range(17))
#: Zoom levels kept per theme and area: those the map shows as clusters (below
#: ``map_queries.CLUSTER_BELOW_ZOOM``); closer in, a box holds few enough initiatives to read.
FACET_ZOOMS = tuple(range(15))
EVERYTHING = ""


def cell_size(zoom: int) -> float:
    return 360.0 / (256 * 2**zoom) * CELL_PX


def cell_of(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    size = cell_size(zoom)
    return int((lon + 180.0) / size), int((lat + 90.0) / size)


@dataclass(frozen=True)
class Placement:
    """What the grid knows of one initiative: where it is, its type and its facets."""

    id: int
    type: str
    lon: float
    lat: float
    facets: frozenset[str]


def placement(initiative: Initiative) -> Placement:
    facets = set()
    if initiative.last_activity_at is not None:
        facets.add(f"d{day_of(initiative.last_activity_at)}")
    for theme in initiative.themes:
        facets.add(f"t{theme.id}")
        if theme.parent_id is not None:
            facets.add(f"t{theme.parent_id}")
    if initiative.area_id is not None:
        facets.add(f"a{initiative.area_id}")
        area = db.session.get(Area, initiative.area_id)
        if area is not None and area.parent_id is not None:
            facets.add(f"a{area.parent_id}")
    return Placement(initiative.id, initiative.type, initiative.lon, initiative.lat, frozenset(facets))


def _rows(place: Placement, sign: int) -> list[dict]:
    rows = []
    keys = [(EVERYTHING, zoom) for zoom in GRID_ZOOMS]
    keys += [(facet, zoom) for facet in sorted(place.facets) for zoom in FACET_ZOOMS]
    for facet, zoom in keys:
        gx, gy = cell_of(place.lon, place.lat, zoom)
        rows.append(
            {
                "facet": facet,
                "zoom": zoom,
                "gx": gx,
                "gy": gy,
                "type": place.type,
                "n": sign,
                "sum_lon": sign * place.lon,
                "sum_lat": sign * place.lat,
                "sum_id": sign * place.id,
            }
        )
    return rows


_COLUMNS = ("facet", "zoom", "gx", "gy", "type", "n", "sum_lon", "sum_lat", "sum_id")
_ADD_UP = """ON CONFLICT (facet, zoom, gx, gy, type) DO UPDATE SET n = map_cell.n + excluded.n,
  sum_lon = map_cell.sum_lon + excluded.sum_lon, sum_lat = map_cell.sum_lat + excluded.sum_lat,
  sum_id = map_cell.sum_id + excluded.sum_id"""
#: The statement that adds rows to the grid's counts, per dialect, written once: it is parsed and
#: compiled once per process instead of once per write (a statement with the rows in its VALUES
#: changed shape with the number of facets). PostgreSQL gets the rows as one array per column,
#: in one statement; SQLite runs the one-row statement for each row, in-process. (Constant text:
#: nothing is put into it.)
_UPSERT = {
    "postgresql": text(
        "INSERT INTO map_cell (facet, zoom, gx, gy, type, n, sum_lon, sum_lat, sum_id) SELECT * FROM unnest("  # nosec B608
        "CAST(:facet AS varchar[]), CAST(:zoom AS integer[]), CAST(:gx AS integer[]), CAST(:gy AS integer[]), "
        "CAST(:type AS varchar[]), CAST(:n AS integer[]), CAST(:sum_lon AS double precision[]), "
        "CAST(:sum_lat AS double precision[]), CAST(:sum_id AS bigint[])) " + _ADD_UP
    ),
    "sqlite": text(
        "INSERT INTO map_cell (facet, zoom, gx, gy, type, n, sum_lon, sum_lat, sum_id) "  # nosec B608
        "VALUES (:facet, :zoom, :gx, :gy, :type, :n, :sum_lon, :sum_lat, :sum_id) " + _ADD_UP
    ),
}


def _upsert(rows: list[dict]) -> None:
    """Add ``rows`` to the kept counts, in the order given (the order every writer keeps: a
    set-returning ``unnest`` gives its rows in array order)."""
    if not rows:
        return
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        db.session.execute(_UPSERT[dialect], {name: [row[name] for row in rows] for name in _COLUMNS})
    else:
        db.session.execute(_UPSERT[dialect], rows)


def day_of(moment) -> int:
    """A moment's (UTC) day as YYYYMMDD: the number in its day facet's name."""
    return moment.year * 10000 + moment.month * 100 + moment.day


def move_day(initiative_id: int, type_: str, lon: float, lat: float, before: int | None, after: int) -> None:
    """A published initiative's last activity moved from day ``before`` to day ``after``."""
    rows = []
    if before is not None:
        rows += _rows(Placement(initiative_id, type_, lon, lat, frozenset({f"d{before}"})), -1)
    rows += _rows(Placement(initiative_id, type_, lon, lat, frozenset({f"d{after}"})), 1)
    # only the day facets' rows, in (facet, zoom) order as every writer takes them
    rows = sorted((r for r in rows if r["facet"] != EVERYTHING), key=lambda r: (r["facet"], r["zoom"]))
    _upsert(rows)


def add(place: Placement) -> None:
    """The initiative is now on the public map."""
    _upsert(_rows(place, 1))


def remove(place: Placement) -> None:
    """An initiative placed like this has left the public map (or is about to move)."""
    _upsert(_rows(place, -1))


def cells(bbox, zoom: int, types=(), facet: str | tuple[str, ...] = EVERYTHING) -> list[tuple]:
    """(gx, gy, n, sum_lon, sum_lat, sum_id) for the non-empty cells touching the box; ``facet``
    may be several (the days of "active in the last N days"), whose counts are added up."""
    x1, y1 = cell_of(bbox[0], bbox[1], zoom)
    x2, y2 = cell_of(bbox[2], bbox[3], zoom)
    stmt = select(
        MapCell.gx,
        MapCell.gy,
        func.sum(MapCell.n),
        func.sum(MapCell.sum_lon),
        func.sum(MapCell.sum_lat),
        func.sum(MapCell.sum_id),
    ).where(
        MapCell.facet.in_(facet) if isinstance(facet, tuple) else MapCell.facet == facet,
        MapCell.zoom == zoom,
        MapCell.gx.between(x1, x2),
        MapCell.gy.between(y1, y2),
        MapCell.n > 0,
    )
    types = list(types)
    if types:
        stmt = stmt.where(MapCell.type.in_(types))
    return db.session.execute(stmt.group_by(MapCell.gx, MapCell.gy)).all()


def count_in(bbox, zoom: int, types=(), facet: str | tuple[str, ...] = EVERYTHING) -> int:
    """An upper bound of the initiatives in the box (whole cells), from the grid alone."""
    return sum(row[2] for row in cells(bbox, zoom, types, facet))


# Each published initiative once per facet it has (UNION: a theme and its sub-theme give one row).
_FACETS = """
SELECT i.id AS initiative_id, 't' || CAST(t.id AS VARCHAR) AS facet
  FROM initiative i JOIN initiative_theme it ON it.initiative_id = i.id JOIN theme t ON t.id = it.theme_id
 WHERE i.visibility = 'published'
UNION
SELECT i.id, 't' || CAST(t.parent_id AS VARCHAR)
  FROM initiative i JOIN initiative_theme it ON it.initiative_id = i.id JOIN theme t ON t.id = it.theme_id
 WHERE i.visibility = 'published' AND t.parent_id IS NOT NULL
UNION
SELECT i.id, 'a' || CAST(i.area_id AS VARCHAR) FROM initiative i
 WHERE i.visibility = 'published' AND i.area_id IS NOT NULL
UNION
SELECT i.id, 'a' || CAST(a.parent_id AS VARCHAR) FROM initiative i JOIN area a ON a.id = i.area_id
 WHERE i.visibility = 'published' AND a.parent_id IS NOT NULL
UNION
SELECT i.id, 'd' || {day} FROM initiative i
 WHERE i.visibility = 'published' AND i.last_activity_at IS NOT NULL
"""
#: A last activity's day as text YYYYMMDD, per database (``activity.day_of``).
_DAY = {"sqlite": "strftime('%Y%m%d', i.last_activity_at)", "postgresql": "to_char(i.last_activity_at, 'YYYYMMDD')"}


def _cell(connection: Connection, axis: str) -> str:
    """The cell column as the write path computes it (``cell_of``): the same double arithmetic,
    truncated (the values are never negative)."""
    shift = "180.0" if axis == "lon" else "90.0"
    value = f"(i.{axis} + {shift}) / :size"
    return f"CAST({value} AS INTEGER)" if connection.dialect.name == "sqlite" else f"CAST(floor({value}) AS INTEGER)"


def _computed_sql(connection: Connection, faceted: bool) -> str:
    facets = _FACETS.replace("{day}", _DAY[connection.dialect.name])
    source = f"initiative i JOIN ({facets}) f ON f.initiative_id = i.id" if faceted else "initiative i"
    facet = "f.facet" if faceted else "''"
    gx, gy = _cell(connection, "lon"), _cell(connection, "lat")
    # every piece is a constant of this module; values are bound
    return (
        f"SELECT {facet} AS facet, :zoom AS zoom, {gx} AS gx, {gy} AS gy, i.type, count(*) AS n,"  # nosec B608
        " sum(i.lon) AS sum_lon, sum(i.lat) AS sum_lat, sum(i.id) AS sum_id"
        f" FROM {source} WHERE i.visibility = 'published' GROUP BY 1, 3, 4, 5"
    )


def _passes():
    for zoom in GRID_ZOOMS:
        yield zoom, False
        if zoom in FACET_ZOOMS:
            yield zoom, True


def rebuild(connection: Connection | None = None) -> int:
    """Recompute the grid from the published initiatives, in the database; returns the number of
    cells."""
    connection = connection if connection is not None else db.session.connection()
    connection.execute(text("DELETE FROM map_cell"))
    for zoom, faceted in _passes():
        connection.execute(
            text(
                "INSERT INTO map_cell (facet, zoom, gx, gy, type, n, sum_lon, sum_lat, sum_id) "
                + _computed_sql(connection, faceted)
            ),
            {"zoom": zoom, "size": cell_size(zoom)},
        )
    return connection.execute(text("SELECT count(*) FROM map_cell")).scalar_one()


def _computed(connection: Connection) -> dict[tuple, list]:
    out: dict[tuple, list] = {}
    for zoom, faceted in _passes():
        for f, z, x, y, t, n, sx, sy, si in connection.execute(
            text(_computed_sql(connection, faceted)), {"zoom": zoom, "size": cell_size(zoom)}
        ):
            out[(f, int(z), int(x), int(y), t)] = [int(n), float(sx), float(sy), int(si)]
    return out


def verify() -> list[str]:
    """Differences between the kept grid and one computed from the initiatives (empty: in step)."""
    expected = _computed(db.session.connection())
    kept = {
        (f, z, x, y, t): [n, sx, sy, si]
        for f, z, x, y, t, n, sx, sy, si in db.session.execute(
            select(MapCell.facet, MapCell.zoom, MapCell.gx, MapCell.gy, MapCell.type, MapCell.n,
                   MapCell.sum_lon, MapCell.sum_lat, MapCell.sum_id).where(MapCell.n != 0)
        )
    }  # fmt: skip
    problems = []
    for key in sorted(set(expected) | set(kept)):
        want, have = expected.get(key), kept.get(key)
        if want is None or have is None or want[0] != have[0] or want[3] != have[3]:
            problems.append(f"cell {key}: expected {want}, kept {have}")
        elif abs(want[1] - have[1]) > 1e-6 * max(1, want[0]) or abs(want[2] - have[2]) > 1e-6 * max(1, want[0]):
            problems.append(f"cell {key}: centre drifted ({want[1:3]} vs {have[1:3]})")
    return problems
