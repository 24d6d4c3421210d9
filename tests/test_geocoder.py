"""Address search: PDOK answers replayed from recordings, cache, fallback, rate limit."""

from __future__ import annotations

import json

from maps.geocoder import parse_pdok

from .conftest import RECORDED, RecordedPDOK, json_of


def test_recorded_pdok_answer_is_parsed():
    payload = json.loads((RECORDED / "oudegracht_1.json").read_text())
    assert parse_pdok(payload) == [
        {"label": "Oudegracht 1, 3511AA Utrecht", "type": "adres", "lon": 5.11858, "lat": 52.09387, "source": "pdok"}
    ]


def test_docs_without_a_centroid_are_skipped():
    assert parse_pdok({"response": {"docs": [{"weergavenaam": "X"}]}}) == []
    assert parse_pdok({}) == []


def test_geocode_endpoint_asks_pdok_once_then_uses_the_cache(client):
    first = json_of(client.get("/api/geocode?q=Oudegracht 1"))
    assert first["source"] == "pdok"
    assert first["results"][0]["label"] == "Oudegracht 1, 3511AA Utrecht"
    second = json_of(client.get("/api/geocode?q=oudegracht   1"))
    assert second["source"] == "cache"
    assert second["results"] == first["results"]
    assert RecordedPDOK.requests == ["oudegracht 1"]


def test_postcode_search(client):
    data = json_of(client.get("/api/geocode?q=3511AA"))
    assert data["results"][0]["type"] == "postcode"


def test_falls_back_to_our_own_names_when_pdok_is_down(app, client, place):
    place(address="Kanaalstraat 10")
    recorded = app.config["PDOK_LOCATIESERVER_URL"]
    app.config["PDOK_LOCATIESERVER_URL"] = "http://127.0.0.1:9/down"
    try:
        data = json_of(client.get("/api/geocode?q=spoorz"))
        assert data["source"] == "local"
        assert data["results"][0]["label"] == "Spoorzicht"
        street = json_of(client.get("/api/geocode?q=kanaalstraat"))
        assert street["results"][0]["label"] == "Kanaalstraat 10"
    finally:
        app.config["PDOK_LOCATIESERVER_URL"] = recorded


def test_neighbourhood_names_are_found_when_pdok_knows_nothing(client):
    data = json_of(client.get("/api/geocode?q=Bloemenbuurt"))
    assert data["source"] == "local"
    assert data["results"][0]["type"] == "buurt"


def test_too_short_query_is_a_400(client):
    resp = client.get("/api/geocode?q=a")
    assert resp.status_code == 400
    assert "minstens twee tekens" in json_of(resp)["error"]


def test_geocode_is_rate_limited(client):
    statuses = [client.get("/api/geocode?q=Oudegracht 1").status_code for _ in range(61)]
    assert statuses[:60] == [200] * 60
    assert statuses[60] == 429
    assert "te vaak" in json_of(client.get("/api/geocode?q=Oudegracht 1"))["error"]


def test_map_address_search_zooms_to_the_address(client):
    html = client.get("/?adres=Oudegracht 1").get_data(as_text=True)
    assert "Kaart ingezoomd op Oudegracht 1, 3511AA Utrecht" in html
    assert "52.09387" in html
    assert "5.11858" in html


def test_map_address_search_not_found_says_so(client):
    html = client.get("/?adres=Nergensstraat").get_data(as_text=True)
    assert "niet gevonden" in html
