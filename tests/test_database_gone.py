"""When the database is gone: a Dutch 503 page (JSON on the API), nothing half-written, and
the next request after it is back works without restarting the app."""

from __future__ import annotations

import re
import socket

import pytest

from platform_core.extensions import db

from .conftest import PASSWORD


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


@pytest.mark.postgresql_only
def test_connections_the_server_drops_during_traffic_answer_503_and_the_next_request_works(
    app, place, make_user, tmp_path_factory
):
    """An operator (or a failover) ends the app's database connections while people browse and
    search: every answer is a page or a Dutch 503, never a 500, and afterwards every page works.
    PostgreSQL only: SQLite has no server whose connections could be ended."""
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    import requests
    from sqlalchemy import text

    from .servers import gunicorn

    item = place(title="Bankje bij de school")
    log = tmp_path_factory.mktemp("gunicorn") / "error.log"
    url_db = app.config["SQLALCHEMY_DATABASE_URI"]
    with gunicorn(url_db, log, 2, 4, RATELIMIT_ENABLED="0", PAGE_CACHE_SECONDS="0") as url:
        stop = threading.Event()
        ended = []

        def end_connections() -> None:
            with app.app_context():
                while not stop.is_set():
                    with db.engine.connect() as conn:
                        ended.append(conn.execute(text(
                            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                            " AND backend_type = 'client backend'"
                        )).scalar())  # fmt: skip
                        conn.commit()
                    time.sleep(0.05)
                db.engine.dispose()

        people = []
        for n in range(4):  # logged in: every request also loads its person from the database
            make_user(f"lezer{n}@example.nl")
            session = requests.Session()
            form_page = session.get(url + "/inloggen", timeout=60).text
            token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', form_page).group(1)
            form = {"csrf_token": token, "email": f"lezer{n}@example.nl", "password": PASSWORD}
            assert session.post(url + "/inloggen", data=form, allow_redirects=False, timeout=60).status_code == 302
            people.append(session)

        def browse(i: int) -> int:
            path = [
                f"/initiatieven/{item}",
                f"/initiatieven?q=bankje{i}",
                "/api/initiatives?bbox=5.0,52.0,5.2,52.2&zoom=12",
                "/mijn",
            ][i % 4]
            get = people[i % 4].get if i % 2 else requests.get
            return get(url + path, timeout=60).status_code

        killer = threading.Thread(target=end_connections)
        killer.start()
        try:
            with ThreadPoolExecutor(8) as pool:
                statuses = list(pool.map(browse, range(240)))
        finally:
            stop.set()
            killer.join()
        assert sum(ended) > 0  # connections were really ended under the requests
        assert set(statuses) <= {200, 503}, {s: statuses.count(s) for s in set(statuses)}
        after = [requests.get(url + f"/initiatieven/{item}", timeout=60).status_code for _ in range(8)]
        assert after == [200] * 8
