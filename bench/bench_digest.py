"""The daily digest at city scale: CPU seconds, wall seconds and peak memory for N residents.

Usage: python bench/bench_digest.py --database URL [--residents 10000] [--root CHECKOUT] [--profile]
Each resident has three new notifications; mail is fully built and handed to the null backend,
so the SMTP server's speed is not measured. ``--root`` measures another checkout's code (the
commit before a change) against a fresh schema; ``--profile`` prints the top of a cProfile.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if "--root" in sys.argv:
    ROOT = Path(sys.argv[sys.argv.index("--root") + 1]).resolve()
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, text  # noqa: E402


def fresh_app(database: str, **config):
    """The app on an empty, fully migrated database (PostgreSQL's schema dropped first), mail
    built in full but handed to the null backend. Shared by the benches that need a clean slate."""
    from flask_migrate import upgrade

    from platform_core.extensions import db
    from schatkaart import create_app

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": database, "RATELIMIT_ENABLED": False, "SECRET_KEY": "bench",
         "MAIL_BACKEND": "null", **config}
    )  # fmt: skip
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public; CREATE EXTENSION postgis"))
        upgrade()
    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", required=True)
    parser.add_argument("--residents", type=int, default=10_000)
    parser.add_argument("--root", default=str(ROOT))
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    from werkzeug.security import generate_password_hash

    from participation.models import Notification
    from participation.notify import send_digests
    from platform_core import transaction
    from platform_core.extensions import db
    from platform_core.models import User, utcnow

    app = fresh_app(args.database, SERVER_NAME="schatkaart.example")
    with app.app_context():
        now = utcnow()
        pw = generate_password_hash("bench-password")
        people = [
            {"email": f"digest{i}@bench.example", "password_hash": pw, "display_name": f"Buur {i}",
             "consent_at": now, "created_at": now, "is_active_account": True, "notify_mode": "daily",
             "locale": "en" if i % 5 == 0 else None}
            for i in range(args.residents)
        ]  # fmt: skip
        for start in range(0, len(people), 2000):
            db.session.execute(insert(User), people[start : start + 2000])
        transaction.commit()
        ids = list(db.session.scalars(text("SELECT id FROM user_account ORDER BY id")))
        rows = [
            {"user_id": u, "kind": "comment", "text": f"Buur reageerde op ‘Plan {k}’: leuk!", "created_at": now}
            for u in ids
            for k in range(3)
        ]
        for start in range(0, len(rows), 5000):
            db.session.execute(insert(Notification), rows[start : start + 5000])
        transaction.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE"))
            transaction.commit()
        profiler = None
        if args.profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        tracemalloc.start()
        cpu, wall = time.process_time(), time.perf_counter()
        sent = send_digests("daily")
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        if profiler:
            import pstats

            profiler.disable()
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(30)
    print(
        json.dumps(
            {
                "database": args.database.split(":")[0],
                "root": str(ROOT),
                "residents": args.residents,
                "mails": sent,
                "cpu_seconds": round(cpu, 2),
                "wall_seconds": round(wall, 2),
                "peak_mib_traced": round(peak / 2**20, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
