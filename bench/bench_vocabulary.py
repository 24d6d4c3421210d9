"""The vocabulary a search widens its words with, read afresh (as every process does every five
minutes, inside a search request): wall and CPU time per read.

Usage: python bench/bench_vocabulary.py --database URL [--runs 5] [--root CHECKOUT]
(``--root``: another checkout's code, e.g. the session's start; the database is upgraded by it).
Run it on a database seeded by bench_map.py, whose titles hold a number each (a million words
that are numbers at a million initiatives).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if "--root" in sys.argv:
    ROOT = Path(sys.argv[sys.argv.index("--root") + 1]).resolve()
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--root", default=str(ROOT))
    args = parser.parse_args()

    from flask_migrate import upgrade
    from sqlalchemy import text

    from initiatives import search
    from platform_core.extensions import db
    from schatkaart import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database, "SECRET_KEY": "bench", "PAGE_CACHE_SECONDS": 0})
    with app.app_context():
        upgrade()
    wall, cpu = [], []
    with app.test_request_context("/"):
        words = db.session.execute(text("SELECT count(*) FROM search_word")).scalar()
        for _ in range(args.runs):
            search.forget_vocabulary()  # read afresh, as when the five minutes are over
            start, start_cpu = time.perf_counter(), time.process_time()
            known = search.vocabulary()
            wall.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
    print(json.dumps({
        "database": args.database.split(":")[0], "root": str(ROOT), "search_words": words,
        "vocabulary": sum(map(len, known.values())),
        "read_ms_p50": round(statistics.median(wall), 2), "cpu_ms_p50": round(statistics.median(cpu), 2),
        "load_average": [round(v, 2) for v in os.getloadavg()],
    }))  # fmt: skip


if __name__ == "__main__":
    main()
