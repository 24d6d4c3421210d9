"""Write cost of one comment and one pluim on an initiative that already has 0, 1,000, 10,000 and
50,000 comments: time per write (service + commit, p50/p95) and rows written per write.

The same script runs against another checkout (``--root``), so the code before and after a change
is measured in one run on the same machine: ``bench/writes.sh`` does exactly that.

Each size has an initiative of its own, and every round writes once at every size, so the sizes
alternate and a change in the machine's load hits them alike; CPU time is reported beside wall
time, and the load average with the figures.

Usage: python bench/bench_writes.py --database URL [--root CHECKOUT] [--sizes 0,1000,10000,50000]
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, insert, text

WRITES = 30


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _fresh(url: str) -> None:
    if url.startswith("postgresql"):
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
        engine.dispose()
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)


def _factory():
    """create_app and the demo's themes wherever this checkout keeps them."""
    for package in ("schatkaart", "platform_core"):
        try:
            module = importlib.import_module(package)
        except ModuleNotFoundError:
            continue
        if hasattr(module, "create_app"):
            demo = importlib.import_module(f"{package}.demo")
            return module.create_app, demo.seed_themes
    raise ImportError("no create_app")


def plan(owner, title: str, summary: str):
    """An initiative of its own for one size of a bench, placed through the service in Utrecht."""
    from initiatives.services import InitiativeInput, create_initiative
    from platform_core.extensions import db

    item = create_initiative(
        owner, InitiativeInput(title=title, summary=summary, type="initiative", lat=52.095, lon=5.1)
    )
    db.session.flush()
    return item


def _rebuild(connection) -> None:
    for name in ("council.sources", "council.facts"):
        try:
            importlib.import_module(name).rebuild(connection)
            return
        except ModuleNotFoundError:
            continue


def _rows_written(db) -> int:
    """Rows this transaction inserted, updated or deleted so far."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        return connection.connection.dbapi_connection.total_changes
    return int(
        db.session.execute(
            text("SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables")
        ).scalar_one()
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", required=True)
    parser.add_argument("--root", default=str(Path(__file__).resolve().parents[1]))
    parser.add_argument("--sizes", default="0,1000,10000,50000")
    args = parser.parse_args()
    sys.path.insert(0, args.root)
    _fresh(args.database)

    create_app, seed_themes = _factory()
    from initiatives.models import Initiative
    from participation.models import Comment
    from participation.services import post_comment, toggle_pluim
    from platform_core import transaction  # from the checkout measured (--root)
    from platform_core.accounts.services import register_user
    from platform_core.extensions import db
    from platform_core.models import User, utcnow

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": args.database, "MAIL_BACKEND": "console", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1"}
    )
    out = {"database": args.database.split(":")[0], "root": args.root, "sizes": {}}
    with app.app_context():
        from fresh import prepare  # this checkout's bench/fresh.py

        prepare()
        people = []
        for i in range(WRITES + 2):
            people.append(register_user(f"buur{i}@bench.example", "bench-wachtwoord", f"Buur {i}", consent=True).id)
            transaction.commit()
        owner = db.session.get(User, people[0])
        sizes = [int(s) for s in args.sizes.split(",")]
        items = {}
        now = utcnow()
        for size in sizes:  # one initiative per size, each with its comments
            item = plan(owner, f"Een plan met {size} reacties", "Iedereen praat erover, dus er komen veel reacties.")
            rows = [
                {"initiative_id": item.id, "author_id": people[1 + n % WRITES], "author_name": "Buur",
                 "body": f"Reactie {n}", "status": "published", "created_at": now, "notify_replies": False,
                 "to_municipality": False, "pluim_count": 0}
                for n in range(size)
            ]  # fmt: skip
            for start in range(0, len(rows), 5000):
                db.session.execute(insert(Comment), rows[start : start + 5000])
            db.session.execute(
                text("UPDATE initiative SET comments_count = :n WHERE id = :i"), {"n": size, "i": item.id}
            )
            items[size] = item.id
        _rebuild(db.session.connection())
        transaction.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        out["load_average"] = os.getloadavg()
        samples = {(kind, size): ([], [], []) for kind in ("comment", "pluim") for size in sizes}
        for kind in ("comment", "pluim"):
            for n in range(WRITES):  # every round writes once at every size: load drift hits them alike
                for size in sizes:
                    db.session.remove()
                    person = db.session.get(User, people[1 + n])
                    start_rows = _rows_written(db)
                    started, cpu = time.perf_counter(), time.process_time()
                    if kind == "comment":
                        post_comment(db.session.get(Initiative, items[size]), f"Nog een reactie {n}", person)
                    else:
                        toggle_pluim(person, "initiative", items[size])
                    end_rows = _rows_written(db)
                    transaction.commit()
                    times, cpus, written = samples[(kind, size)]
                    times.append((time.perf_counter() - started) * 1000)
                    cpus.append((time.process_time() - cpu) * 1000)
                    written.append(end_rows - start_rows)
        for size in sizes:
            figures = {}
            for kind in ("comment", "pluim"):
                times, cpus, written = samples[(kind, size)]
                figures[kind] = {
                    "p50_ms": round(statistics.median(times), 2),
                    "p95_ms": round(percentile(times, 0.95), 2),
                    "cpu_p50_ms": round(statistics.median(cpus), 2),
                    "rows_written_median": statistics.median(written),
                }
            out["sizes"][size] = figures
            print(json.dumps({size: figures}), file=sys.stderr)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
