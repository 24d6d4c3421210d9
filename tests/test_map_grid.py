"""The map's grid: kept in step by every write, read for clusters, never a silently cut list."""

from __future__ import annotations

import pytest

from initiatives import map_grid, map_queries
from initiatives.models import Initiative
from initiatives.services import update_initiative
from participation.moderation import decide
from platform_core.extensions import db
from platform_core.models import User
from platform_core.transaction import unit_of_work
from privacy.erasure import erase_account

from .conftest import initiative_input, json_of

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


def test_a_box_with_too_many_points_answers_clusters_not_a_cut_list(app, client, street, monkeypatch):
    monkeypatch.setattr(map_queries, "MAX_POINTS", 3)
    for query in ("", "&q=plan"):  # from the grid, and computed for a filter the grid does not know
        data = json_of(client.get(f"/api/initiatives?bbox={CITY}&zoom=17{query}"))
        assert data["clustered"] is True
        assert data["truncated"] is False
        assert _total(data) == (7 if not query else 6)
    monkeypatch.setattr(map_queries, "MAX_POINTS", 100)
    app.extensions["page_cache"].clear()  # a new setting comes with a new process; here, forget the old answers
    data = json_of(client.get(f"/api/initiatives?bbox={CITY}&zoom=17"))
    assert data["clustered"] is False
    assert len(data["features"]) == 7


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
