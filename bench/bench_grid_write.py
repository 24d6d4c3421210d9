"""What one write to the map's grid costs: an initiative put on the map (``map_grid.add``) and
taken off again, with 2 and with 8 facets (themes, buurt, wijk, day: what grows with what one
initiative has), "before" as the statement was built until session 19 (the rows in its VALUES,
so a new statement to compile at every write) and "after" as ``map_grid`` runs it now (one
statement per dialect, built once, executed with the rows as parameters).

The two alternate in every round, so the machine's load hits them alike; CPU time of this process
beside wall time (PostgreSQL's own time is in the wall figure only). Each write is committed.

Usage: python bench/bench_grid_write.py --database URL [--rounds 200]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]


def _before(rows):
    """The statement as ``map_grid._upsert`` built it until session 19."""
    from sqlalchemy.dialects import postgresql, sqlite

    from initiatives.models import MapCell
    from platform_core.extensions import db

    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(MapCell).values(rows)
    db.session.execute(
        stmt.on_conflict_do_update(
            index_elements=["facet", "zoom", "gx", "gy", "type"],
            set_={
                "n": MapCell.n + stmt.excluded.n,
                "sum_lon": MapCell.sum_lon + stmt.excluded.sum_lon,
                "sum_lat": MapCell.sum_lat + stmt.excluded.sum_lat,
                "sum_id": MapCell.sum_id + stmt.excluded.sum_id,
            },
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", required=True)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    os.environ.setdefault("SECRET_KEY", "bench")

    from fresh import prepare

    from initiatives import map_grid
    from platform_core.extensions import db
    from schatkaart import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database, "TESTING": True})
    ways = {"before": _before, "after": map_grid._upsert}
    facets = {2: ["a1", "a2"], 8: ["a1", "a2", "d20261207", "t1", "t2", "t3", "t4", "t5"]}
    times = {(way, k): [] for way in ways for k in facets}
    with app.app_context():
        prepare(themes=False)
        load = os.getloadavg()
        for r in range(args.rounds):
            for k, names in facets.items():
                place = map_grid.Placement(10_000 + r, "initiative", 5.1 + r * 1e-4, 52.09, frozenset(names))
                for way, write in ways.items():
                    wall, cpu = time.perf_counter(), time.process_time()
                    write(map_grid._rows(place, 1))
                    write(map_grid._rows(place, -1))
                    db.session.commit()
                    times[(way, k)].append((time.perf_counter() - wall, time.process_time() - cpu))
        assert map_grid.verify() == [], "the grid is not back where it started"
        db.session.remove()
        db.engine.dispose()
    print(json.dumps({
        "database": args.database.split(":", 1)[0],
        "rounds": args.rounds,
        "load_average": [round(load[0], 2), round(os.getloadavg()[0], 2)],
        "per_add_and_remove_ms": {
            f"{way} {k} facets ({17 + 15 * k} rows)": {
                "wall": round(statistics.median(w for w, _ in cell) * 1000, 2),
                "cpu": round(statistics.median(c for _, c in cell) * 1000, 2),
                "wall_p95": round(sorted(w for w, _ in cell)[int(0.95 * len(cell))] * 1000, 2),
            }
            for (way, k), cell in times.items()
        },
    }, indent=1))  # fmt: skip


if __name__ == "__main__":
    main()
