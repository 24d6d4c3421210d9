"""When the database is gone: a Dutch 503 page (JSON on the API), nothing half-written, and
the next request after it is back works without restarting the app."""

from __future__ import annotations

import socket

from platform_core.extensions import db


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nobody listens once the probe is closed


def _app(uri: str):
    from schatkaart import create_app

    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": "test-secret"})


def test_unreachable_postgresql_answers_503_in_dutch_and_json_on_the_api():
    app = _app(f"postgresql://schatkaart:x@127.0.0.1:{_closed_port()}/schatkaart")
    client = app.test_client()
    page = client.get("/")
    assert page.status_code == 503
    assert "even niet bereikbaar" in page.get_data(as_text=True)
    assert page.headers["Retry-After"] == "30"
    api = client.get("/api/initiatives?bbox=5.0,52.0,5.2,52.2&zoom=12")
    assert api.status_code == 503
    assert api.get_json()["status"] == 503
    with app.app_context():
        db.engine.dispose()


def test_the_app_recovers_without_a_restart_when_the_database_returns(app, tmp_path, place):
    """The database file sits in a folder that is not there yet (a volume not mounted): 503;
    once it is there, the same app serves the page."""
    place(title="Bankje bij de school")
    target = tmp_path / "volume" / "schatkaart.db"
    restored = _app(f"sqlite:///{target}")
    restored.config["SPATIALITE_LIBRARY"] = app.config["SPATIALITE_LIBRARY"]
    client = restored.test_client()
    assert client.get("/initiatieven").status_code == 503
    target.parent.mkdir()
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            raw = db.engine.raw_connection()  # outside a transaction: VACUUM cannot run in one
            try:
                raw.cursor().execute("VACUUM INTO ?", (str(target),))
            finally:
                raw.close()
    if target.exists():  # the suite's database is SQLite: the same data comes back
        page = client.get("/initiatieven")
        assert page.status_code == 200
        assert "Bankje bij de school" in page.get_data(as_text=True)
    else:  # on PostgreSQL: an empty SpatiaLite file comes back, and is still a database
        from flask_migrate import upgrade

        with restored.app_context():
            upgrade()
        assert client.get("/initiatieven").status_code == 200
    with restored.app_context():
        db.engine.dispose()
