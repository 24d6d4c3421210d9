"""The treasure map's grid: per zoom level, how many published initiatives lie in each cell.

A cell is ``CELL_PX`` screen pixels wide at its zoom level. Every write that puts an
initiative on the map, takes it off or moves it changes one row per zoom level in one
statement (O(1) per write, whatever the number of initiatives), so a clustered view reads
at most the cells on the screen. Rows are changed in zoom order, so concurrent writers
queue on the same first row instead of deadlocking.

The sums of longitude, latitude and id make a cluster's centre, and for a cell holding a
single initiative its exact position and id. ``rebuild`` recomputes everything from the
initiatives (migration, bulk loads) and ``verify`` compares the two.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from platform_core.extensions import db

from .models import Initiative, MapCell

CELL_PX = 80
#: Zoom levels kept; below the point zoom the map reads clusters from here.
GRID_ZOOMS = tuple(range(17))


def cell_size(zoom: int) -> float:
    return 360.0 / (256 * 2**zoom) * CELL_PX


def cell_of(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    size = cell_size(zoom)
    return int((lon + 180.0) / size), int((lat + 90.0) / size)


def _rows(id_: int, type_: str, lon: float, lat: float, sign: int) -> list[dict]:
    rows = []
    for zoom in GRID_ZOOMS:
        gx, gy = cell_of(lon, lat, zoom)
        rows.append(
            {
                "zoom": zoom,
                "gx": gx,
                "gy": gy,
                "type": type_,
                "n": sign,
                "sum_lon": sign * lon,
                "sum_lat": sign * lat,
                "sum_id": sign * id_,
            }
        )
    return rows


def _upsert(rows: list[dict]):
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(MapCell).values(rows)
    return stmt.on_conflict_do_update(
        index_elements=["zoom", "gx", "gy", "type"],
        set_={
            "n": MapCell.n + stmt.excluded.n,
            "sum_lon": MapCell.sum_lon + stmt.excluded.sum_lon,
            "sum_lat": MapCell.sum_lat + stmt.excluded.sum_lat,
            "sum_id": MapCell.sum_id + stmt.excluded.sum_id,
        },
    )


def add(initiative: Initiative) -> None:
    """The initiative is now on the public map."""
    db.session.execute(_upsert(_rows(initiative.id, initiative.type, initiative.lon, initiative.lat, 1)))


def remove(id_: int, type_: str, lon: float, lat: float) -> None:
    """An initiative with these values has left the public map (or is about to move)."""
    db.session.execute(_upsert(_rows(id_, type_, lon, lat, -1)))


def cells(bbox, zoom: int, types: Iterable[str] = ()) -> list[tuple]:
    """(gx, gy, n, sum_lon, sum_lat, sum_id) for the non-empty cells touching the box."""
    x1, y1 = cell_of(bbox[0], bbox[1], zoom)
    x2, y2 = cell_of(bbox[2], bbox[3], zoom)
    stmt = select(
        MapCell.gx,
        MapCell.gy,
        func.sum(MapCell.n),
        func.sum(MapCell.sum_lon),
        func.sum(MapCell.sum_lat),
        func.sum(MapCell.sum_id),
    ).where(MapCell.zoom == zoom, MapCell.gx.between(x1, x2), MapCell.gy.between(y1, y2), MapCell.n > 0)
    types = list(types)
    if types:
        stmt = stmt.where(MapCell.type.in_(types))
    return db.session.execute(stmt.group_by(MapCell.gx, MapCell.gy)).all()


def count_in(bbox, zoom: int, types: Iterable[str] = ()) -> int:
    """An upper bound of the initiatives in the box (whole cells), from the grid alone."""
    return sum(row[2] for row in cells(bbox, zoom, types))


def _computed(connection: Connection) -> dict[tuple, list]:
    sums: dict[tuple, list] = defaultdict(lambda: [0, 0.0, 0.0, 0])
    rows = connection.execute(
        text("SELECT id, type, lon, lat FROM initiative WHERE visibility = 'published'")
    ).yield_per(10_000)
    for id_, type_, lon, lat in rows:
        for zoom in GRID_ZOOMS:
            gx, gy = cell_of(lon, lat, zoom)
            acc = sums[(zoom, gx, gy, type_)]
            acc[0] += 1
            acc[1] += lon
            acc[2] += lat
            acc[3] += id_
    return sums


def rebuild(connection: Connection | None = None) -> int:
    """Recompute the grid from the published initiatives; returns the number of cells."""
    connection = connection if connection is not None else db.session.connection()
    sums = _computed(connection)
    connection.execute(text("DELETE FROM map_cell"))
    rows = [
        {"zoom": z, "gx": x, "gy": y, "type": t, "n": n, "sum_lon": sx, "sum_lat": sy, "sum_id": si}
        for (z, x, y, t), (n, sx, sy, si) in sums.items()
    ]
    insert = text(
        "INSERT INTO map_cell (zoom, gx, gy, type, n, sum_lon, sum_lat, sum_id)"
        " VALUES (:zoom, :gx, :gy, :type, :n, :sum_lon, :sum_lat, :sum_id)"
    )
    for start in range(0, len(rows), 5000):
        connection.execute(insert, rows[start : start + 5000])
    return len(rows)


def verify() -> list[str]:
    """Differences between the kept grid and one computed from the initiatives (empty: in step)."""
    expected = _computed(db.session.connection())
    kept = {
        (z, x, y, t): [n, sx, sy, si]
        for z, x, y, t, n, sx, sy, si in db.session.execute(
            select(MapCell.zoom, MapCell.gx, MapCell.gy, MapCell.type, MapCell.n, MapCell.sum_lon,
                   MapCell.sum_lat, MapCell.sum_id).where(MapCell.n != 0)
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
