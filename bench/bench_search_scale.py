"""Searching the list at city scale: a rare word against a word in 80 % of the initiatives,
ranked by relevance as the list does by default, before and after the ranking change, at two
sizes measured alternately (A, B, A, B) in one run.

"before" searches as the list did: every match collected first (``id IN (SELECT rowid ...)``), each
then ranked by a full-text match of its own (SQLite: a correlated FTS5 subquery for bm25;
PostgreSQL: ts_rank over a tsvector parsed again from the text per row; its match now reads the
stored column, as the old expression index is gone after migration 0026).
"after" is the list as it is now. Each question is the gallery's two statements: the bounded
count (at most 1,001 rows) and the first page of 24, ordered by relevance. The page cache plays
no part (the statements are run directly). A measurement that passes ``--cap`` seconds stops
after that round and says so: the old ranking is quadratic, and one common word at 10,000
initiatives took 12 CPU seconds.

Usage: python bench/bench_search_scale.py [--database URL] [--sizes 10000,100000] [--rounds 5] [--cap 60]
       [--keep] [--root CHECKOUT]
Prints the load average, then one JSON line per measurement: median and p95 wall and median CPU ms per
question.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if "--root" in sys.argv:  # another checkout's code (the commit before a change), this bench's own helpers
    sys.path.insert(0, str(Path(sys.argv[sys.argv.index("--root") + 1]).resolve()))
sys.path.insert(1 if "--root" in sys.argv else 0, str(ROOT))

from bench.bench_search import INSERT_INITIATIVE  # noqa: E402

COMMON, RARE = "buurt", "zonneboiler"
FILLER = ["bankje", "boom", "plantsoen", "wadi", "regenton", "bloembak", "picknicktafel", "ruilkast", "speeltuin"]


def fill(size: int) -> None:
    from sqlalchemy import text

    from initiatives.search import rebuild_index
    from platform_core.extensions import db
    from platform_core.transaction import commit

    rng = random.Random(size)
    db.session.execute(text("DELETE FROM initiative_theme"))
    db.session.execute(text("DELETE FROM initiative"))
    owner = db.session.execute(text("SELECT id FROM user_account LIMIT 1")).scalar()
    insert = text(INSERT_INITIATIVE)
    batch = []
    for i in range(size):
        a, b = rng.sample(FILLER, 2)
        words = [a, b]
        if rng.random() < 0.8:
            words.append(COMMON)
        if i % 1000 == 7:
            words.append(RARE)
        rng.shuffle(words)
        batch.append({"t": f"{a.capitalize()} {i}", "s": "Samen een " + " en ".join(words) + " maken.",
                      "o": owner, "lon": 5.1 + rng.random() * 0.02, "lat": 52.09 + rng.random() * 0.01})  # fmt: skip
        if len(batch) == 5000:
            db.session.execute(insert, batch)
            batch.clear()
    if batch:
        db.session.execute(insert, batch)
    rebuild_index(db.session.connection())
    commit()
    if db.engine.dialect.name == "postgresql":  # as autovacuum would: no dead rows, fresh statistics
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE initiative"))


def old_order(stmt, filters):
    """The ranking as it was: the full-text match run again for every matching row."""
    from sqlalchemy import text

    from initiatives import search
    from initiatives.models import Initiative
    from platform_core.extensions import db
    from platform_core.spatial import is_sqlite

    if is_sqlite(db.session.get_bind()):
        rank = text(
            "(SELECT bm25(initiative_fts, 10.0, 3.0, 1.0) FROM initiative_fts"
            " WHERE initiative_fts MATCH :rank_q AND initiative_fts.rowid = initiative.id)"
        ).bindparams(rank_q=search.fts_query(filters.q))
    else:
        rank = text(f"-ts_rank({search.PG_DOCUMENT}, to_tsquery('simple', :rank_q))").bindparams(
            rank_q=search.ts_query(filters.q)
        )
    return stmt.order_by(rank, Initiative.created_at.desc(), Initiative.id.desc())


def measure(word: str, rounds: int, cap: float, before: bool) -> dict:
    import importlib.util

    from sqlalchemy import func, select

    from initiatives import search
    from initiatives.models import Initiative
    from platform_core.extensions import db

    # the ranking moved to initiatives.ranking (session 17); an older checkout has it in search
    rank = importlib.import_module("initiatives.ranking") if importlib.util.find_spec("initiatives.ranking") else search
    walls, cpus, found, capped = [], [], 0, False
    for _ in range(rounds):
        w, c = time.perf_counter(), time.process_time()
        filters = search.Filters(q=word, sort="relevantie")
        if before:  # every match collected (IN), then each ranked by its own full-text match
            base = search.apply_filters(select(Initiative), search.Filters()).where(search.keyword_clause(word))
            found = db.session.scalar(select(func.count()).select_from(base.limit(1001).subquery()))
            page = db.session.scalars(old_order(base, filters).limit(24)).all()
        else:
            base = search.apply_filters(select(Initiative), filters)
            if hasattr(rank, "bounded_count"):  # the list's own count, where the code has one
                found = rank.bounded_count(base, 1000)
            else:
                found = db.session.scalar(select(func.count()).select_from(base.limit(1001).subquery()))
            page = rank.results(base, filters, 0, 24)
        assert page or not found
        walls.append((time.perf_counter() - w) * 1000)
        cpus.append((time.process_time() - c) * 1000)
        db.session.rollback()
        if walls[-1] > cap * 1000:
            capped = True
            break
    p95 = sorted(walls)[max(0, round(0.95 * len(walls)) - 1)]  # of 20 rounds the 19th; of 7 the slowest
    return {"found": found, "wall_ms": round(statistics.median(walls), 2), "p95_ms": round(p95, 2),
            "cpu_ms": round(statistics.median(cpus), 2), "rounds": len(walls), "stopped_at_cap": capped}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database")
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--cap", type=float, default=60.0)
    parser.add_argument("--keep", action="store_true",
                        help="measure the initiatives already there (one size: as many as there are)")  # fmt: skip
    parser.add_argument("--root", help="the checkout whose code is measured (default: this one)")
    parser.add_argument("--skip-before-above", type=int, default=20000,
                        help="sizes above this measure only 'after' (the old ranking would take hours)")  # fmt: skip
    args = parser.parse_args()

    from sqlalchemy import text

    from initiatives import search
    from platform_core.accounts.services import register_user
    from platform_core.extensions import db
    from platform_core.transaction import commit
    from schatkaart import create_app

    url = args.database or f"sqlite:///{Path(tempfile.mkdtemp()) / 'search.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "MAIL_BACKEND": "console",
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1", "PAGE_CACHE_SECONDS": 0})  # fmt: skip
    print(json.dumps({"load_average": os.getloadavg(), "database": url.split(":")[0]}), flush=True)
    with app.app_context():
        from fresh import prepare  # this checkout's bench/fresh.py

        prepare(themes=False)
        if not db.session.execute(text("SELECT count(*) FROM user_account")).scalar():
            register_user("bench@example.nl", "een-lang-wachtwoord", "Bench", consent=True, confirmed=True)
        commit()
        sizes = [int(s) for s in args.sizes.split(",")]
        if args.keep:
            sizes = [db.session.execute(text("SELECT count(*) FROM initiative")).scalar()]
        for repeat in range(2):
            for size in sizes:
                if not args.keep and db.session.execute(text("SELECT count(*) FROM initiative")).scalar() != size:
                    fill(size)  # once per size: the second repeat measures the same initiatives
                search.forget_vocabulary()
                search.vocabulary()
                for word in (RARE, COMMON):
                    for before in (True, False):
                        if before and size > args.skip_before_above:
                            continue
                        ranking = "before" if before else "after"
                        row = {"size": size, "repeat": repeat, "word": word, "ranking": ranking,
                               **measure(word, args.rounds, args.cap, before), "load": os.getloadavg()[0]}  # fmt: skip
                        print(json.dumps(row), flush=True)
        db.session.remove()


if __name__ == "__main__":
    main()
