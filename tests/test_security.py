"""Headers, CSP nonces and self-hosted assets on every page."""

from __future__ import annotations

import re

import pytest


@pytest.fixture
def pages(place):
    item = place()
    return ["/", "/initiatieven", f"/initiatieven/{item}", "/inloggen", "/registreren"]


def test_every_inline_script_carries_the_csp_nonce(client, pages):
    for url in pages:
        resp = client.get(url)
        csp = resp.headers["Content-Security-Policy"]
        nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
        assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
        html = resp.get_data(as_text=True)
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or f'nonce="{nonce}"' in tag, (url, tag)


def test_no_cdn_every_script_and_stylesheet_is_ours(client, pages):
    for url in pages:
        html = client.get(url).get_data(as_text=True)
        refs = re.findall(r'<script[^>]+src="([^"]+)"', html) + re.findall(r'<link[^>]+href="([^"]+)"', html)
        assert refs, url
        assert all(ref.startswith("/static/") for ref in refs), (url, refs)


def test_vendored_leaflet_and_markercluster_are_served(client):
    for path in (
        "/static/vendor/leaflet/leaflet.js",
        "/static/vendor/leaflet/leaflet.css",
        "/static/vendor/markercluster/leaflet.markercluster.js",
        "/static/vendor/markercluster/MarkerCluster.css",
    ):
        with client.get(path) as resp:
            assert resp.status_code == 200, path
            assert len(resp.data) > 500


def test_security_headers(client):
    resp = client.get("/")
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]


def test_map_page_lets_people_zoom(client):
    # a viewport tag that forbids zooming fails WCAG 1.4.4
    html = client.get("/").get_data(as_text=True)
    assert "user-scalable=no" not in html


def test_session_cookie_is_http_only(client, make_user):
    from .conftest import login

    make_user("sanne@example.nl")
    resp = login(client, "sanne@example.nl")
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_a_405_names_the_methods_the_address_takes(client):
    response = client.post("/initiatieven")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert "Dit kan zo niet." in response.get_data(as_text=True)
    api = client.delete("/api/initiatives")
    assert api.status_code == 405
    assert "GET" in api.headers["Allow"]


def test_the_map_api_refuses_a_parameter_given_twice(client):
    response = client.get("/api/initiatives?bbox=5.0,52.0,5.2,52.2&zoom=12&zoom=16")
    assert response.status_code == 400
    assert response.get_json()["status"] == 400
    twice = client.get("/api/initiatives?bbox=5.0,52.0,5.2,52.2&bbox=0,0,1,1&zoom=12")
    assert twice.status_code == 400


def test_moderation_decisions_on_ids_no_row_can_have_are_a_message_not_a_crash(app, client, make_user):
    from .conftest import login, post_form

    make_user("mo@gemeente.nl", roles=("moderator",))
    login(client, "mo@gemeente.nl")
    for big in (2**31, 2**63, 10**30):
        for target_type in ("initiative", "comment"):
            response = post_form(
                client,
                "/redactie/besluit",
                {"target_type": target_type, "target_id": str(big), "action": "hide", "reason": "Test"},
                token_from="/redactie",
            )
            assert response.status_code in (302, 400), (big, response.status_code)
            assert "Dit bestaat niet (meer)." in client.get("/redactie").get_data(as_text=True)
