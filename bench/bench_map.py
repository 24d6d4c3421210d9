"""Treasure-map benchmark: /api/initiatives against the raw indexed SQL, and page size.

Usage: python bench/bench_map.py --database URL --count 10000 [--runs 60] [--root CHECKOUT]
(``--root``: measure another checkout's code, e.g. the commit before a change; see map.sh)
Seeds COUNT initiatives spread over the municipality (Utrecht from ../shared when
present, else the sample municipality), then reports p50/p95 in milliseconds for a
neighbourhood-sized bbox (zoom 16, individual points) and a city-sized bbox (zoom 12,
server clusters), next to the same SQL executed directly, plus the map page's HTML
size next to a map with every marker embedded in the page.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import shapely
from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
if "--root" in sys.argv:
    ROOT = Path(sys.argv[sys.argv.index("--root") + 1]).resolve()
sys.path.insert(0, str(ROOT))

from platform_core import transaction  # noqa: E402

NEIGHBOURHOOD = (5.110, 52.086, 5.125, 52.095)
CITY_ZOOM, NEIGHBOURHOOD_ZOOM = 12, 16


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def timed(fn, runs: int) -> dict:
    """Wall p50/p95 and this process's CPU p50 in milliseconds (the database's own work is in the
    wall time only on PostgreSQL)."""
    fn()  # warm caches once
    samples, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return {
        "p50": round(statistics.median(samples), 2),
        "p95": round(percentile(samples, 0.95), 2),
        "cpu_p50": round(statistics.median(cpu), 2),
    }


def seed_geography() -> None:
    """Utrecht's boundaries from ../shared when present (else the sample municipality) and the themes."""
    from maps.boundaries import import_boundaries
    from maps.models import Municipality
    from maps.sample_geography import all_levels
    from platform_core.extensions import db
    from schatkaart.demo import SHARED_FILES, SHARED_UTRECHT, seed_themes

    if db.session.query(Municipality).count() == 0:
        for level in ("municipality", "district", "neighbourhood"):
            src = SHARED_UTRECHT / SHARED_FILES[level]
            import_boundaries(src if src.exists() else all_levels()[level], level)
        seed_themes()


def seed(app, count: int) -> None:
    from geoalchemy2.shape import to_shape

    from maps.models import Municipality
    from platform_core.accounts.services import register_user
    from platform_core.extensions import db

    with app.app_context():
        if db.session.execute(text("SELECT count(*) FROM initiative")).scalar() == count:
            return
        db.session.execute(text("DELETE FROM initiative"))
        if db.engine.dialect.name == "sqlite":
            db.session.execute(text("DELETE FROM initiative_fts"))
        transaction.commit()
        seed_geography()
        owner = (
            db.session.execute(text("SELECT id FROM user_account LIMIT 1")).scalar()
            or register_user("bench@example.nl", "bench-password", "Bench", consent=True).id
        )
        boundary = to_shape(db.session.query(Municipality).first().area.geom)
        minx, miny, maxx, maxy = boundary.bounds
        rng = np.random.default_rng(42)
        xs, ys = [], []
        while len(xs) < count:
            cx = rng.uniform(minx, maxx, count)
            cy = rng.uniform(miny, maxy, count)
            inside = shapely.contains_xy(boundary, cx, cy)
            xs.extend(cx[inside].tolist())
            ys.extend(cy[inside].tolist())
        types = ["initiative", "self_management", "participation", "liveability"]
        r = random.Random(1)
        rows = [
            {
                "t": f"Bankinitiatief {i}",
                "s": "Een initiatief om de meting te vullen.",
                "ty": types[i % 4],
                "x": xs[i],
                "y": ys[i],
                "o": owner,
                "wkt": f"POINT({xs[i]} {ys[i]})",
                "st": r.choice(["idea", "in_progress"]),
            }
            for i in range(count)
        ]
        stmt = text(
            "INSERT INTO initiative (title, summary, description, description_html, type, municipal_role, status,"
            " geom, point, geom_type, lon, lat, owner_id, created_at, updated_at, last_activity_at, visibility)"
            " VALUES (:t, :s, '', '', :ty, 'none',"
            " :st, ST_GeomFromText(:wkt, 4326), ST_GeomFromText(:wkt, 4326), 'POINT', :x, :y, :o,"
            " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, :active, 'published')"
        )
        now = datetime.now(UTC).replace(tzinfo=None)
        for i, row in enumerate(rows):  # a tenth active in the last week; "buurt" in half the summaries
            row["active"] = now - timedelta(days=(3 if i % 10 == 0 else 200))
            if i % 2:
                row["s"] = "Een buurtinitiatief om de meting te vullen."
        for start in range(0, count, 5000):
            db.session.execute(stmt, rows[start : start + 5000])
        # one theme per initiative, in turn (a theme holds a twelfth or so), and the search index
        themes = db.session.execute(text("SELECT id FROM theme WHERE parent_id IS NULL ORDER BY id")).scalars().all()
        ids = db.session.execute(text("SELECT id FROM initiative ORDER BY id")).scalars().all()
        if themes:
            pairs = [{"i": i, "t": themes[n % len(themes)]} for n, i in enumerate(ids)]
            for start in range(0, len(pairs), 5000):
                db.session.execute(
                    text("INSERT INTO initiative_theme (initiative_id, theme_id) VALUES (:i, :t)"),
                    pairs[start : start + 5000],
                )
        try:
            from initiatives.search import rebuild_index
        except ImportError:
            pass
        else:
            rebuild_index(db.session.connection())
        # each initiative in the buurt it lies in, as placing does (shapely over all points per buurt)
        px, py = np.array(xs[:count]), np.array(ys[:count])
        buurten = db.session.execute(
            text("SELECT id, AsBinary(geom) FROM area WHERE level = 'neighbourhood'")
            if db.engine.dialect.name == "sqlite"
            else text("SELECT id, ST_AsBinary(geom) FROM area WHERE level = 'neighbourhood'")
        ).all()
        area_of = np.full(count, -1)
        for area_id, wkb in buurten:
            area_of[shapely.contains_xy(shapely.from_wkb(bytes(wkb)), px, py)] = area_id
        updates = [{"a": int(a), "i": i} for i, a in zip(ids, area_of, strict=True) if a >= 0]
        for start in range(0, len(updates), 5000):
            db.session.execute(text("UPDATE initiative SET area_id = :a WHERE id = :i"), updates[start : start + 5000])
        try:  # the grid the write path keeps, where the code has one (per theme and area too, now)
            from initiatives.map_grid import rebuild
        except ImportError:
            pass
        else:
            rebuild()
        if db.engine.dialect.name == "postgresql":
            transaction.commit()
            db.session.execute(text("ANALYZE initiative"))
        transaction.commit()


def naive_map_size(app, count: int) -> int:
    """A map with every marker embedded in the page's map data: what we avoid."""
    from maps.builders import base_map, render_parts
    from maps.services import areas_by_level
    from platform_core.extensions import db

    with app.test_request_context("/"):
        rows = db.session.execute(text("SELECT id, title, lon, lat FROM initiative LIMIT :n"), {"n": count}).all()
        m = base_map("kaart", (52.09, 5.12), 12).outlines(areas_by_level("neighbourhood"))
        for _id, title, lon, lat in rows:
            m.marker(lat, lon, title)
        parts = render_parts(m)
        return len((str(parts.header) + str(parts.html) + str(parts.script)).encode())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", required=True)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--naive", action="store_true", help="also build the naive all-markers map")
    parser.add_argument("--root", default=str(ROOT), help="the checkout whose code is measured")
    args = parser.parse_args()

    from flask_migrate import upgrade

    from initiatives.map_queries import point_rows
    from initiatives.search import Filters
    from platform_core.extensions import db
    from schatkaart import create_app

    # The page cache off: every request is answered by the query it measures, never from memory.
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": args.database, "RATELIMIT_ENABLED": False, "SECRET_KEY": "bench",
         "PAGE_CACHE_SECONDS": 0}
    )  # fmt: skip
    with app.app_context():
        upgrade()
    t0 = time.perf_counter()
    seed(app, args.count)
    seeded = time.perf_counter() - t0
    client = app.test_client()
    with app.app_context():
        row = db.session.execute(text("SELECT min(lon), min(lat), max(lon), max(lat) FROM initiative")).one()
        city = tuple(row)
        in_hood = db.session.execute(
            text("SELECT count(*) FROM initiative WHERE lon BETWEEN :a AND :c AND lat BETWEEN :b AND :d"),
            dict(zip("abcd", NEIGHBOURHOOD, strict=True)),
        ).scalar()

    def api(bbox, zoom):
        url = f"/api/initiatives?bbox={','.join(map(str, bbox))}&zoom={zoom}"
        return lambda: client.get(url).data

    try:  # the code measured reads clusters from its grid where it has one
        from initiatives.map_grid import cells as grid_cells
    except ImportError:
        grid_cells = None

    def raw(bbox, zoom):
        def run():
            with app.app_context():
                if zoom >= 15:
                    return point_rows(bbox, Filters())
                if grid_cells is not None:
                    return grid_cells(bbox, zoom)
                from initiatives.map_queries import clustered_rows  # the code before the grid

                return clustered_rows(bbox, zoom, Filters())

        return run

    def answer(bbox, zoom):
        data = json.loads(client.get(f"/api/initiatives?bbox={','.join(map(str, bbox))}&zoom={zoom}").data)
        total = sum(f["properties"].get("count", 1) for f in data["features"])
        size = len(client.get(f"/api/initiatives?bbox={','.join(map(str, bbox))}&zoom={zoom}").data)
        return {"features": len(data["features"]), "initiatives": total, "bytes": size,
                "clustered": data["clustered"], "truncated": data.get("truncated")}  # fmt: skip

    result = {
        "database": args.database.split(":")[0],
        "root": str(ROOT),
        "count": args.count,
        "neighbourhood_answer": answer(NEIGHBOURHOOD, NEIGHBOURHOOD_ZOOM),
        "city_answer": answer(city, CITY_ZOOM),
        "seed_seconds": round(seeded, 1),
        "neighbourhood_hits": in_hood,
        "neighbourhood_api": timed(api(NEIGHBOURHOOD, NEIGHBOURHOOD_ZOOM), args.runs),
        "neighbourhood_raw": timed(raw(NEIGHBOURHOOD, NEIGHBOURHOOD_ZOOM), args.runs),
        "city_api": timed(api(city, CITY_ZOOM), args.runs),
        "city_raw": timed(raw(city, CITY_ZOOM), args.runs),
        "map_page_bytes": len(client.get("/").data),
        "load_average": [round(v, 2) for v in os.getloadavg()],
    }
    # The filters the grid does not keep, at city zoom, beside the unfiltered city view: one request
    # of each view in turn per round (grid, theme, wijk, word, activity, grid, ...), so the load of the
    # moment weighs on all of them alike, and each filter's ratio to the grid of the same rounds
    with app.app_context():
        theme = db.session.execute(text("SELECT slug FROM theme WHERE parent_id IS NULL ORDER BY id")).scalar()
        wijk = db.session.execute(text("SELECT code FROM area WHERE level = 'district' ORDER BY id")).scalar()
    box = ",".join(map(str, city))
    views = {"grid": "", "theme": f"&theme={theme}", "area": f"&area={wijk}", "word": "&q=buurt",
             "active_7_days": "&actief=7"}  # fmt: skip
    urls = {name: f"/api/initiatives?bbox={box}&zoom={CITY_ZOOM}{query}" for name, query in views.items()}
    wall: dict[str, list[float]] = {name: [] for name in urls}
    cpu: dict[str, list[float]] = {name: [] for name in urls}
    for url in urls.values():
        client.get(url)  # warm once
    for _ in range(args.runs):
        for name, url in urls.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            client.get(url)
            wall[name].append((time.perf_counter() - start) * 1000)
            cpu[name].append((time.process_time() - start_cpu) * 1000)
    grid_p50 = statistics.median(wall["grid"])
    for name, url in urls.items():
        response = client.get(url)
        data = json.loads(response.data)
        result[f"city_{name}"] = {
            "p50": round(statistics.median(wall[name]), 2),
            "p95": round(percentile(wall[name], 0.95), 2),
            "cpu_p50": round(statistics.median(cpu[name]), 2),
            "to_grid": round(statistics.median(wall[name]) / grid_p50, 2),
            "status": response.status_code,  # 503: past SEARCH_SECONDS, the map says so instead
            "initiatives": sum(f["properties"].get("count", 1) for f in data.get("features", [])),
            "window": data.get("window"),  # clustered from the newest this many only (said by the answer)
        }
    result["filters_load_average"] = [round(v, 2) for v in os.getloadavg()]
    wide = json.loads(client.get(f"/api/initiatives?bbox={box}&zoom=16").data)
    result["city_at_zoom_16"] = {"features": len(wide["features"]), "cell_zoom": wide.get("cell_zoom")}
    if args.naive:
        result["naive_map_bytes"] = naive_map_size(app, args.count)
        result["size_ratio"] = round(result["naive_map_bytes"] / result["map_page_bytes"], 1)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
