"""Council benchmark: the dashboard and the outcome review on 100k initiatives, 1M contributions, 50k people.

Seeds (once per database) 50k people, 20 trajectories, 100k initiatives over the buurten, and
900k further contributions (joining, comments, pluimen, responses to needs, meeting attendance),
so with the initiatives themselves 1M contributions; then rebuilds the contribution facts
and times, through the real views as a council member sees them:

- ``/raad`` for a set of filter combinations (none, each filter alone, and combinations),
- ``/raad/trajecten/<id>`` (the outcome review) for every trajectory.

Usage: python bench/bench_council.py --database URL [--initiatives 100000 --contributions 1000000]
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

from sqlalchemy import insert, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_map import percentile, seed_geography  # noqa: E402
from platform_core import transaction  # noqa: E402

START = datetime(2025, 1, 6, 9, 0)
DAYS = 700
TYPES = ["initiative", "self_management", "participation", "liveability"]
STATUSES = ["idea", "preparing", "in_progress", "completed", "stopped"]


def _copy(table, rows: list[dict]) -> None:
    from platform_core.extensions import db

    if not rows:
        return
    if db.engine.dialect.name == "postgresql":
        columns = list(rows[0])
        raw = db.session.connection().connection.dbapi_connection
        with raw.cursor() as cur, cur.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])
        return
    for start in range(0, len(rows), 20000):
        db.session.execute(insert(table), rows[start : start + 20000])


def when(rng: random.Random, after: datetime | None = None) -> datetime:
    base = after or START
    span = max(1, (START + timedelta(days=DAYS) - base).days)
    return base + timedelta(days=rng.randrange(span), minutes=rng.randrange(600))


def seed(app, initiatives: int, contributions: int, people: int) -> dict:
    from werkzeug.security import generate_password_hash

    from ambassadors.models import Attendance, Meeting
    from council.sources import rebuild
    from credits.models import CreditTotal
    from initiatives.models import Initiative, initiative_theme
    from maps.models import Area
    from participation.models import Comment, Need, NeedResponse, Participation, Pluim
    from platform_core.extensions import db
    from platform_core.models import User, UserRole
    from platform_core.workdays import working_days_between
    from response.models import Feedback
    from trajectories.models import Outcome, Trajectory

    rng = random.Random(11)
    with app.app_context():
        # Seeded before (each run's write measurement adds 100 comments, so "at least").
        if db.session.execute(text("SELECT count(*) FROM contribution_fact")).scalar() >= contributions:
            return {"seeded": False}
        seed_geography()
        transaction.commit()
        pw = generate_password_hash("bench-password")
        _copy(
            User.__table__,
            [
                {
                    "email": f"b{i}@bench.example",
                    "password_hash": pw,
                    "display_name": f"Buur {i}",
                    "consent_at": START,
                    "created_at": START,
                    "is_active_account": True,
                    "notify_mode": "daily",
                }
                for i in range(people)
            ],
        )
        transaction.commit()
        users = [r[0] for r in db.session.execute(text("SELECT id FROM user_account ORDER BY id"))]
        council = users[0]
        _copy(UserRole.__table__, [{"user_id": council, "role": "council"}])
        _copy(
            Trajectory.__table__,
            [
                {
                    "title": f"Traject {i:02d}",
                    "question": "Wat maken we samen in de buurt?",
                    "department": "Bench",
                    "starts_on": START.date(),
                    "ends_on": (START + timedelta(days=DAYS)).date(),
                    "created_at": START,
                }
                for i in range(20)
            ],
        )
        transaction.commit()
        trajectories = [r[0] for r in db.session.execute(text("SELECT id FROM trajectory ORDER BY id"))]
        buurten = [
            (a.id, a.display_geojson)
            for a in db.session.query(Area).filter(Area.level == "neighbourhood").order_by(Area.id)
        ]
        centres = {}
        for area_id, geojson in buurten:
            ring = json.loads(geojson)["coordinates"]
            while isinstance(ring[0][0], list):
                ring = ring[0]
            xs, ys = [p[0] for p in ring], [p[1] for p in ring]
            centres[area_id] = (sum(xs) / len(xs), sum(ys) / len(ys))
        rows = []
        for i in range(initiatives):
            area_id = rng.choice(buurten)[0]
            x, y = centres[area_id]
            created = when(rng)
            answered = created + timedelta(hours=rng.randrange(1, 400)) if rng.random() < 0.8 else None
            rows.append(
                {
                    "title": f"Initiatief {i}",
                    "summary": "Voor de meting.",
                    "description": "",
                    "description_html": "",
                    "type": TYPES[i % 4],
                    "municipal_role": "none",
                    "status": rng.choice(STATUSES),
                    "geom": f"SRID=4326;POINT({x} {y})",
                    "point": f"SRID=4326;POINT({x} {y})",
                    "geom_type": "POINT",
                    "lon": x,
                    "lat": y,
                    "area_id": area_id,
                    "owner_id": rng.choice(users),
                    "budget_requested": rng.choice([None, 500, 2000, 5000]),
                    "budget_granted": rng.choice([None, 400, 1500]),
                    "budget_spent": rng.choice([None, 300, 1200]),
                    "created_at": created,
                    "updated_at": created,
                    "last_activity_at": created,
                    "visibility": "published",
                    "trajectory_id": rng.choice(trajectories) if rng.random() < 0.7 else None,
                    "first_response_at": answered,
                    "first_response_hours": round((answered - created).total_seconds() / 3600, 4) if answered else None,
                    "first_response_workdays": round(working_days_between(created, answered), 4) if answered else None,
                }
            )
        if db.engine.dialect.name == "sqlite":
            stmt = text(
                "INSERT INTO initiative (title, summary, description, description_html, type, municipal_role, status,"
                " geom, point, geom_type, lon, lat, area_id, owner_id, budget_requested, budget_granted,"
                " budget_spent, created_at, updated_at, last_activity_at, visibility, trajectory_id,"
                " first_response_at, first_response_hours, first_response_workdays, participants_count,"
                " comments_count, pluim_count) VALUES (:title, :summary, '', '', :type, 'none', :status,"
                " GeomFromEWKT(:geom), GeomFromEWKT(:point), 'POINT', :lon, :lat, :area_id, :owner_id,"
                " :budget_requested, :budget_granted, :budget_spent, :created_at, :updated_at, :last_activity_at,"
                " 'published', :trajectory_id, :first_response_at, :first_response_hours,"
                " :first_response_workdays, 0, 0, 0)"
            )
            for start in range(0, len(rows), 10000):
                db.session.execute(stmt, rows[start : start + 10000])
        else:
            _copy(Initiative.__table__, rows)
        transaction.commit()
        items = db.session.execute(text("SELECT id, created_at, owner_id, status FROM initiative ORDER BY id")).all()
        if isinstance(items[0][1], str):
            items = [(i, datetime.fromisoformat(c), o, s) for i, c, o, s in items]
        themes = [r[0] for r in db.session.execute(text("SELECT id FROM theme"))]
        _copy(
            initiative_theme,
            [{"initiative_id": i, "theme_id": t} for i, *_ in items for t in rng.sample(themes, 1 + (i % 2))],
        )

        remaining = contributions - initiatives
        shares = {"join": 0.33, "comment": 0.44, "pluim": 0.17, "need": 0.04, "attend": 0.02}
        made = {k: int(remaining * v) for k, v in shares.items()}
        made["comment"] += remaining - sum(made.values())
        seen: set = set()

        def pairs(n: int, tag: str):
            while n:
                item = rng.choice(items)
                person = rng.choice(users)
                if (tag, item[0], person) in seen:
                    continue
                seen.add((tag, item[0], person))
                n -= 1
                yield item, person

        _copy(
            Participation.__table__,
            [
                {"initiative_id": it[0], "user_id": p, "created_at": when(rng, it[1])}
                for it, p in pairs(made["join"], "j")
            ],
        )
        _copy(
            Comment.__table__,
            [
                {
                    "initiative_id": it[0],
                    "author_id": p,
                    "author_name": "Buur",
                    "body": "Goed idee, ik denk mee.",
                    "status": "published",
                    "notify_replies": False,
                    "pluim_count": 0,
                    "to_municipality": False,
                    "created_at": when(rng, it[1]),
                }
                for it, p in ((rng.choice(items), rng.choice(users)) for _ in range(made["comment"]))
            ],
        )
        _copy(
            Pluim.__table__,
            [
                {"user_id": p, "target_type": "initiative", "target_id": it[0], "created_at": when(rng, it[1])}
                for it, p in pairs(made["pluim"], "p")
            ],
        )
        need_items = rng.sample(items, made["need"] // 3)
        _copy(
            Need.__table__,
            [
                {"initiative_id": it[0], "title": "Handen", "description": "", "is_open": True, "created_at": it[1]}
                for it in need_items
            ],
        )
        transaction.commit()
        needs = db.session.execute(text("SELECT id, created_at FROM need")).all()
        need_rows, need_seen = [], set()
        while len(need_rows) < made["need"]:
            need_id, created = rng.choice(needs)
            person = rng.choice(users)
            if (need_id, person) in need_seen:
                continue
            need_seen.add((need_id, person))
            created = datetime.fromisoformat(created) if isinstance(created, str) else created
            need_rows.append({"need_id": need_id, "user_id": person, "message": "", "created_at": when(rng, created)})
        _copy(NeedResponse.__table__, need_rows)
        _copy(
            Meeting.__table__,
            [
                {
                    "title": f"Bijeenkomst {i}",
                    "starts_at": when(rng),
                    "place": "Buurthuis",
                    "area_id": rng.choice(buurten)[0],
                    "trajectory_id": rng.choice(trajectories),
                    "organiser_id": council,
                    "created_at": START,
                }
                for i in range(max(1, made["attend"] // 40))
            ],
        )
        transaction.commit()
        meetings = [r[0] for r in db.session.execute(text("SELECT id FROM meeting"))]
        attend_seen, attend_rows = set(), []
        while len(attend_rows) < made["attend"]:
            meeting, person = rng.choice(meetings), rng.choice(users)
            if (meeting, person) in attend_seen:
                continue
            attend_seen.add((meeting, person))
            attend_rows.append(
                {"meeting_id": meeting, "user_id": person, "count": 1, "registered_by_id": council, "created_at": START}
            )
        _copy(Attendance.__table__, attend_rows)
        answered = [it for it in items if rng.random() < 0.3]
        _copy(
            Feedback.__table__,
            [
                {
                    "initiative_id": it[0],
                    "author_id": council,
                    "department": "Bench",
                    "body": "Dank u, wij kijken mee.",
                    "created_at": it[1] + timedelta(days=2),
                }
                for it in answered
            ],
        )
        _copy(
            Outcome.__table__,
            [
                {
                    "initiative_id": it[0],
                    "kind": rng.choice(["realised", "policy", "handed_over", "stopped"]),
                    "reason": "Zo is het gegaan.",
                    "decided_on": (it[1] + timedelta(days=60)).date(),
                    "reported_by_id": it[2],
                    "created_at": it[1] + timedelta(days=60),
                }
                for it in items
                if it[3] in ("completed", "stopped") and rng.random() < 0.6
            ],
        )
        credit_seen, credit_rows = set(), []
        while len(credit_rows) < people * 4:
            key = (rng.choice(users), rng.choice(trajectories))
            if key in credit_seen:
                continue
            credit_seen.add(key)
            credit_rows.append({"user_id": key[0], "trajectory_id": key[1], "total": rng.randrange(1, 200)})
        _copy(CreditTotal.__table__, credit_rows)
        transaction.commit()
        started = time.perf_counter()
        facts = rebuild(db.session.connection())
        transaction.commit()
        rebuild_seconds = time.perf_counter() - started
        db.session.execute(text("ANALYZE"))
        transaction.commit()
        if db.engine.dialect.name == "postgresql":  # as autovacuum would after a bulk load
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM ANALYZE")
        return {"seeded": True, "facts": facts, "rebuild_seconds": round(rebuild_seconds, 1)}


def combinations(app) -> list[tuple[str, str]]:
    from platform_core.extensions import db

    with app.app_context():
        trajectory = db.session.execute(text("SELECT min(id) FROM trajectory")).scalar()
        wijk = db.session.execute(text("SELECT min(code) FROM area WHERE level = 'district'")).scalar()
        buurt = db.session.execute(
            text(
                "SELECT a.code FROM area a JOIN initiative i ON i.area_id = a.id GROUP BY a.code ORDER BY count(*) DESC"
            )
        ).first()[0]
        theme = db.session.execute(text("SELECT min(id) FROM theme")).scalar()
    return [
        ("geen filter", ""),
        ("traject", f"traject={trajectory}"),
        ("district", f"area={wijk}"),
        ("neighbourhood", f"area={buurt}"),
        ("thema", f"thema={theme}"),
        ("soort", "type=zelfbeheer"),
        ("periode: een maand", "van=2025-06-01&tot=2025-06-30"),
        ("periode: een jaar", "van=2025-01-01&tot=2025-12-31"),
        ("traject + wijk + soort", f"traject={trajectory}&area={wijk}&type=initiative"),
        ("thema + periode", f"thema={theme}&van=2025-03-01&tot=2025-08-31"),
        ("soort + periode", "type=participatie&van=2025-01-01&tot=2025-12-31"),
        (
            "alles",
            f"traject={trajectory}&area={buurt}&thema={theme}&type=initiative&van=2025-01-01&tot=2026-06-30",
        ),
    ]


def sample(client, url: str, runs: int) -> list[float]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        out.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return out


def summary(samples: list[float]) -> dict:
    return {"p50_ms": round(statistics.median(samples), 1), "p95_ms": round(percentile(samples, 0.95), 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", required=True)
    parser.add_argument("--initiatives", type=int, default=100_000)
    parser.add_argument("--contributions", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()

    from flask_migrate import upgrade

    from platform_core.extensions import db
    from schatkaart import create_app

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": args.database,
            "SECRET_KEY": "bench",
            "RATELIMIT_ENABLED": False,
            "TESTING": True,
            "TWO_FACTOR_ROLES": (),
        }
    )
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            present = db.session.execute(text("SELECT to_regclass('initiative_fact') IS NOT NULL")).scalar()
            facts = present and db.session.execute(text("SELECT count(*) FROM contribution_fact")).scalar()
            if not facts or facts < args.contributions:
                transaction.rollback()
                with db.engine.begin() as conn:
                    conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public; CREATE EXTENSION postgis"))
            transaction.rollback()
        upgrade()
    t0 = time.perf_counter()
    info = seed(app, args.initiatives, args.contributions, args.people)
    info["seed_seconds"] = round(time.perf_counter() - t0, 1)
    with app.app_context():
        council = db.session.execute(
            text("SELECT user_id FROM user_role WHERE role = 'council' ORDER BY user_id")
        ).scalar()
        version = db.session.execute(
            text("SELECT session_version FROM user_account WHERE id = :id"), {"id": council}
        ).scalar()
        # The council member has read the current privacy statement (else every page asks first).
        db.session.execute(
            text("UPDATE user_account SET consent_version = :v WHERE id = :id"),
            {"v": app.config["PRIVACY_STATEMENT_VERSION"], "id": council},
        )
        transaction.commit()
        counts = {
            table: db.session.execute(text(f"SELECT count(*) FROM {table}")).scalar()
            for table in ("initiative", "contribution_fact", "user_account", "participation", "comment", "pluim")
        }
        trajectories = [r[0] for r in db.session.execute(text("SELECT id FROM trajectory ORDER BY id"))]
        # What one process pays, in the background, for its snapshot of the facts (council.cube).
        from council.cube import read_fresh

        reads = []
        for _ in range(3):
            started = time.perf_counter()
            held = read_fresh()
            reads.append((time.perf_counter() - started) * 1000)
        snapshot_bytes = getattr(held, "nbytes", None)  # what a worker keeps (code before it: not said)
    client = app.test_client()
    with client.session_transaction() as session:
        # As a logged-in session looks (versioned id, login and last-seen times); the bench user has no
        # second factor, so the app is told not to ask one of this role (TWO_FACTOR_ROLES below).
        session["_user_id"] = f"{council}:{version}"
        session["_fresh"] = True
        session["auth_at"] = session["seen_at"] = int(time.time())
    dashboard = {}
    everything: list[float] = []
    for label, query in combinations(app):
        samples = sample(client, f"/raad?{query}", args.runs)
        everything += samples
        dashboard[label] = summary(samples)
    review: list[float] = []
    for trajectory in trajectories:
        review += sample(client, f"/raad/trajecten/{trajectory}", max(1, args.runs // 5))
    # What keeping the facts exact costs a write at this size: a real comment through the service.
    from initiatives.models import Initiative
    from participation.services import post_comment
    from platform_core.models import User

    refresh_ms = []
    with app.app_context():
        ids = [r[0] for r in db.session.execute(text("SELECT id FROM initiative ORDER BY id LIMIT 200"))]
        people = [r[0] for r in db.session.execute(text("SELECT id FROM user_account ORDER BY id LIMIT 100"))]
        for initiative_id, person in zip(ids[::2], people, strict=False):
            started = time.perf_counter()
            post_comment(db.session.get(Initiative, initiative_id), "Goed plan!", db.session.get(User, person))
            transaction.commit()
            refresh_ms.append((time.perf_counter() - started) * 1000)
    result = {
        "database": args.database.split(":")[0],
        **info,
        "rows": counts,
        "dashboard": dashboard,
        "dashboard_all": summary(everything),
        "review": summary(review),
        "comment_write": summary(refresh_ms),
        "snapshot_read_ms": round(min(reads)),
        "snapshot_mib": None if snapshot_bytes is None else round(snapshot_bytes / 2**20, 1),
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
