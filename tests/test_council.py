"""Council figures on a small known dataset, k-anonymity, exports, the outcome review."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from council.services import Scope, dashboard
from council.sources import rebuild
from initiatives.models import Initiative
from maps.models import Area
from participation.services import join, post_comment
from platform_core import transaction
from platform_core.extensions import db
from platform_core.models import User
from platform_core.transaction import unit_of_work
from response.services import post_feedback
from trajectories.outcomes import report_outcome
from trajectories.services import create_trajectory

from .conftest import login
from .factories import placed


@pytest.fixture
def known(app, make_user, place):
    """Two initiatives in a trajectory (Spoorzicht, Bloemenbuurt), one outside it."""
    ids = {
        "admin": make_user("beheer@gemeente.nl", roles=("admin",)),
        "civil": make_user("petra@gemeente.nl", roles=("civil_servant",), name="Petra"),
        "council": make_user("raad@gemeente.nl", roles=("council",)),
        "owner": make_user("olga@example.nl", name="Olga"),
    }
    joiners = [make_user(f"buur{i}@example.nl", name=f"Buur {i}") for i in range(5)]
    a = place(ids["owner"], title="Tuin Spoorzicht", lat=52.095, lon=5.100, budget_requested="1000")
    b = place(ids["owner"], title="Bankje Bloemenbuurt", lat=52.10, lon=5.125)
    c = place(ids["owner"], title="Buiten het traject", lat=52.095, lon=5.101)
    with app.app_context(), unit_of_work():
        t = create_trajectory(
            db.session.get(User, ids["admin"]),
            "Groen",
            "Hoe maken we het groener?",
            "Stadsbeheer",
            date(2026, 1, 1),
            date(2026, 12, 31),
        )
        for item_id in (a, b):
            placed(db.session.get(Initiative, item_id), t)
        for j in joiners:
            join(db.session.get(User, j), db.session.get(Initiative, a))
        post_comment(db.session.get(Initiative, a), "Ik help mee", db.session.get(User, joiners[0]))
        post_feedback(
            db.session.get(User, ids["civil"]), db.session.get(Initiative, a), "Mooi plan, wij helpen.", "Groen"
        )
        report_outcome(
            db.session.get(User, ids["owner"]),
            db.session.get(Initiative, a),
            "realised",
            "De tuin is er gekomen met de buurt.",
            date(2026, 11, 20),
        )
        item_a, item_b = db.session.get(Initiative, a), db.session.get(Initiative, b)
        # History as it happened earlier, set behind the services; the facts are then rebuilt.
        item_a.created_at = datetime(2026, 11, 6, 9)
        item_a.record_first_response(datetime(2026, 11, 9, 9))  # Fri -> Mon
        item_b.created_at = datetime(2026, 11, 10, 10)
        item_b.record_first_response(datetime(2026, 11, 10, 20))
        item_b.status = "stopped"
        item_a.budget_granted, item_a.budget_spent = 900, 850
        db.session.flush()
        rebuild(db.session.connection())
        transaction.commit()
        ids.update(t=t.id, a=a, b=b, c=c)
    return ids


def test_figures_on_a_known_dataset(app, known):
    with app.app_context(), unit_of_work():
        f = dashboard(Scope(trajectory_id=known["t"]))
    assert f["initiatives"] == 2
    assert f["by_type"] == {"initiative": 2}
    assert f["participants"] == 6  # the initiator and five neighbours
    assert f["contributions"]["meedoen"] == 5
    assert f["response"]["median_hours"] == 41.0  # 72 h (a weekend between) and 10 h
    assert f["response"]["p90_hours"] == 72.0
    assert f["response"]["share_24h"] == 0.5
    assert f["response"]["share_norm"] == 1.0  # Friday 9:00 to Monday 9:00 is one working day
    assert f["interaction"] == 0.5  # only the garden had residents and the municipality talking
    assert f["closing_the_loop"] == 0.5  # two ended, one with an outcome reported
    assert f["by_outcome"] == {"realised": 1}
    assert f["budget"] == {"requested": 1000, "granted": 900, "spent": 850}
    assert f["concentration"] == 0.25  # the most active 10% (one person: the initiator, 2 of 8 contributions)


def test_small_groups_are_suppressed(app, known):
    with app.app_context(), unit_of_work():
        bloemen = db.session.scalar(select(Area.code).where(Area.name == "Bloemenbuurt"))
        f = dashboard(Scope(trajectory_id=known["t"], area=bloemen))
        assert f["initiatives"] == 1
        assert f["participants"] is None  # one person: not shown
        assert f["concentration"] is None
        rows = {r["area"].name: r for r in dashboard(Scope(trajectory_id=known["t"]))["per_area"]}
    assert rows["Spoorzicht"]["participants"] == 6
    assert rows["Bloemenbuurt"]["participants"] is None
    assert rows["Havenbuurt"]["active"] is False


def test_population_gives_participants_per_thousand(app, runner, known, tmp_path):
    csv_file = tmp_path / "bevolking.csv"
    csv_file.write_text("code,population\n0103,1200\n9999,5\n")
    result = runner.invoke(args=["geo", "population", str(csv_file)])
    assert "population set for 1 areas" in result.output
    with app.app_context(), unit_of_work():
        rows = {r["area"].name: r for r in dashboard(Scope(trajectory_id=known["t"]))["per_area"]}
    assert rows["Spoorzicht"]["per_1000"] == 5.0


def test_only_council_civil_servants_and_admins_see_the_dashboard(client, known):
    login(client, "olga@example.nl")
    assert client.get("/raad").status_code == 403
    council = client.application.test_client()
    login(council, "raad@gemeente.nl")
    html = council.get(f"/raad?traject={known['t']}").get_data(as_text=True)
    assert 'id="cijfer-initiatieven">2<' in html
    assert "olga@example.nl" not in html
    assert "minder dan 5" in html  # Bloemenbuurt in the per-neighbourhood table
    assert ("41 / " in html, "41.0" in html) == (True, False)  # hours in the page's language: "41", not "41.0"


def test_exports_carry_no_personal_data(client, known):
    login(client, "raad@gemeente.nl")
    csv_text = client.get(f"/raad/export/initiatieven.csv?traject={known['t']}").get_data(as_text=True)
    assert "Tuin Spoorzicht" in csv_text
    assert "@" not in csv_text
    areas = client.get("/raad/export/buurten.csv").get_data(as_text=True)
    assert "<5" in areas
    assert client.application.test_client().get("/open-data/initiatieven.geojson").status_code == 404  # not published
    geo = client.get("/open-data/initiatieven.geojson").get_json()
    assert len(geo["features"]) == 3
    assert "owner" not in str(geo)
    assert "Olga" not in str(geo)


def test_outcome_review_is_printable_and_downloadable(client, known):
    login(client, "raad@gemeente.nl")
    html = client.get(f"/raad/trajecten/{known['t']}").get_data(as_text=True)
    assert "Hoe maken we het groener?" in html
    assert "Gerealiseerd: De tuin is er gekomen met de buurt." in html
    assert "Groen: Mooi plan, wij helpen." in html  # what the municipality answered, and who
    assert "Afdrukken" in html
    resp = client.get(f"/raad/trajecten/{known['t']}/verslag.html")
    assert "attachment" in resp.headers["Content-Disposition"]
    assert "Wat er met elk initiatief gebeurde" in resp.get_data(as_text=True)


def test_admin_publishes_open_data_at_a_stable_url(app, client, known):
    visitor = client.application.test_client()
    assert visitor.get("/open-data/initiatieven.geojson").status_code == 404
    login(client, "beheer@gemeente.nl")
    from .conftest import post_form

    post_form(client, "/raad/open-data", {"publish": "1"}, token_from="/raad")
    resp = visitor.get("/open-data/initiatieven.geojson")
    assert resp.status_code == 200
    assert resp.mimetype == "application/geo+json"
    etag = resp.headers["ETag"]
    again = visitor.get("/open-data/initiatieven.geojson", headers={"If-None-Match": etag})
    assert again.status_code == 304  # nothing changed: harvesters revalidate without a new file
    assert again.get_data() == b""
    with app.app_context(), unit_of_work():
        db.session.get(Initiative, known["a"]).budget_spent = 900
        transaction.commit()
    changed = visitor.get("/open-data/initiatieven.geojson", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    with app.app_context(), unit_of_work():
        from sqlalchemy import text

        db.session.execute(text("UPDATE municipality SET open_data_published = false"))
        transaction.commit()


def test_trend_per_month_with_a_table(client, known):
    login(client, "raad@gemeente.nl")
    html = client.get(f"/raad?traject={known['t']}").get_data(as_text=True)
    assert "Bijdragen per maand" in html
    assert '<title id="trend-titel">' in html


def test_credits_distribution_per_trajectory_is_exact(app, client, known, make_user):
    """Quartiles from SQL (offsets and window functions) equal Python's statistics on the same totals."""
    import statistics

    from credits.models import CreditTotal
    from trajectories.models import Trajectory

    players = [make_user(f"spel{i}@example.nl") for i in range(8)]
    with app.app_context(), unit_of_work():
        other = Trajectory(
            title="Spelen",
            question="Waar spelen kinderen?",
            department="Jeugd",
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 12, 31),
        )
        db.session.add(other)
        db.session.flush()
        for i, total in enumerate([3, 7, 7, 12, 40, 41, 90, 160]):
            db.session.add(CreditTotal(user_id=players[i], trajectory_id=other.id, total=total))
        db.session.add(CreditTotal(user_id=known["owner"], trajectory_id=other.id, total=0))  # nothing earned
        transaction.commit()
        totals = sorted(db.session.scalars(select(CreditTotal.total).where(CreditTotal.trajectory_id == known["t"])))
        totals = [t for t in totals if t > 0]
        assert len(totals) >= 5
        q1, median, q3 = statistics.quantiles(totals, n=4)
        f = dashboard(Scope(trajectory_id=known["t"]))["credits"]
        assert (f["people"], f["sum"]) == (len(totals), sum(totals))
        assert (f["q1"], f["median"], f["q3"]) == pytest.approx((q1, median, q3))
        play = dashboard(Scope(trajectory_id=other.id))["credits"]
        assert (play["people"], play["sum"], play["q1"], play["median"], play["q3"]) == (8, 360, 7, 26, 77.75)
        # Every bucket holds fewer than five people here, so none is shown.
        assert play["max_bucket"] == [("1–9", None), ("10–29", None), ("30–59", None), ("60–149", None), ("150+", None)]
        everything = dashboard(Scope())["credits"]
        rows = {r["title"]: r for r in everything["per_trajectory"]}
        assert (rows["Spelen"]["people"], rows["Spelen"]["median"], rows["Spelen"]["q3"]) == (8, 26, 77.75)
        assert rows["Groen"]["median"] == pytest.approx(median)
    login(client, "raad@gemeente.nl")
    html = client.get("/raad").get_data(as_text=True)
    assert 'id="credits-per-traject"' in html
    assert "77.75" in html


def test_unknown_filters_give_an_empty_dashboard_not_an_error(client, known):
    login(client, "raad@gemeente.nl")
    for query in ("area=GEEN-BUURT", "traject=999999", "thema=abc&type=onzin", "van=2026-13-45&tot=gisteren"):
        resp = client.get(f"/raad?{query}")
        assert resp.status_code == 200, query
    html = client.get("/raad?area=GEEN-BUURT").get_data(as_text=True)
    assert 'id="cijfer-initiatieven">0<' in html


def test_new_and_returning_participants_in_a_period(app, known):
    """Returning: took part before the period started. The initiator placed the garden on 6 November."""
    with app.app_context(), unit_of_work():
        f = dashboard(Scope(start=date(2026, 11, 7)))
        assert f["participants"] == 6  # five neighbours joined and the initiator placed two more
        assert f["new_participants"] == 5
        assert f["returning_participants"] is None  # one person: suppressed
        everything = dashboard(Scope())
        assert (everything["new_participants"], everything["returning_participants"]) == (6, None)
        assert everything["contributions"] == {"initiatief": 3, "meedoen": 5, "reactie": 1}


def test_people_per_buurt_and_answer_times_with_a_period_and_a_filter(app, known):
    """The same people per buurt and answer times whether a period, a type or nothing narrows them
    (tests/test_council_cube.py compares every combination with a plain count)."""
    with app.app_context(), unit_of_work():
        for scope in (Scope(start=date(2026, 1, 1)), Scope(type="initiative"), Scope()):
            f = dashboard(scope)
            people = {r["area"].name: r["participants"] for r in f["per_area"]}
            assert people["Spoorzicht"] == 6  # the initiator and five neighbours
            assert (f["response"]["median_hours"], f["response"]["p90_hours"]) == (41.0, 72.0)


def test_outcome_review_pages_its_initiatives_and_the_file_holds_them_all(client, known, monkeypatch):
    """A trajectory may hold thousands of initiatives: the page shows a bounded number at a time
    (keyset on the initiative id, working without JavaScript); the downloadable file has every one."""
    import council.views as views

    monkeypatch.setattr(views, "REVIEW_PAGE", 1)
    login(client, "raad@gemeente.nl")
    first = client.get(f"/raad/trajecten/{known['t']}").get_data(as_text=True)
    assert "Tuin Spoorzicht" in first
    assert "Bankje Bloemenbuurt" not in first
    assert "Hier staan er 1 van de 2" in first
    assert f"/raad/trajecten/{known['t']}?na={known['a']}#uitkomsten" in first
    assert "Terug naar het begin" not in first
    second = client.get(f"/raad/trajecten/{known['t']}?na={known['a']}").get_data(as_text=True)
    assert "Bankje Bloemenbuurt" in second
    assert "Tuin Spoorzicht" not in second
    assert "Terug naar het begin" in second
    assert "Volgende initiatieven" not in second
    # The figures above the list are the trajectory's, whichever page is shown.
    assert "Unieke deelnemers: 6" in second
    whole = client.get(f"/raad/trajecten/{known['t']}/verslag.html").get_data(as_text=True)
    assert "Tuin Spoorzicht" in whole
    assert "Bankje Bloemenbuurt" in whole
    assert "Volgende initiatieven" not in whole
    assert client.get(f"/raad/trajecten/{known['t']}?na=abc").status_code == 200  # a bad cursor: the start
