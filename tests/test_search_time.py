"""Search in bounded time (issue 28): a question that would hold a worker for longer than
``SEARCH_SECONDS`` is stopped by the database and answered with a plain Dutch message, on
SQLite (a progress handler) and PostgreSQL (``statement_timeout`` for that transaction only);
nothing else in the request is affected, and the next question works."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import text

from platform_core.extensions import db
from platform_core.timelimit import TooSlow, at_most
from platform_core.transaction import rollback

SLOW = {
    # a count to fifty million: seconds
    "sqlite": "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000000) "
    "SELECT count(*) FROM n",
    "postgresql": "SELECT pg_sleep(5)",
}


def test_work_past_its_time_is_stopped_and_the_connection_stays_usable(app):
    with app.app_context():
        dialect = db.engine.dialect.name
        with pytest.raises(TooSlow), at_most(0.05):
            db.session.execute(text(SLOW[dialect]))
        rollback()
        with at_most(5):  # within its time, work is untouched
            assert db.session.scalar(text("SELECT 41 + 1")) == 42
        # and the limit is gone afterwards
        if dialect == "postgresql":
            assert db.session.scalar(text("SELECT current_setting('statement_timeout')")) == "0"
        rollback()


@pytest.fixture
def city(app):
    """Three thousand initiatives that all say "buurt", written straight into the tables."""
    from initiatives.search import rebuild_index
    from platform_core.accounts.services import register_user
    from platform_core.transaction import commit

    with app.app_context():
        owner = register_user("veel@example.nl", "een-lang-wachtwoord", "Veel", consent=True, confirmed=True)
        db.session.flush()
        db.session.execute(
            text(
                "INSERT INTO initiative (title, summary, description, description_html, type, municipal_role, status,"
                " geom, point, geom_type, lon, lat, owner_id, created_at, updated_at, last_activity_at, visibility)"
                " VALUES (:t, 'Samen de buurt mooier maken.', '', '', 'initiative', 'none', 'idea',"
                " ST_GeomFromText('POINT(5.1 52.095)', 4326), ST_GeomFromText('POINT(5.1 52.095)', 4326), 'point',"
                " 5.1, 52.095, :o, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'published')"
            ),
            [{"t": f"Buurtplan {i}", "o": owner.id} for i in range(3000)],
        )
        rebuild_index(db.session.connection())
        commit()


@contextmanager
def held_up(app):
    """Make the search slower than its time, for certain. PostgreSQL: another transaction holds
    the initiatives locked, so the search waits (a wait counts toward ``statement_timeout``).
    SQLite: a thousandth of a second, which three thousand matches take longer than."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql":
        app.config["SEARCH_SECONDS"] = 0.001
        try:
            yield
        finally:
            app.config["SEARCH_SECONDS"] = 3.0
        return
    app.config["SEARCH_SECONDS"] = 0.2
    with engine.connect() as other:
        other.execute(text("LOCK TABLE initiative IN ACCESS EXCLUSIVE MODE"))
        try:
            yield
        finally:
            other.rollback()
            app.config["SEARCH_SECONDS"] = 3.0


@pytest.mark.parametrize("recent", [20_000, 100])  # PostgreSQL looks among the newest first: both ways
def test_a_question_too_broad_for_its_time_is_answered_in_plain_dutch(app, client, city, recent, monkeypatch):
    from initiatives import ranking

    monkeypatch.setattr(ranking, "RECENT", recent)
    with held_up(app):
        slow = client.get("/initiatieven?q=buurt")
        api = client.get("/api/initiatives?bbox=5.0,52.0,5.2,52.2&zoom=18&q=buurt")
    assert slow.status_code == 503
    html = slow.get_data(as_text=True)
    told = "Deze zoekvraag kost te veel tijd. Voeg een woord toe, of kies een buurt, een thema of een soort erbij."
    assert told in html
    assert "Geen initiatieven gevonden" not in html  # not "nothing found": it was not searched to the end
    assert api.status_code == 503
    assert api.get_json()["error"].startswith("Deze zoekvraag kost te veel tijd.")
    # within its time, the same question answers in full
    found = client.get("/initiatieven?q=buurt").get_data(as_text=True)
    assert "Meer dan 1.000 initiatieven gevonden." in found
