"""What searching costs now that a question also finds theme names, compounds and typos, beside
the plain stem-prefix search it replaced, in one run, at two sizes measured alternately.

"plain" is the search as it was (every stem as a prefix, nothing else); "now" is the search the
list runs (themes, compounds from the index's vocabulary, a corrected question when nothing is
found). The vocabulary is read once per process and kept five minutes, as in production: the
first question after a write pays for it, and that cost is reported on its own ("vocabulary").

Usage: python bench/bench_search.py [--database URL] [--sizes 2000,20000] [--rounds 60]
Prints one JSON line per measurement: wall and CPU milliseconds per question (median).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = [
    "moestuin",
    "geveltuin",
    "speeltuin",
    "bankje",
    "boom",
    "plantsoen",
    "buurthuis",
    "fietsenstalling",
    "zonnepaneel",
    "wadi",
    "regenton",
    "bloembak",
    "picknicktafel",
    "jeu-de-boules",
    "ruilkast",
    "bibliotheekje",
    "koffieochtend",
]
#: A published initiative at a point, straight into the table (the search benches fill with it).
INSERT_INITIATIVE = (
    "INSERT INTO initiative (title, summary, description, description_html, type, municipal_role, status,"
    " geom, point, geom_type, lon, lat, owner_id, created_at, updated_at, last_activity_at, visibility)"
    " VALUES (:t, :s, '', '', 'initiative', 'none', 'idea', ST_GeomFromText('POINT(' || :lon || ' ' || :lat || ')',"
    " 4326), ST_GeomFromText('POINT(' || :lon || ' ' || :lat || ')', 4326), 'point', :lon, :lat, :o,"
    " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'published')"
)
QUESTIONS = {"tuin": "compound", "speelplek": "theme", "moestuinn": "typo", "bankjes": "plain word"}


def fill(size: int) -> None:
    from sqlalchemy import text

    from initiatives.search import rebuild_index
    from platform_core.extensions import db
    from platform_core.transaction import commit

    rng = random.Random(size)
    db.session.execute(text("DELETE FROM initiative_theme"))
    db.session.execute(text("DELETE FROM initiative"))
    owner = db.session.execute(text("SELECT id FROM user_account LIMIT 1")).scalar()
    themes = db.session.execute(text("SELECT id FROM theme")).scalars().all()
    rows = []
    for i in range(size):
        a, b = rng.sample(WORDS, 2)
        rows.append(
            {
                "t": f"{a.capitalize()} en {b} {i}",
                "s": f"Samen een {a} bij de {b} maken.",
                "o": owner,
                "lon": 5.1 + rng.random() * 0.02,
                "lat": 52.09 + rng.random() * 0.01,
            }
        )
    insert = text(INSERT_INITIATIVE)
    for start in range(0, size, 2000):
        db.session.execute(insert, rows[start : start + 2000])
    ids = db.session.execute(text("SELECT id FROM initiative")).scalars().all()
    db.session.execute(
        text("INSERT INTO initiative_theme (initiative_id, theme_id) VALUES (:i, :t)"),
        [{"i": i, "t": rng.choice(themes)} for i in ids[: size // 5]],
    )
    rebuild_index(db.session.connection())
    commit()


def measure(question: str, rounds: int, plain: bool) -> dict:
    from sqlalchemy import func, select

    from initiatives import search
    from initiatives.models import Initiative
    from platform_core.extensions import db

    walls, cpus = [], []
    for _ in range(rounds):
        w, c = time.perf_counter(), time.process_time()
        if plain:
            clause = search._text_clause_plain(question)
            stmt = select(func.count()).select_from(select(Initiative.id).where(clause).limit(1001).subquery())
            db.session.scalar(stmt)
        else:
            filters = search.Filters(q=question)
            base = search.apply_filters(select(Initiative), filters)
            total = db.session.scalar(select(func.count()).select_from(base.limit(1001).subquery()))
            if not total:
                meant = search.suggestion(question)
                if meant:
                    base = search.apply_filters(select(Initiative), search.Filters(q=meant))
                    db.session.scalar(select(func.count()).select_from(base.limit(1001).subquery()))
        walls.append((time.perf_counter() - w) * 1000)
        cpus.append((time.process_time() - c) * 1000)
    return {"wall_ms": round(statistics.median(walls), 3), "cpu_ms": round(statistics.median(cpus), 3)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database")
    parser.add_argument("--sizes", default="2000,20000")
    parser.add_argument("--rounds", type=int, default=60)
    args = parser.parse_args()

    from sqlalchemy import text

    from initiatives import search
    from platform_core.accounts.services import register_user
    from platform_core.extensions import db
    from platform_core.spatial import is_sqlite
    from platform_core.transaction import commit
    from schatkaart import create_app

    def plain_clause(q: str):  # the search as it was: every stem a prefix, nothing more
        from initiatives.models import Initiative

        stems = search.query_terms(q)
        if is_sqlite(db.session.get_bind()):
            match = " ".join(f'"{t}"*' for t in stems)
            return Initiative.id.in_(
                text("SELECT rowid FROM initiative_fts WHERE initiative_fts MATCH :m").bindparams(m=match)
            )
        query = " & ".join(f"{t}:*" for t in stems)
        return text(f"{search.PG_DOCUMENT} @@ to_tsquery('simple', :q)").bindparams(q=query)

    search._text_clause_plain = plain_clause
    url = args.database or f"sqlite:///{Path(tempfile.mkdtemp()) / 'search.db'}"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "MAIL_BACKEND": "console",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
        }
    )
    with app.app_context():
        from fresh import prepare  # this checkout's bench/fresh.py

        prepare()
        if not db.session.execute(text("SELECT count(*) FROM user_account")).scalar():
            register_user("bench@example.nl", "een-lang-wachtwoord", "Bench", consent=True, confirmed=True)
        commit()
        sizes = [int(s) for s in args.sizes.split(",")]
        for repeat in range(2):
            for size in sizes:
                fill(size)
                search.forget_vocabulary()
                w, c = time.perf_counter(), time.process_time()
                search.vocabulary()
                vocab = {
                    "wall_ms": round((time.perf_counter() - w) * 1000, 3),
                    "cpu_ms": round((time.process_time() - c) * 1000, 3),
                }
                print(
                    json.dumps({"size": size, "repeat": repeat, "question": "(vocabulary read)", **vocab}), flush=True
                )
                for question, kind in QUESTIONS.items():
                    for plain in (True, False):
                        row = {
                            "size": size,
                            "repeat": repeat,
                            "question": question,
                            "kind": kind,
                            "search": "plain" if plain else "now",
                            **measure(question, args.rounds, plain),
                        }
                        print(json.dumps(row), flush=True)
        db.session.remove()


if __name__ == "__main__":
    main()
