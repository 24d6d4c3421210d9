"""The council's figures without the page: ``council.services.dashboard`` per scope, on a database
seeded by ``bench/bench_council.py``. Prints the least and the median of 5 calls after a warm-up, in ms.

Run it from two worktrees (before and after a change) alternately, so both meet the same machine:
    python bench/council_figures.py sqlite:////tmp/cb/council.db
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from sqlalchemy import text

sys.path.insert(0, str(Path.cwd()))

import council.services as cs
from platform_core.extensions import db
from schatkaart import create_app

SCOPES = {
    "no filter": cs.Scope(),
    "trajectory": cs.Scope(trajectory_id=1),
    "theme": cs.Scope(theme_id=1),
    "type": cs.Scope(type="self_management"),
    "one month": cs.Scope(start=date(2025, 6, 1), end=date(2025, 6, 30)),
    "one year": cs.Scope(start=date(2025, 1, 1), end=date(2025, 12, 31)),
    "type + year": cs.Scope(type="participation", start=date(2025, 1, 1), end=date(2025, 12, 31)),
    "theme + half a year": cs.Scope(theme_id=1, start=date(2025, 3, 1), end=date(2025, 8, 31)),
}


def main() -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "SECRET_KEY": "bench", "TESTING": True})
    out = {}
    with app.app_context():
        wijk = db.session.execute(text("SELECT min(code) FROM area WHERE level = 'district'")).scalar()
        scopes = {**SCOPES, "district": cs.Scope(area=wijk)}
        for name, scope in scopes.items():
            cs.dashboard(scope)
            samples = []
            for _ in range(5):
                started = time.perf_counter()
                cs.dashboard(scope)
                samples.append((time.perf_counter() - started) * 1000)
            out[name] = {"min_ms": round(min(samples)), "median_ms": round(statistics.median(samples))}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
