"""What a comment costs the resident who writes it, on an initiative with 0 and with 10,000
followers (issue 30): time per comment as the request pays it (the service, the commit and what
runs after the commit), CPU time beside it, and rows written.

Modes: without ``--jobs-redis`` the jobs run in the process after the commit (the embedded
default); with it they are handed to an RQ queue on that Redis and the request is done. The same
script runs against another checkout (``--root``): ``bench/followers.sh`` measures the code before
the queue and after it in one run. The sizes alternate (0, 10000, 0, 10000 …) so load drift hits
both alike; the load average is printed with the figures.

With ``--jobs-redis`` it also measures the time from a comment to its follower's mail: a worker
process (``flask jobs worker``) runs the jobs, and the clock stops when the follower's
notification is marked mailed (MAIL_BACKEND=null: the mail server's own time is not ours).

Usage: python bench/bench_followers.py --database URL [--root CHECKOUT] [--jobs-redis URL]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import insert, text

WRITES = 20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", required=True)
    parser.add_argument("--root", default=str(Path(__file__).resolve().parents[1]))
    parser.add_argument("--sizes", default="0,10000")
    parser.add_argument("--jobs-redis", default="")
    args = parser.parse_args()
    sys.path.insert(0, args.root)  # the checkout measured, before bench_writes imports platform_core
    from bench_writes import _factory, _fresh, _rows_written, percentile, plan

    _fresh(args.database)

    create_app, seed_themes = _factory()
    from initiatives.models import Initiative
    from participation.models import Follow
    from participation.services import post_comment
    from platform_core import transaction
    from platform_core.extensions import db
    from platform_core.models import User, utcnow

    config = {
        "SQLALCHEMY_DATABASE_URI": args.database,
        "MAIL_BACKEND": "null",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
        "RATELIMIT_ENABLED": False,
    }
    if args.jobs_redis:
        config["JOBS_REDIS_URL"] = args.jobs_redis
    app = create_app(config)
    sizes = [int(s) for s in args.sizes.split(",")]
    out = {"database": args.database.split(":")[0], "root": args.root, "queue": bool(args.jobs_redis), "sizes": {}}
    with app.app_context():
        from fresh import prepare  # this checkout's bench/fresh.py

        prepare()
        now = utcnow()
        people = max(sizes) + WRITES + 1
        rows = [
            {"email": f"buur{i}@bench.example", "password_hash": "x", "display_name": f"Buur {i}",
             "consent_at": now, "created_at": now, "is_active_account": True, "notify_mode": "daily"}
            for i in range(people)
        ]  # fmt: skip
        for start in range(0, len(rows), 5000):
            db.session.execute(insert(User), rows[start : start + 5000])
        ids = [u for (u,) in db.session.execute(text("SELECT id FROM user_account ORDER BY id"))]
        owner = db.session.get(User, ids[0])
        writers, audience = ids[1 : WRITES + 1], ids[WRITES + 1 :]
        items = {}
        for size in sizes:
            item = plan(owner, f"Een plan met {size} volgers", "Veel mensen volgen dit plan.")
            follows = [
                {"user_id": u, "target_type": "initiative", "target_id": item.id, "created_at": now}
                for u in audience[:size]
            ]
            for start in range(0, len(follows), 5000):
                db.session.execute(insert(Follow), follows[start : start + 5000])
            items[size] = item.id
        transaction.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        out["load_average"] = os.getloadavg()
        samples = {size: ([], [], []) for size in sizes}
        for n in range(WRITES):
            for size in sizes:  # alternating
                db.session.remove()
                person = db.session.get(User, writers[n])
                start_rows = _rows_written(db)
                started, cpu = time.perf_counter(), time.process_time()
                post_comment(db.session.get(Initiative, items[size]), f"Een reactie {n}", person)
                end_rows = _rows_written(db)
                transaction.commit()  # and what runs after it: the request pays that too
                times, cpus, written = samples[size]
                times.append((time.perf_counter() - started) * 1000)
                cpus.append((time.process_time() - cpu) * 1000)
                written.append(end_rows - start_rows)
        for size in sizes:
            times, cpus, written = samples[size]
            out["sizes"][size] = {
                "p50_ms": round(statistics.median(times), 2),
                "p95_ms": round(percentile(times, 0.95), 2),
                "cpu_p50_ms": round(statistics.median(cpus), 2),
                "rows_written_in_transaction": statistics.median(written),
            }
        if args.jobs_redis:
            out.update(_time_to_mail(args, items, ids[0], writers, db))
    print(json.dumps(out, indent=1))


def _time_to_mail(args, items: dict[int, int], owner_id: int, writers: list[int], db) -> dict:
    """With one worker process: how long the backlog the timed comments left takes to drain, and
    then the seconds from a comment to its follower's mail (the owner, who chose "immediately"),
    on the initiative without other followers and on the one with 10,000."""
    from initiatives.models import Initiative
    from participation.services import post_comment
    from platform_core import transaction
    from platform_core.models import User

    db.session.get(User, owner_id).notify_mode = "immediate"
    transaction.commit()
    env = {**os.environ, "FLASK_APP": "schatkaart", "DATABASE_URL": args.database, "JOBS_REDIS_URL": args.jobs_redis,
           "SECRET_KEY": "bench", "MAIL_BACKEND": "null"}  # fmt: skip
    worker = subprocess.Popen([sys.executable, "-m", "flask", "jobs", "worker"], cwd=args.root, env=env)
    out: dict = {}
    mailed = f"SELECT count(*) FROM notification WHERE user_id = {int(owner_id)} AND emailed_at IS NOT NULL"  # nosec B608
    try:
        started = time.perf_counter()
        while _scalar(db, "SELECT count(*) FROM job WHERE state <> 'done'"):
            time.sleep(0.1)
        out["backlog_drained_s"] = round(time.perf_counter() - started, 2)
        out["backlog_jobs"] = _scalar(db, "SELECT count(*) FROM job")
        for size, item_id in items.items():
            delays = []
            for n in range(5):
                mailed_before = _scalar(db, mailed)
                db.session.remove()
                post_comment(
                    db.session.get(Initiative, item_id), f"Wanneer? {size} {n}", db.session.get(User, writers[n])
                )
                transaction.commit()
                started = time.perf_counter()
                while _scalar(db, mailed) <= mailed_before:
                    if time.perf_counter() - started > 60:
                        raise SystemExit("no mail within a minute")
                    time.sleep(0.01)
                delays.append(round(time.perf_counter() - started, 3))
            out[f"comment_to_mail_s_at_{size}_followers"] = delays
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    return out


def _scalar(db, sql: str) -> int:
    db.session.remove()
    return int(db.session.execute(text(sql)).scalar())


if __name__ == "__main__":
    main()
