"""Fixtures: one migrated database per run (SpatiaLite or PostGIS, chosen by
TEST_DATABASE), a recorded PDOK server, a real SMTP server on loopback, and helpers.

The database is never mocked: tests run against the real spatial database and
every table is emptied between tests (areas and themes stay).
"""

from __future__ import annotations

import json
import os
import re
import socket
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import text

from platform_core import transaction

RECORDED = Path(__file__).parent / "recorded"
CONTENT_TABLES = [
    "job",
    "report_file",
    "archive_package",
    "site_setting",
    "trajectory_request",
    "address",
    "boundary_import",
    "challenge_message",
    "challenge_support",
    "challenge",
    "map_cell",
    "search_word",
    "archive_erasable",
    "archive_entry",
    "archive_head",
    "data_export",
    "consent",
    "contact_message",
    "initiative_image",
    "stored_file",
    "contribution_fact",
    "fact_person",
    "initiative_fact",
    "credit_event",
    "credit_total",
    "credit_standing_optin",
    "credit_rule",
    "credit_ruleset",
    "stage_change",
    "attendance",
    "meeting",
    "stakeholder",
    "outcome",
    "blocker",
    "facilitation",
    "municipal_role",
    "feedback",
    "framing",
    "ambassador_area",
    "notification",
    "flag",
    "moderation_decision",
    "pluim",
    "follow",
    "need_response",
    "need",
    "participation",
    "comment",
    "page",
    "initiative_theme",
    "initiative_link",
    "initiative",
    "trajectory_area",
    "trajectory",
    "user_role",
    "user_account",
]


class RecordedPDOK(BaseHTTPRequestHandler):
    """Replays recorded Locatieserver answers; unknown queries get an empty result."""

    requests: list[str] = []

    def do_GET(self):
        parts = urlsplit(self.path)
        query = (parse_qs(parts.query).get("q") or [""])[0]
        RecordedPDOK.requests.append(query)
        path = RECORDED / (query.lower().replace(" ", "_") + ".json")
        body = path.read_bytes() if path.exists() else b'{"response":{"numFound":0,"start":0,"docs":[]}}'
        self.send_response(200 if parts.path.endswith("/free") else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # quiet
        pass


@pytest.fixture(scope="session")
def pdok_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), RecordedPDOK)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/bzk/locatieserver/search/v3_1"
    server.shutdown()
    server.server_close()


class MailSink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes
        from email.policy import default

        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=default)))
        return "250 OK"


@pytest.fixture(scope="session")
def smtp_server():
    from aiosmtpd.controller import Controller

    sink = MailSink()
    with socket.socket() as probe:  # aiosmtpd needs a concrete port to check it is up
        probe.bind(("127.0.0.1", 0))
        sink.port = probe.getsockname()[1]
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    yield sink
    controller.stop()


def _worker_database(url: str, worker: str) -> str:
    from sqlalchemy import create_engine

    name = f"{url.rsplit('/', 1)[1]}_{worker}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
            conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return url.rsplit("/", 1)[0] + "/" + name


def _database_url(tmp_path_factory) -> str:
    if os.environ.get("TEST_DATABASE", "sqlite") == "postgresql":
        url = os.environ["TEST_POSTGRES_URL"]
        from sqlalchemy import create_engine

        worker = os.environ.get("PYTEST_XDIST_WORKER")
        if worker:  # pytest-xdist: each worker process has a database of its own in the cluster
            url = _worker_database(url, worker)

        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
        engine.dispose()
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def app(tmp_path_factory, pdok_server, smtp_server):
    from flask_migrate import upgrade

    from initiatives.models import Theme
    from maps.boundaries import import_boundaries
    from maps.sample_geography import all_levels
    from platform_core.extensions import db
    from schatkaart import create_app
    from schatkaart.demo import seed_themes

    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path_factory),
            "PDOK_LOCATIESERVER_URL": pdok_server,
            "GEOCODER_TIMEOUT": 2.0,
            "MAIL_BACKEND": "smtp",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp_server.port,
            "TILE_URL": "http://127.0.0.1:9/tiles/{z}/{x}/{y}.png",
            "SECRET_KEY": "test-secret",
            "IMAGE_FOLDER": str(tmp_path_factory.mktemp("images")),
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",  # scrypt would cost most of the suite's time
            # Council figures read afresh on every request (tests/test_council_cube.py covers the age).
            "COUNCIL_FIGURES_SECONDS": 0,
        }
    )
    with app.app_context():
        upgrade()  # the real migrations, on the real database
        for level, data in all_levels().items():
            import_boundaries(data, level)
        seed_themes()
        transaction.commit()
        assert Theme.query.count() > 0
    yield app
    with app.app_context():
        from platform_core.extensions import db

        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def clean(app, smtp_server):
    """Every test starts with no users or initiatives, no rate-limit hits, empty caches."""
    from initiatives.search import forget_vocabulary
    from maps.geocoder import clear_cache
    from platform_core.extensions import db, limiter

    yield
    with app.app_context():
        transaction.rollback()
        db.session.execute(text("UPDATE trajectory SET current_stage_id = NULL"))
        db.session.execute(text("DELETE FROM stage"))
        for table in CONTENT_TABLES:
            db.session.execute(text(f"DELETE FROM {table}"))
        if db.engine.dialect.name == "sqlite":
            db.session.execute(text("DELETE FROM initiative_fts"))
        db.session.execute(text("UPDATE municipality SET anonymous_comments = 'pre', open_data_published = false"))
        transaction.commit()
        limiter.reset()
        app.extensions["council_figures"].clear()
    clear_cache()
    forget_vocabulary()
    smtp_server.messages.clear()
    RecordedPDOK.requests.clear()


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_token(client, url: str = "/inloggen") -> str:
    html = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def post_form(client, url: str, data: dict, token_from: str | None = None, **kwargs):
    """Post like a browser: with the CSRF token from the page the form is on."""
    payload = {"csrf_token": csrf_token(client, token_from or url), **data}
    return client.post(url, data=payload, **kwargs)


PASSWORD = "een-lang-wachtwoord"


@pytest.fixture
def make_user(app):
    from .factories import user_maker

    return user_maker(app)


TOTP_SECRETS: dict[str, str] = {}  # what each staff member's authenticator app holds
_LAST_STEP: dict[str, int] = {}


def totp_code(email: str) -> str:
    """The code the person's app shows; a later step when this one was used (codes are single-use)."""
    import time

    import pyotp

    secret = TOTP_SECRETS[email]  # steps are remembered per secret: a new enrolment starts afresh
    step = max(int(time.time() // 30), _LAST_STEP.get(secret, -1) + 1)
    _LAST_STEP[secret] = step
    return pyotp.TOTP(secret).at(step * 30)


def login(client, email: str, password: str = PASSWORD):
    """Log in through the forms, as a person would; staff set up or use their authenticator app."""
    resp = post_form(client, "/inloggen", {"email": email, "password": password})
    location = resp.headers.get("Location", "") if resp.status_code == 302 else ""
    if location.endswith("/inloggen/tweestaps"):
        html = client.get(location).get_data(as_text=True)
        TOTP_SECRETS[email] = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', html).group(1)
        resp = post_form(client, location, {"code": totp_code(email)})
        assert resp.status_code == 200, "enrolment failed"
        assert "herstelcodes" in resp.get_data(as_text=True)
        resp.headers["Location"] = "/"  # enrolment ends on the recovery codes page; the login is done
        resp.status_code = 302
    elif location.endswith("/inloggen/code"):
        resp = post_form(client, location, {"code": totp_code(email)})
    return resp


# Points inside the test municipality (Voorbeeldstad, over central Utrecht) and outside it.
INSIDE = (52.095, 5.100)  # lat, lon in buurt Spoorzicht, wijk Noordwest
OUTSIDE = (52.3764, 4.8957)  # Amsterdam, Damrak


def initiative_input(**overrides):
    from initiatives.services import InitiativeInput

    values = {
        "title": "Geveltuinen in de Kanaalstraat",
        "summary": "Bewoners maken samen geveltuintjes voor meer groen in de straat.",
        "description": "We zoeken **buren** met groene vingers.",
        "type": "initiative",
        "lat": INSIDE[0],
        "lon": INSIDE[1],
        "address": "Kanaalstraat 10",
    }
    values.update(overrides)
    return InitiativeInput(**values)


@pytest.fixture
def place(app, make_user):
    """Place an initiative through the service, as a user would."""
    from .factories import placer

    return placer(app, make_user)


def json_of(response):
    return json.loads(response.get_data(as_text=True))


@contextmanager
def statements_sent(app):
    """The SQL the app sends to its database meanwhile, as a list filled while the block runs."""
    from sqlalchemy import event

    from platform_core.extensions import db

    sent: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        sent.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", note)


def map_spec(html: str, name: str) -> dict:
    """The data of the map ``name`` on a page (maps/builders.py): the only way a map gets text."""
    found = re.findall(rf'<script type="application/json" id="{re.escape(name)}-data"[^>]*>(.*?)</script>', html, re.S)
    assert len(found) == 1, f"one map {name} on the page"
    return json.loads(found[0])


def pytest_collection_modifyitems(config, items) -> None:
    """Tests marked ``postgresql_only`` need a database server (they end its connections): on
    SQLite they are deselected, reported as such, never run and skipped."""
    if os.environ.get("TEST_DATABASE", "sqlite") == "postgresql":
        return
    dropped = [item for item in items if item.get_closest_marker("postgresql_only")]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if not item.get_closest_marker("postgresql_only")]
