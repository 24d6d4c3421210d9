"""The GeoJSON API behind the map, and the gallery that shows the same results."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, text

from initiatives.models import Theme
from platform_core.extensions import db
from platform_core.transaction import rollback, unit_of_work

from .conftest import json_of

CITY = "5.04,52.04,5.19,52.14"
NEIGHBOURHOOD = "5.095,52.09,5.105,52.10"


@pytest.fixture
def spread(app, place, make_user):
    """Twelve initiatives: nine in Spoorzicht, three far east; types and themes mixed."""
    owner = make_user("owner@example.nl")
    with app.app_context(), unit_of_work():
        moestuin = db.session.scalar(select(Theme).where(Theme.slug == "moestuinen")).id
    ids = []
    for i in range(9):
        ids.append(
            place(
                owner,
                title=f"Spoorzicht plan {i}",
                lat=52.092 + i * 0.0008,
                lon=5.097 + i * 0.0006,
                type="self_management" if i % 3 == 0 else "initiative",
                theme_ids=(moestuin,) if i < 2 else (),
            )
        )
    for i in range(3):
        ids.append(place(owner, title=f"Oost plan {i}", lat=52.10 + i * 0.001, lon=5.16, type="participation"))
    return ids


def test_low_zoom_returns_server_side_clusters(client, spread):
    data = json_of(client.get(f"/api/initiatives?bbox={CITY}&zoom=11"))
    assert data["type"] == "FeatureCollection"
    assert data["clustered"] is True
    clusters = [f for f in data["features"] if f["properties"].get("cluster")]
    assert clusters
    assert all(isinstance(f["properties"]["count"], int) for f in clusters)
    total = sum(f["properties"].get("count", 1) for f in data["features"])
    assert total == 12


def test_high_zoom_returns_individual_initiatives(client, spread):
    data = json_of(client.get(f"/api/initiatives?bbox={NEIGHBOURHOOD}&zoom=16"))
    assert data["clustered"] is False
    props = [f["properties"] for f in data["features"]]
    assert len(props) == 9
    assert {"id", "title", "type"} <= set(props[0])
    assert all(p["title"].startswith("Spoorzicht") for p in props)


def test_filters_by_type_theme_area_and_keyword(client, spread):
    def ids(query: str) -> set[int]:
        data = json_of(client.get(f"/api/initiatives?bbox={CITY}&zoom=18&{query}"))
        return {f["properties"]["id"] for f in data["features"]}

    assert len(ids("type=participatie")) == 3
    assert len(ids("type=zelfbeheer,participatie")) == 6
    assert len(ids("theme=moestuinen")) == 2
    assert len(ids("theme=groen-en-natuur")) == 2  # a main theme includes its sub-themes
    assert len(ids("area=0103")) == 9  # buurt Spoorzicht by code
    assert len(ids("area=01")) == 9  # wijk Noordwest includes its buurten
    assert len(ids("q=oost")) == 3
    assert ids("q=plan") == set(spread)


def test_gallery_shows_the_same_results_as_the_map(client, spread):
    api = json_of(client.get(f"/api/initiatives?bbox={CITY}&zoom=18&type=self_management"))
    api_ids = {f["properties"]["id"] for f in api["features"]}
    html = client.get("/initiatieven?type=self_management").get_data(as_text=True)
    gallery_ids = {int(i) for i in re.findall(r'href="/initiatieven/(\d+)"', html)}
    assert gallery_ids == api_ids
    assert "3 initiatieven gevonden." in html


def test_gallery_paginates(client, spread):
    html = client.get("/initiatieven").get_data(as_text=True)
    assert "12 initiatieven gevonden." in html
    assert "Volgende" not in html  # 12 fit on one page of 24


def test_gallery_empty_state_offers_a_way_out(client):
    html = client.get("/initiatieven?q=bestaatniet").get_data(as_text=True)
    assert "Geen initiatieven gevonden" in html
    assert "Wis de filters" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "vier getallen"),
        ("bbox=1,2,3", "vier getallen"),
        ("bbox=a,b,c,d", "vier getallen"),
        ("bbox=5,52,6,NaN", "vier getallen"),
        ("bbox=5,52,6,53&zoom=99", "tussen 0 en 22"),
        ("bbox=5,52,6,53&zoom=x", "geheel getal"),
    ],
)
def test_bad_bbox_or_zoom_is_a_clear_400(client, query, message):
    resp = client.get(f"/api/initiatives?{query}")
    assert resp.status_code == 400
    assert message in json_of(resp)["error"]


def test_single_initiative_as_feature(client, spread):
    data = json_of(client.get(f"/api/initiatives/{spread[0]}"))
    assert data["type"] == "Feature"
    assert data["properties"]["id"] == spread[0]
    assert data["properties"]["area"] == "Spoorzicht"
    assert client.get("/api/initiatives/0").status_code == 404
    assert json_of(client.get("/api/initiatives/0"))["status"] == 404


def test_openapi_document_describes_the_api(client):
    spec = json_of(client.get("/api/openapi.json"))
    assert spec["openapi"].startswith("3.")
    assert {"/api/initiatives", "/api/initiatives/{id}", "/api/geocode"} <= set(spec["paths"])
    names = {p["name"] for p in spec["paths"]["/api/initiatives"]["get"]["parameters"]}
    assert {"bbox", "zoom", "type", "theme", "area", "q"} <= names


def test_map_page_does_not_grow_with_the_number_of_initiatives(client, place):
    before = len(client.get("/").data)
    for i in range(30):
        place(title=f"Extra {i}", lat=52.093 + i * 0.0001)
    after = client.get("/").data
    assert abs(len(after) - before) < 100  # only the random map id and nonce differ
    assert b"Extra 1" not in after


def test_bbox_query_uses_the_spatial_index(app):
    """Proven from the query plan: SpatiaLite's SpatialIndex, PostGIS's GiST index."""
    from initiatives.map_queries import _base
    from initiatives.models import Initiative
    from initiatives.search import Filters

    with app.app_context(), unit_of_work():
        stmt = _base((5.09, 52.09, 5.11, 52.10), Filters()).add_columns(Initiative.id)
        compiled = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
        if db.engine.dialect.name == "sqlite":
            plan = " | ".join(str(r[-1]) for r in db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
            assert "SpatialIndex VIRTUAL TABLE INDEX" in plan
            assert "SCAN initiative" not in plan
        else:
            db.session.execute(text("SET LOCAL enable_seqscan = off"))
            plan = " | ".join(r[0] for r in db.session.execute(text(f"EXPLAIN {compiled}")))
            assert "idx_initiative_point" in plan
        rollback()


def test_a_box_given_the_wrong_way_round_or_beyond_the_world_is_put_right(client, place):
    place()
    ok = json_of(client.get("/api/initiatives?bbox=5.0,52.0,5.2,52.2&zoom=16"))
    swapped = json_of(client.get("/api/initiatives?bbox=5.2,52.2,5.0,52.0&zoom=16"))
    world = json_of(client.get("/api/initiatives?bbox=-999,-999,999,999&zoom=16"))
    assert ok["features"] == swapped["features"] == world["features"]
    assert len(ok["features"]) == 1


def test_gallery_count_is_bounded_and_asks_for_a_filter_beyond_it(client, spread, monkeypatch):
    from initiatives import views

    monkeypatch.setattr(views, "COUNT_CAP", 5)
    monkeypatch.setattr(views, "GALLERY_PAGE", 2)
    first = client.get("/initiatieven").get_data(as_text=True)
    assert "Meer dan 5 initiatieven gevonden." in first
    assert "Pagina 1 van 3" in first
    last = client.get("/initiatieven?pagina=99").get_data(as_text=True)  # a page beyond: the last one
    assert "Pagina 3 van 3" in last
    assert "Dit zijn de eerste 5." in last
    assert 'rel="next"' not in last
    narrowed = client.get("/initiatieven?type=participation").get_data(as_text=True)
    assert "3 initiatieven gevonden." in narrowed


def test_the_api_is_documented_for_people_on_a_page_of_its_own(client):
    """The API 'documentation' was raw OpenAPI JSON; now a page renders it, with no script and
    no CDN, from the same description (issue 27)."""
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for path in ("GET /api/initiatives", "GET /api/initiatives/{id}", "GET /api/geocode"):
        assert f"<code>{path}</code>" in html
    assert "<code>bbox</code>" in html
    assert 'href="/api/openapi.json"' in html
    assert '<script src="http' not in html
