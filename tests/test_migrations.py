"""Migrations hold with data, up and one step down, on the database this pass runs on (issue 26).

A fresh database gets the first revision and data in it (a municipality, a buurt, people, an
initiative, then a comment and a participation once their tables exist). Then every revision is
applied, undone one step and applied again. At the head the data is all there and the derived
data (council facts, the map grid, the search index) has been rebuilt by today's code, because
the migrations themselves only name what to rebuild (``REBUILDS``) and never run it."""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text

from platform_core.extensions import db

WKT_AREA = "MULTIPOLYGON(((5.09 52.09, 5.11 52.09, 5.11 52.10, 5.09 52.10, 5.09 52.09)))"
GEOJSON_AREA = (
    '{"type":"MultiPolygon","coordinates":[[[[5.09,52.09],[5.11,52.09],[5.11,52.1],[5.09,52.1],[5.09,52.09]]]]}'
)


@pytest.fixture
def fresh_database(tmp_path):
    """A database of its own: a file on SQLite, a new database in the test cluster on PostgreSQL."""
    if os.environ.get("TEST_DATABASE", "sqlite") != "postgresql":
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    base = os.environ["TEST_POSTGRES_URL"]
    name = f"schatkaart_mig_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    url = base.rsplit("/", 1)[0] + "/" + name
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
    engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def _revisions(app) -> list[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def _seed_first(connection) -> None:
    now = "2026-03-02 10:00:00"
    geom = "ST_GeomFromText(:wkt, 4326)"
    connection.execute(
        text(
            "INSERT INTO area (id, level, code, name, geom, display_geojson, updated_at) VALUES"
            f" (1, 'gemeente', 'GM9999', 'Proefstad', {geom}, :gj, :now),"
            f" (2, 'buurt', 'BU99990001', 'Proefbuurt', {geom}, :gj, :now)"
        ),
        {"wkt": WKT_AREA, "gj": GEOJSON_AREA, "now": now},
    )
    connection.execute(text("INSERT INTO municipality (id, code, name, area_id) VALUES (1, 'GM9999', 'Proefstad', 1)"))
    for uid in (1, 2):
        connection.execute(
            text(
                "INSERT INTO user_account (id, email, password_hash, display_name, consent_at, created_at,"
                " is_active_account) VALUES (:i, :e, 'x', :n, :now, :now, :t)"
            ),
            {"i": uid, "e": f"p{uid}@example.nl", "n": f"Persoon {uid}", "now": now, "t": True},
        )
    connection.execute(
        text(
            "INSERT INTO initiative (id, title, summary, description, description_html, type, municipal_role,"
            " status, geom, point, geom_type, lon, lat, area_id, owner_id, created_at, updated_at) VALUES"
            " (1, 'Moestuinen in de Proefbuurt', 'Samen groente kweken', 'Wij zoeken tuiniers.', '<p>x</p>',"
            " 'zelfbeheer', 'geen', 'idee', ST_GeomFromText('POINT(5.1 52.095)', 4326),"
            " ST_GeomFromText('POINT(5.1 52.095)', 4326), 'point', 5.1, 52.095, 2, 1, :now, :now)"
        ),
        {"now": now},
    )


def _seed_taking_part(connection) -> None:
    connection.execute(
        text(
            "INSERT INTO comment (id, initiative_id, author_id, author_name, notify_replies, body, status,"
            " pluim_count, created_at) VALUES (1, 1, 2, 'Persoon 2', :f, 'Mooi plan!', 'published', 0,"
            " '2026-03-03 09:00:00')"
        ),
        {"f": False},
    )
    connection.execute(
        text(
            "INSERT INTO participation (id, initiative_id, user_id, offer, created_at)"
            " VALUES (1, 1, 2, 'Een schop', '2026-03-03 09:05:00')"
        )
    )


def _seed_dutch_settings(connection) -> None:
    connection.execute(
        text(
            "INSERT INTO site_setting (key, value) VALUES ('type.zelfbeheer.nl', 'Buurtbeheer'),"
            " ('challenge_who', 'inwoner,organisatie')"
        )  # fmt: skip
    )


def _settings(connection) -> dict:
    rows = connection.execute(
        text("SELECT key, value FROM site_setting WHERE key LIKE 'type.%' OR key = 'challenge_who'")
    )
    return dict(rows.all())


def test_every_revision_upgrades_with_data_and_downgrades_one_step(app, fresh_database):
    from flask_migrate import downgrade, upgrade

    from schatkaart import create_app

    migrating = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": fresh_database, "SECRET_KEY": "x"})
    migrating.config["SPATIALITE_LIBRARY"] = app.config["SPATIALITE_LIBRARY"]
    with migrating.app_context():
        revisions = _revisions(migrating)
        assert revisions[0] == "0001"
        assert len(revisions) >= 20
        upgrade(revision="0001")
        with db.engine.begin() as connection:
            _seed_first(connection)
        for previous, revision in zip(revisions, revisions[1:], strict=False):
            upgrade(revision=revision)
            downgrade(revision=previous)
            upgrade(revision=revision)
            if revision == "0002":  # (undoing 0002 drops its tables: the data comes after)
                with db.engine.begin() as connection:
                    _seed_taking_part(connection)
            if revision == "0020":  # the last revision with Dutch codes: what an administrator set
                with db.engine.begin() as connection:
                    _seed_dutch_settings(connection)
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT title FROM initiative")).scalars().all() == [
                "Moestuinen in de Proefbuurt"
            ]
            assert connection.execute(text("SELECT body FROM comment")).scalars().all() == ["Mooi plan!"]
            assert connection.execute(text("SELECT offer FROM participation")).scalars().all() == ["Een schop"]
            # derived data, rebuilt at the head by today's code: facts, the grid, the search stems
            assert connection.execute(text("SELECT count(*) FROM contribution_fact")).scalar() >= 2
            assert connection.execute(text("SELECT count(*) FROM map_cell")).scalar() > 0
            stems = connection.execute(text("SELECT search_text FROM initiative")).scalar()
            assert stems
            assert "moestuin" in stems
            assert connection.execute(text("SELECT count(*) FROM schema_rebuild_pending")).scalar() == 0
            # stored codes in one language (0021): the rows written with Dutch codes read English
            codes = "SELECT type, municipal_role, status FROM initiative"
            assert connection.execute(text(codes)).one() == ("self_management", "none", "idea")
            levels = text("SELECT level FROM area ORDER BY id")
            assert connection.execute(levels).scalars().all() == ["municipality", "neighbourhood"]
            assert _settings(connection) == {
                "type.self_management.nl": "Buurtbeheer",
                "challenge_who": "individual,organisation",
            }
        downgrade(revision="0020")  # and back, exactly as they were
        with db.engine.connect() as connection:
            assert connection.execute(text(codes)).one() == ("zelfbeheer", "geen", "idee")
            assert connection.execute(levels).scalars().all() == ["gemeente", "buurt"]
            assert _settings(connection) == {
                "type.zelfbeheer.nl": "Buurtbeheer",
                "challenge_who": "inwoner,organisatie",
            }
        upgrade()
        from council.sources import verify

        with db.engine.connect() as connection:
            result = verify(connection)
        assert (result["missing"], result["extra"]) == ([], [])
        db.engine.dispose()


def test_no_migration_imports_the_application():
    """Each migration carries frozen copies of what it needs; today's code only rebuilds derived
    data at the head (migrations/env.py), never inside a step."""
    import ast
    import sys
    from pathlib import Path

    allowed = {"alembic", "sqlalchemy", "geoalchemy2", "__future__"} | set(sys.stdlib_module_names)
    found = []
    for path in sorted((Path(__file__).resolve().parent.parent / "migrations/versions").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            found += [f"{path.name}: {name}" for name in names if name.split(".")[0] not in allowed]
    assert found == []
