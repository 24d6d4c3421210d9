"""The initiative page as its discussion grows: time and size at 0 / 500 / 5,000 / 50,000
comments (a tenth of them replies), through the real view.

Usage: python bench/bench_thread.py --root DIR [--sizes 0,500,5000,50000] [--runs 7] [--database URL]
(DIR: a checkout to measure; bench/thread.sh runs the commit before pages and this one. Without
--database a fresh SQLite file; a PostgreSQL database given is emptied first.)
Prints one JSON line per size: p50 and p95 in ms, and the page's size in KB.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    parser.add_argument("--sizes", default="0,500,5000,50000")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--database", default=None)
    args = parser.parse_args()
    sys.path.insert(0, args.root)
    from flask_migrate import upgrade
    from sqlalchemy import text

    from initiatives.services import create_initiative
    from maps.boundaries import import_boundaries
    from maps.sample_geography import all_levels
    from platform_core import transaction
    from platform_core.accounts.services import register_user
    from platform_core.extensions import db
    from schatkaart import create_app
    from tests.conftest import INSIDE, initiative_input

    database = args.database or f"sqlite:///{Path(tempfile.mkdtemp()) / 'thread.db'}"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database,
            "SECRET_KEY": "bench",
            "RATELIMIT_ENABLED": False,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
            "TILE_URL": "http://127.0.0.1:9/{z}/{x}/{y}.png",
            "PAGE_CACHE_SECONDS": 0,  # the page as it is rendered (as a logged-in reader gets it), not from memory
        }
    )
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public; CREATE EXTENSION postgis"))
        upgrade()
        for level, data in all_levels().items():
            import_boundaries(data, level)
        owner = register_user("owner@example.nl", "een-lang-wachtwoord", "Olga", consent=True)
        items = {}
        for size in [int(s) for s in args.sizes.split(",")]:
            item = create_initiative(owner, initiative_input(title=f"Discussie {size}", lat=INSIDE[0], lon=INSIDE[1]))
            db.session.flush()
            top = size - size // 10
            rows = [
                {"i": item.id, "b": f"Reactie {n} met een paar woorden over het plan.", "t": "2026-01-01 10:00:00"}
                for n in range(top)
            ]
            if rows:
                db.session.execute(
                    text(
                        "INSERT INTO comment (initiative_id, author_name, body, status, created_at, notify_replies,"
                        " pluim_count, to_municipality) VALUES (:i, 'Buur', :b, 'published', :t, false, 0, false)"
                    ),
                    rows,
                )
                parent = db.session.execute(
                    text("SELECT min(id) FROM comment WHERE initiative_id = :i"), {"i": item.id}
                ).scalar()
                db.session.execute(
                    text(
                        "INSERT INTO comment (initiative_id, parent_id, author_name, body, status, created_at,"
                        " notify_replies, pluim_count, to_municipality)"
                        " VALUES (:i, :p, 'Buur', :b, 'published', :t, false, 0, false)"
                    ),
                    [
                        {
                            "i": item.id,
                            "p": parent + (n * 7) % max(top, 1),
                            "b": f"Antwoord {n}",
                            "t": "2026-01-02 10:00:00",
                        }
                        for n in range(size // 10)
                    ],
                )
            db.session.execute(
                text("UPDATE initiative SET comments_count = :n WHERE id = :i"), {"n": size, "i": item.id}
            )
            items[size] = item.id
        transaction.commit()
    client = app.test_client()
    for size, item_id in items.items():
        times, body = [], b""
        client.get(f"/initiatieven/{item_id}")  # warm
        for _ in range(args.runs):
            start = time.perf_counter()
            response = client.get(f"/initiatieven/{item_id}")
            times.append((time.perf_counter() - start) * 1000)
            body = response.data
            assert response.status_code == 200
        times.sort()
        p95 = times[max(0, int(len(times) * 0.95) - 1)]
        result = {"comments": size, "p50_ms": round(statistics.median(times), 1), "p95_ms": round(p95, 1)}
        print(json.dumps({**result, "kb": round(len(body) / 1024, 1)}))


if __name__ == "__main__":
    main()
