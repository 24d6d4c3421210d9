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
    assert data["results"][0]["type"] == "neighbourhood"


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


def _place_form(client, address: str):
    from .conftest import csrf_token

    token = csrf_token(client, "/initiatieven/nieuw")
    return client.post(
        "/initiatieven/nieuw",
        data={
            "csrf_token": token,
            "title": "Bankje op de hoek",
            "summary": "Een bankje om even te zitten.",
            "description": "",
            "type": "initiative",
            "status": "idea",
            "lat": "",
            "lon": "",
            "address": address,
            "save": "1",
        },
    )


def test_an_address_pdok_cannot_look_up_is_never_placed_on_a_guess(app, client, make_user, place):
    from initiatives.models import Initiative
    from platform_core.extensions import db

    from .conftest import PASSWORD, login

    place(address="Kanaalstraat 10")  # our own names know this street
    make_user("bewoner@example.nl")
    login(client, "bewoner@example.nl", PASSWORD)
    recorded = app.config["PDOK_LOCATIESERVER_URL"]
    app.config["PDOK_LOCATIESERVER_URL"] = "http://127.0.0.1:9/down"
    try:
        for typed, said in (
            ("Kanaalstraat 10", "geen speld op een gok"),  # the street of another initiative
            ("Spoorzicht", "geen speld op een gok"),  # a buurt
            ("Nergensstraat 3", "We kunnen dit adres niet vinden"),
        ):
            resp = _place_form(client, typed)
            assert resp.status_code == 400, typed
            assert said in resp.get_data(as_text=True)
            # On the map page the neighbourhood is shown as what it is, not as the address.
            page = client.get(f"/?adres={typed}").get_data(as_text=True)
            assert "Kaart ingezoomd op" not in page
    finally:
        app.config["PDOK_LOCATIESERVER_URL"] = recorded
    with app.app_context():
        assert db.session.query(Initiative).filter_by(title="Bankje op de hoek").count() == 0
    # With PDOK back, the same form places the pin on the address it knows.
    resp = _place_form(client, "Oudegracht 1")
    assert resp.status_code == 302
    with app.app_context():
        item = db.session.query(Initiative).filter_by(title="Bankje op de hoek").one()
        assert (round(item.lat, 5), round(item.lon, 5)) == (52.09387, 5.11858)


def test_the_map_says_when_it_shows_a_neighbourhood_instead_of_an_address(client):
    html = client.get("/?adres=Bloemenbuurt").get_data(as_text=True)
    assert "Geen adres gevonden voor ‘Bloemenbuurt’. De kaart toont Bloemenbuurt" in html
