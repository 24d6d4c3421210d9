"""The map's grid: kept in step by every write, read for clusters, never a silently cut list."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from initiatives import map_grid, map_queries, ranking
from initiatives.models import Initiative
from initiatives.services import update_initiative
from participation.moderation import decide
from platform_core.extensions import db
from platform_core.models import User
from platform_core.transaction import unit_of_work
from privacy.erasure import erase_account

from .conftest import initiative_input, json_of, statements_sent

CITY = "5.0,52.0,5.2,52.2"


def _total(data: dict) -> int:
    return sum(f["properties"].get("count", 1) for f in data["features"])


def _in_step(app) -> None:
    with app.app_context():
        assert map_grid.verify() == []


@pytest.fixture
def street(app, place, make_user):
    owner = make_user("straat@example.nl")
    ids = [place(owner, title=f"Plan {i}", lat=52.092 + i * 0.0004, lon=5.097 + i * 0.0003) for i in range(6)]
    ids.append(place(owner, title="Speeltuin", type="self_management", lat=52.10, lon=5.16))
    return {"owner": owner, "ids": ids}


def test_every_write_keeps_the_grid_in_step(app, client, street, make_user):
    _in_step(app)
    moderator = make_user("redactie@gemeente.nl", roles=("moderator",))
    first, far = street["ids"][0], street["ids"][-1]
    with app.app_context():
        owner = db.session.get(User, street["owner"])
        with unit_of_work():  # moved across the city and given another type
            update_initiative(
                owner, db.session.get(Initiative, first), initiative_input(lat=52.101, lon=5.15, type="participation")
            )
        _in_step(app)
        with unit_of_work():
            decide(db.session.get(User, moderator), "initiative", far, "hide", "Reclame")
        assert _total(json_of(client.get(f"/api/initiatives?bbox={CITY}&zoom=11"))) == 6
        _in_step(app)
        with unit_of_work():
            decide(db.session.get(User, moderator), "initiative", far, "restore")
        assert _total(json_of(client.get(f"/api/initiatives?bbox={CITY}&zoom=11"))) == 7
        _in_step(app)
        with unit_of_work():
            erase_account(owner, owner, keep_contributions=False)
    _in_step(app)
    assert _total(json_of(client.get(f"/api/initiatives?bbox={CITY}&zoom=11"))) == 0


def test_clusters_count_every_initiative_and_a_lone_one_is_itself(client, street):
    for zoom in (3, 8, 11, 13, 14):
        data = json_of(client.get(f"/api/initiatives?bbox={CITY}&zoom={zoom}"))
        assert data["clustered"] is True
        assert _total(data) == 7, zoom
    data = json_of(client.get(f"/api/initiatives?bbox={CITY}&zoom=13"))
    lone = [f["properties"] for f in data["features"] if not f["properties"].get("cluster")]
    assert {"title": "Speeltuin", "type": "self_management", "id": street["ids"][-1]}.items() <= lone[0].items()
    assert json_of(client.get(f"/api/initiatives?bbox={CITY}&zoom=13&type=self_management"))["features"] == [
        f for f in data["features"] if f["properties"].get("id") == street["ids"][-1]
    ]


def test_a_box_with_too_many_points_answers_clusters_not_a_cut_list(app, client, street, place, monkeypatch):
    monkeypatch.setattr(map_queries, "MAX_POINTS", 3)
    lone = {}
    for query in ("", "&q=plan"):  # from the grid, and computed for a filter the grid does not know
        data = json_of(client.get(f"/api/initiatives?bbox={CITY}&zoom=17{query}"))
        assert data["clustered"] is True
        assert data["truncated"] is False
        assert _total(data) == (7 if not query else 6)
        lone[query] = {f["properties"]["id"]: f for f in data["features"] if not f["properties"].get("cluster")}
    # a cell holding one initiative is drawn as its marker, with its title, alike from both
    apart = ((52.0935, 5.0955), (52.0955, 5.0995))  # cells of their own at zoom 16, beside the street's
    lonely = {place(street["owner"], title=f"Plan apart {i}", lat=lat, lon=lon) for i, (lat, lon) in enumerate(apart)}
    app.extensions["page_cache"].clear()
    for query in ("", "&q=plan"):
        data = json_of(client.get(f"/api/initiatives?bbox=5.094,52.090,5.100,52.096&zoom=17{query}"))
        assert (data["clustered"], data["cell_zoom"], _total(data)) == (True, 16, 8)
        lone[query] = {f["properties"]["id"]: f["properties"] for f in data["features"] if "id" in f["properties"]}
    assert lone["&q=plan"] == lone[""]
    titles = {i: p["title"] for i, p in lone[""].items()}
    assert titles == dict(zip(sorted(lonely), ("Plan apart 0", "Plan apart 1"), strict=True))
    monkeypatch.setattr(map_queries, "MAX_POINTS", 100)
    app.extensions["page_cache"].clear()  # a new setting comes with a new process; here, forget the old answers
    data = json_of(client.get(f"/api/initiatives?bbox={CITY}&zoom=17"))
    assert data["clustered"] is False
    assert len(data["features"]) == 9


def test_a_wide_box_at_a_close_zoom_is_clustered_at_the_zoom_it_fits(app, client, street, monkeypatch):
    """The whole country asked for at zoom 16 (thousands of cells wide): clusters from the zoom at
    which the box spans at most MAX_CELLS cells, every initiative counted, and the answer says
    which zoom that is (issue 28)."""
    monkeypatch.setattr(map_queries, "MAX_POINTS", 3)
    country = "3.2,50.7,7.3,53.6"
    for query in ("", "&q=plan"):
        data = json_of(client.get(f"/api/initiatives?bbox={country}&zoom=16{query}"))
        assert data["clustered"] is True
        assert data["cell_zoom"] < 16
        assert map_queries.fitting_zoom((3.2, 50.7, 7.3, 53.6), 16) == data["cell_zoom"]
        assert len(data["features"]) <= map_queries.MAX_CELLS
        assert _total(data) == (7 if not query else 6)
    city = json_of(client.get(f"/api/initiatives?bbox={CITY}&zoom=11"))
    assert city["cell_zoom"] == 11  # a box that fits keeps the zoom asked for


def test_a_point_carries_only_what_its_marker_needs(client, street):
    data = json_of(client.get(f"/api/initiatives?bbox={CITY}&zoom=17"))
    assert set(data["features"][0]["properties"]) <= {"id", "title", "type", "thumb", "spent"}


def test_rebuild_recomputes_the_same_grid(app, street):
    with app.app_context(), unit_of_work():
        before = map_grid.cells((5.0, 52.0, 5.2, 52.2), 12)
        assert map_grid.rebuild() > 0
        after = sorted(map_grid.cells((5.0, 52.0, 5.2, 52.2), 12))
    # Counts and ids exactly; the coordinate sums to float precision (the database may add them up in
    # another order than the writes did, as map_grid.verify allows for).
    assert len(after) == len(before)
    for got, want in zip(after, sorted(before), strict=True):
        assert (got[0], got[1], got[2], got[5]) == (want[0], want[1], want[2], want[5])
        assert got[3] == pytest.approx(want[3], rel=1e-9)
        assert got[4] == pytest.approx(want[4], rel=1e-9)
    _in_step(app)


@pytest.fixture
def tagged(app, make_user, place):
    """Initiatives in two buurten of different wijken, tagged with a main theme, its sub-theme,
    both, another theme, or nothing."""
    from initiatives.models import Theme

    with app.app_context():
        main = db.session.scalar(
            db.select(Theme).where(Theme.parent_id.is_(None), Theme.children.any()).order_by(Theme.id)
        )
        sub = main.children[0]
        other = db.session.scalar(db.select(Theme).where(Theme.parent_id.is_(None), Theme.id != main.id))
        themes = {"main": (main.id, main.slug), "sub": (sub.id, sub.slug), "other": (other.id, other.slug)}
    owner = make_user("thema@example.nl")
    east = {"lat": 52.10, "lon": 5.16}
    ids = {
        "main": place(owner, title="Plan hoofd", theme_ids=(themes["main"][0],)),
        "sub": place(owner, title="Plan sub", theme_ids=(themes["sub"][0],), lat=52.0952, lon=5.1004),
        "both": place(owner, title="Plan beide", theme_ids=(themes["main"][0], themes["sub"][0]), **east),
        "other": place(owner, title="Plan ander", theme_ids=(themes["other"][0],), lat=52.1003, lon=5.1603),
        "none": place(owner, title="Plan zonder"),
    }
    with app.app_context():
        here, there = (db.session.get(Initiative, ids[k]).area for k in ("main", "both"))
        assert here.parent_id != there.parent_id, "the fixture wants two wijken"
        areas = {"buurt": here.code, "wijk": here.parent.code, "other_wijk": there.parent.code}
    return {"ids": ids, "themes": themes, "areas": areas, "owner": owner}


def _ids_and_total(data: dict) -> tuple[int, set]:
    return _total(data), {f["properties"]["id"] for f in data["features"] if "id" in f["properties"]}


def _map_finds(app, client, monkeypatch, query: str, want: set[int]) -> None:
    """The map with this filter: at every clustered zoom its clusters count ``want`` and equal what
    aggregating the initiatives one by one gives; close in, exactly ``want`` as points."""
    for zoom in (3, 11, 13, 14):
        grid = json_of(client.get(f"/api/initiatives?bbox={CITY}&zoom={zoom}&{query}"))
        assert (grid["clustered"], grid["truncated"]) == (True, False)
        assert _total(grid) == len(want), (query, zoom)
        app.extensions["page_cache"].clear()
        with monkeypatch.context() as m:  # the same box, aggregated initiative by initiative
            m.setattr(map_queries, "facet_of", lambda _f: None)
            live = json_of(client.get(f"/api/initiatives?bbox={CITY}&zoom={zoom}&{query}"))
        app.extensions["page_cache"].clear()
        assert _ids_and_total(grid) == _ids_and_total(live), (query, zoom)
    points = json_of(client.get(f"/api/initiatives?bbox={CITY}&zoom=17&{query}"))
    assert {f["properties"]["id"] for f in points["features"]} == want


def test_one_theme_or_one_area_is_read_from_its_own_grid_and_counts_what_the_filter_finds(
    app, client, tagged, monkeypatch
):
    """The grid per theme and per area (issue 28): clusters at every zoom count exactly the
    initiatives the same filter finds when they are aggregated one by one, a main theme counting
    what its sub-themes hold (once, if tagged with both) and a wijk what its buurten hold."""
    ids, themes, areas = tagged["ids"], tagged["themes"], tagged["areas"]
    expected = {
        f"theme={themes['main'][1]}": {ids["main"], ids["sub"], ids["both"]},
        f"theme={themes['sub'][1]}": {ids["sub"], ids["both"]},
        f"theme={themes['other'][1]}": {ids["other"]},
        f"area={areas['buurt']}": {ids["main"], ids["sub"], ids["none"]},
        f"area={areas['wijk']}": {ids["main"], ids["sub"], ids["none"]},
        f"area={areas['other_wijk']}": {ids["both"], ids["other"]},
        "theme=bestaat-niet": set(),
        "area=GEEN-CODE": set(),
    }
    with app.app_context():
        for query in expected:
            filters = map_queries.Filters.from_args(MultiDict([query.split("=", 1)]))
            assert map_queries.facet_of(filters) is not None, query  # read from the grid, not aggregated
    for query, want in expected.items():
        listed = client.get(f"/initiatieven?{query}").get_data(as_text=True)
        for key, id_ in ids.items():
            assert (f'/initiatieven/{id_}"' in listed) == (id_ in want), (query, key)
        _map_finds(app, client, monkeypatch, query, want)


def test_changing_themes_or_buurt_keeps_every_facet_in_step(app, client, tagged):
    ids, themes, areas = tagged["ids"], tagged["themes"], tagged["areas"]
    with app.app_context():
        owner = db.session.get(User, tagged["owner"])
        with unit_of_work():  # another theme, same place
            update_initiative(
                owner, db.session.get(Initiative, ids["main"]),
                initiative_input(title="Plan hoofd", theme_ids=(themes["other"][0],)),
            )  # fmt: skip
        _in_step(app)
        with unit_of_work():  # to a buurt of the other wijk, same themes
            moved = initiative_input(title="Plan zonder", lat=52.1001, lon=5.1601)
            update_initiative(owner, db.session.get(Initiative, ids["none"]), moved)
        _in_step(app)
    main = json_of(client.get(f"/api/initiatives?bbox={CITY}&zoom=11&theme={themes['main'][1]}"))
    other = json_of(client.get(f"/api/initiatives?bbox={CITY}&zoom=11&theme={themes['other'][1]}"))
    wijk = json_of(client.get(f"/api/initiatives?bbox={CITY}&zoom=11&area={areas['other_wijk']}"))
    assert (_total(main), _total(other), _total(wijk)) == (2, 2, 3)


def test_a_filter_the_grid_does_not_keep_clusters_its_newest_matches_and_says_so(app, client, street, monkeypatch):
    """A word (or recent activity, or a theme and an area at once) is clustered from at most the
    newest MAP_WINDOW matches in the box: the answer says there were more, and how many it shows."""
    monkeypatch.setattr(map_queries, "MAP_WINDOW", 4)
    monkeypatch.setattr(map_queries, "MAX_POINTS", 3)
    app.extensions["page_cache"].clear()
    for zoom in (12, 17):
        data = json_of(client.get(f"/api/initiatives?bbox={CITY}&zoom={zoom}&q=plan"))
        assert (data["clustered"], data["truncated"], data["window"], _total(data)) == (True, True, 4, 4)
    with app.app_context():
        from sqlalchemy import select

        from initiatives.ranking import newest_matches
        from initiatives.search import Filters, apply_filters

        base = apply_filters(select().select_from(Initiative), Filters(q="plan"))
        # PostgreSQL first looks among the newest RECENT initiatives (enough plans there, or not)
        for recent in (20_000, 7, 3):
            monkeypatch.setattr(ranking, "RECENT", recent)
            rows, more = newest_matches(base, (Initiative.id,), 4)
            assert more is True
            assert sorted(r[0] for r in rows) == sorted(street["ids"][:6])[-4:], recent  # the newest four plans
            rows, more = newest_matches(base, (Initiative.id,), 6)
            assert (more, sorted(r[0] for r in rows)) == (False, sorted(street["ids"][:6])), recent
            # the list's bounded count: "more than 2", or all six
            assert (ranking.bounded_count(base, 2), ranking.bounded_count(base, 10)) == (3, 6), recent
    monkeypatch.setattr(map_queries, "MAP_WINDOW", 6)
    app.extensions["page_cache"].clear()
    data = json_of(client.get(f"/api/initiatives?bbox={CITY}&zoom=12&q=plan"))
    assert (data["truncated"], _total(data)) == (False, 6)
    assert "window" not in data


def test_recent_activity_is_read_from_the_grid_per_day_and_counts_what_the_list_finds(
    app, client, street, make_user, monkeypatch
):
    """The grid per day of last activity (issue 28): activity on another day moves an initiative
    to that day's counts once (a second activity the same day writes nothing to the grid), and
    "active in the last 7 / 30 / 90 days" at every clustered zoom counts what the list finds and
    what aggregating the initiatives one by one finds; the grid stays in step throughout."""
    from datetime import timedelta

    from initiatives.activity import facets, touch
    from participation.services import post_comment
    from platform_core.models import utcnow

    ids = street["ids"]
    now = utcnow()
    ages = {ids[0]: 3, ids[1]: 20, ids[2]: 60, ids[3]: 200, ids[4]: 6}  # days since the last activity
    with app.app_context():
        for item, days in ages.items():
            with unit_of_work():
                touch(item, now - timedelta(days=days))
        _in_step(app)
        with unit_of_work():  # today's first activity on ids[4] moves it; the second writes no grid row
            post_comment(db.session.get(Initiative, ids[4]), "Eerste vandaag", db.session.get(User, street["owner"]))
        _in_step(app)
        with statements_sent(app) as written, unit_of_work():
            touch(ids[4])
        assert any("UPDATE initiative" in s for s in written)
        assert not any("map_cell" in s for s in written)
        _in_step(app)
    expected = {
        7: {ids[0], ids[4], ids[5], ids[6]},
        30: {ids[0], ids[1], ids[4], ids[5], ids[6]},
        90: {ids[0], ids[1], ids[2], ids[4], ids[5], ids[6]},
    }
    for days, want in expected.items():
        query = f"actief={days}"
        with app.app_context():
            filters = map_queries.Filters.from_args(MultiDict([("actief", str(days))]))
            assert map_queries.facet_of(filters) == facets(days)  # read from the grid
        listed = client.get(f"/initiatieven?{query}").get_data(as_text=True)
        assert {i for i in ids if f'/initiatieven/{i}"' in listed} == want, days
        _map_finds(app, client, monkeypatch, query, want)
