"""Taking-part benchmark.

1. An initiative page with 500 comments (a third of them replies) and 200 participants:
   SQL statements per render (must not grow with the numbers) and p50/p95 render time,
   for a visitor and for the initiator (who also sees every participant and offer).
(The daily digest at city scale, once measured here, has its own bench: bench_digest.py.)

Usage: python bench/bench_participation.py --database URL
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import event, insert, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_map import percentile  # noqa: E402
from platform_core import transaction  # noqa: E402


def _users(db, count: int, prefix: str) -> list[int]:
    from werkzeug.security import generate_password_hash

    from platform_core.models import User, utcnow

    pw = generate_password_hash("bench-password")
    now = utcnow()
    rows = [
        {
            "email": f"{prefix}{i}@bench.example",
            "password_hash": pw,
            "display_name": f"Buur {i}",
            "consent_at": now,
            "created_at": now,
            "is_active_account": True,
            "notify_mode": "daily",
        }
        for i in range(count)
    ]
    for start in range(0, count, 2000):
        db.session.execute(insert(User), rows[start : start + 2000])
    transaction.commit()
    return list(db.session.scalars(text(f"SELECT id FROM user_account WHERE email LIKE '{prefix}%' ORDER BY id")))


def seed_page(app) -> tuple[int, str]:
    from initiatives.models import Initiative
    from participation.models import Comment, Participation
    from platform_core.extensions import db
    from platform_core.models import utcnow
    from tests.conftest import initiative_input

    with app.app_context():
        from initiatives.services import create_initiative
        from platform_core.accounts.services import register_user

        owner = register_user("owner@bench.example", "bench-password", "Olga", consent=True)
        item = create_initiative(owner, initiative_input(title="Drukbezocht plan"))
        people = _users(db, 200, "deelnemer")
        db.session.execute(
            insert(Participation),
            [
                {"initiative_id": item.id, "user_id": u, "offer": "Ik kan helpen met sjouwen", "created_at": utcnow()}
                for u in people
            ],
        )
        now = utcnow()
        tops = []
        for i in range(500):
            parent = tops[i % len(tops)] if i % 3 == 2 and tops else None
            c = Comment(
                initiative_id=item.id,
                parent_id=parent,
                author_id=people[i % 200],
                author_name=f"Buur {i % 200}",
                body=f"Reactie nummer {i} met wat tekst en een link https://example.org/{i}",
                status="published",
                created_at=now,
            )
            db.session.add(c)
            db.session.flush()
            if parent is None:
                tops.append(c.id)
        db.session.query(Initiative).filter_by(id=item.id).update({"participants_count": 200, "comments_count": 500})
        transaction.commit()
        return item.id, owner.email


def measure_page(app, item_id: int, owner_email: str, runs: int) -> dict:
    from platform_core.extensions import db

    statements = {"n": 0}
    with app.app_context():
        engine = db.engine

    def count(*_args, **_kw):
        statements["n"] += 1

    event.listen(engine, "before_cursor_execute", count)
    out = {}
    for who in ("visitor", "initiator"):
        client = app.test_client()
        if who == "initiator":
            from tests.conftest import login

            login(client, owner_email, "bench-password")
        url = f"/initiatieven/{item_id}"
        statements["n"] = 0
        html = client.get(url).get_data(as_text=True)
        assert "Reactie nummer" in html  # the first page of the discussion (10 comments)
        queries = statements["n"]
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            client.get(url)
            samples.append((time.perf_counter() - start) * 1000)
        out[who] = {
            "queries": queries,
            "p50_ms": round(statistics.median(samples), 1),
            "p95_ms": round(percentile(samples, 0.95), 1),
        }
    event.remove(engine, "before_cursor_execute", count)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", required=True)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    from bench.bench_digest import fresh_app
    from maps.boundaries import import_boundaries
    from maps.sample_geography import all_levels
    from schatkaart.demo import seed_themes

    app = fresh_app(args.database, TESTING=True)
    with app.app_context():
        for level, data in all_levels().items():
            import_boundaries(data, level)
        seed_themes()
    item_id, owner = seed_page(app)
    result = {
        "database": args.database.split(":")[0],
        "page": measure_page(app, item_id, owner, args.runs),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
