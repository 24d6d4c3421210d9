"""The initiative page as its discussion grows: time and size at 0 / 500 / 5,000 / 50,000
comments (a tenth of them replies), through the real view; and for each discussion the page a
link to a comment nine tenths down opens ("N deep").

Usage: python bench/bench_thread.py --root DIR [--sizes 0,500,5000,50000] [--runs 7] [--database URL]
(DIR: a checkout to measure; bench/thread.sh runs the commit before pages and this one. Without
--database a fresh SQLite file; a PostgreSQL database given is emptied first.)
Every round requests every size once, as a visitor and logged in, so the sizes alternate and a
change in the machine's load hits them alike. Prints the load average, then one JSON line per
reader and size: p50 and p95 wall ms, p50 CPU ms, and the page's size in KB.
"""

from __future__ import annotations

import argparse
import json
import os
import re
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
    from sqlalchemy import text

    from initiatives.services import create_initiative
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
        from fresh import prepare  # this checkout's bench/fresh.py

        prepare(themes=False)
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
            items[size] = f"/initiatieven/{item.id}"
            if top:  # a link to a comment nine tenths down the discussion (what comment_link redirects to)
                deep = db.session.execute(
                    text("SELECT id FROM comment WHERE initiative_id = :i AND parent_id IS NULL ORDER BY id"
                         " LIMIT 1 OFFSET :o"), {"i": item.id, "o": int(top * 0.9)}
                ).scalar()  # fmt: skip
                items[f"{size} deep"] = f"/initiatieven/{item.id}?vanaf={deep}"
        transaction.commit()
    with app.app_context():
        register_user("lezer@example.nl", "een-lang-wachtwoord", "Lezer", consent=True, confirmed=True)
        transaction.commit()
    visitor, reader = app.test_client(), app.test_client()
    page = reader.get("/inloggen").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    login = {"csrf_token": token, "email": "lezer@example.nl", "password": "een-lang-wachtwoord"}
    assert reader.post("/inloggen", data=login).status_code == 302
    clients = {"visitor": visitor, "logged_in": reader}
    print(json.dumps({"load_average": os.getloadavg()}))
    samples: dict = {(who, size): ([], [], 0) for who in clients for size in items}
    for client in clients.values():  # warm
        for path in items.values():
            client.get(path)
    for _ in range(args.runs):  # sizes alternate within every round: drift in load hits them alike
        for who, client in clients.items():
            for size, path in items.items():
                wall, cpu = time.perf_counter(), time.process_time()
                response = client.get(path)
                walls, cpus, _kb = samples[(who, size)]
                walls.append((time.perf_counter() - wall) * 1000)
                cpus.append((time.process_time() - cpu) * 1000)
                assert response.status_code == 200
                samples[(who, size)] = (walls, cpus, len(response.data))
    for (who, size), (walls, cpus, length) in samples.items():
        walls.sort()
        p95 = walls[max(0, int(len(walls) * 0.95) - 1)]
        result = {"reader": who, "comments": size, "p50_ms": round(statistics.median(walls), 1),
                  "p95_ms": round(p95, 1), "cpu_p50_ms": round(statistics.median(cpus), 1),
                  "kb": round(length / 1024, 1)}  # fmt: skip
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
