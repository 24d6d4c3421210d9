"""Credit ledger benchmark: 1M events over 50k people and 20 trajectories.

Reports p50/p95 for one person's balance and for a trajectory's standings, and the wall
time of ``credits verify`` over the whole ledger.

Usage: python bench/bench_credits.py --database URL [--events 1000000 --people 50000]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_map import percentile  # noqa: E402
from platform_core import transaction  # noqa: E402

KINDS = ["joined", "comment", "pluim_received", "meeting_attended", "initiative_placed"]


def rows(events: int, people: int, trajectories: list[int], first_user: int):
    rng = random.Random(3)
    start = datetime(2026, 1, 1)
    for i in range(events):
        kind = KINDS[i % len(KINDS)]
        created = start + timedelta(minutes=i // 3)
        yield (
            first_user + rng.randrange(people),
            trajectories[i % len(trajectories)],
            kind,
            "award",
            1 + i % 9,
            kind,
            i,
            0,
            "bench",
            created + timedelta(hours=48),
            created,
        )


def seed(app, events: int, people: int) -> tuple[list[int], list[int]]:
    from werkzeug.security import generate_password_hash

    from platform_core.extensions import db

    with app.app_context():
        if db.session.execute(text("SELECT count(*) FROM credit_event")).scalar() == events:
            users = [r[0] for r in db.session.execute(text("SELECT id FROM user_account ORDER BY id"))]
            traj = [r[0] for r in db.session.execute(text("SELECT id FROM trajectory ORDER BY id"))]
            return users, traj
        pw = generate_password_hash("x")
        db.session.execute(
            text(
                "INSERT INTO user_account (email, password_hash, display_name, consent_at, created_at,"
                " is_active_account, notify_mode)"
                " VALUES (:e, :p, :n, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, true, 'daily')"
            ),
            [{"e": f"b{i}@bench.example", "p": pw, "n": f"Buur {i}"} for i in range(people)],
        )
        db.session.execute(
            text(
                "INSERT INTO trajectory (title, question, department, starts_on, ends_on, created_at) VALUES"
                " (:t, 'Vraag?', 'Bench', '2026-01-01', '2026-12-31', CURRENT_TIMESTAMP)"
            ),
            [{"t": f"Traject {i}"} for i in range(20)],
        )
        transaction.commit()
        users = [r[0] for r in db.session.execute(text("SELECT id FROM user_account ORDER BY id"))]
        traj = [r[0] for r in db.session.execute(text("SELECT id FROM trajectory ORDER BY id"))]
        columns = (
            "user_id, trajectory_id, kind, entry, amount, source_type, source_id, rule_version, reason, available_at,"
            " created_at"
        )
        if db.engine.dialect.name == "postgresql":
            raw = db.session.connection().connection.dbapi_connection
            with raw.cursor() as cur, cur.copy(f"COPY credit_event ({columns}) FROM STDIN") as copy:
                for row in rows(events, people, traj, users[0]):
                    copy.write_row(row)
            raw.commit()
        else:
            insert = text(
                f"INSERT INTO credit_event ({columns}) VALUES (:u, :t, :k, :e, :a, :st, :si, :rv, :r, :av, :c)"
            )
            batch = []
            for row in rows(events, people, traj, users[0]):
                batch.append(dict(zip(["u", "t", "k", "e", "a", "st", "si", "rv", "r", "av", "c"], row, strict=True)))
                if len(batch) == 20000:
                    db.session.execute(insert, batch)
                    batch = []
            if batch:
                db.session.execute(insert, batch)
            transaction.commit()
        db.session.execute(
            text(
                "INSERT INTO credit_total (user_id, trajectory_id, total) SELECT user_id, trajectory_id, sum(amount)"
                " FROM credit_event GROUP BY user_id, trajectory_id"
            )
        )
        rng = random.Random(5)
        db.session.execute(
            text("INSERT INTO credit_standing_optin (user_id, trajectory_id) VALUES (:u, :t)"),
            [{"u": u, "t": t} for t in traj for u in rng.sample(users, len(users) // 10)],
        )
        transaction.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE"))
            transaction.commit()
        return users, traj


def timed(fn, args_list) -> dict:
    samples = []
    for args in args_list:
        start = time.perf_counter()
        fn(*args)
        samples.append((time.perf_counter() - start) * 1000)
    return {"p50_ms": round(statistics.median(samples), 2), "p95_ms": round(percentile(samples, 0.95), 2)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", required=True)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=50_000)
    args = parser.parse_args()

    from flask_migrate import upgrade

    from credits.services import balance, standings, verify
    from platform_core.extensions import db
    from schatkaart import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database, "SECRET_KEY": "bench", "TESTING": True})
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public; CREATE EXTENSION postgis"))
        upgrade()
    t0 = time.perf_counter()
    users, traj = seed(app, args.events, args.people)
    seeded = time.perf_counter() - t0
    rng = random.Random(9)
    with app.app_context():
        now = datetime(2026, 6, 1)
        result = {
            "database": args.database.split(":")[0],
            "events": args.events,
            "people": args.people,
            "seed_seconds": round(seeded, 1),
            "balance": timed(
                lambda u, t: balance(u, t, now=now), [(rng.choice(users), rng.choice(traj)) for _ in range(300)]
            ),
            "standings": timed(lambda t: standings(t), [(t,) for t in traj] * 5),
        }
        start = time.perf_counter()
        drift = verify()
        result["verify_seconds"] = round(time.perf_counter() - start, 2)
        result["verify_drift"] = len(drift)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
