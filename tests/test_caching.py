"""Pages cheap to serve: fingerprinted assets, conditional GET on data, the map page built once."""

from __future__ import annotations

import re

from initiatives import map_views
from maps.boundaries import import_boundaries
from maps.sample_geography import all_levels
from platform_core.transaction import unit_of_work

from .conftest import INSIDE

CITY = "5.0,52.0,5.2,52.2"


def test_static_files_are_fingerprinted_and_kept_for_a_year(client):
    html = client.get("/").get_data(as_text=True)
    urls = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert urls
    assert all(re.search(r"\?v=[0-9a-f]{12}$", u) for u in urls), urls
    script = next(u for u in urls if "treasure-map.js" in u)
    with client.get(script) as resp:
        assert resp.status_code == 200
        assert resp.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # An old address (a previous release) is not promised to stay the same.
    with client.get(script.split("?")[0] + "?v=000000000000") as stale:
        assert "immutable" not in stale.headers.get("Cache-Control", "")


def test_the_map_api_answers_304_until_the_map_changes(client, place):
    place(title="Bankje bij de bieb", lat=INSIDE[0], lon=INSIDE[1])
    url = f"/api/initiatives?bbox={CITY}&zoom=16"
    first = client.get(url)
    tag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "no-cache"
    again = client.get(url, headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.data == b""
    place(title="Nog een bankje", lat=INSIDE[0] + 0.0005, lon=INSIDE[1])
    changed = client.get(url, headers={"If-None-Match": tag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != tag
    assert b"Nog een bankje" in changed.data


def test_the_map_page_is_built_once_and_each_page_gets_its_own_nonce(app, client):
    map_views._BUILT.clear()
    first = client.get("/").get_data(as_text=True)
    second = client.get("/?lat=52.09&lon=5.11&z=15&type=self_management").get_data(as_text=True)
    assert len(map_views._BUILT) == 1  # the map's data did not depend on the request
    nonces = [set(re.findall(r'<script[^>]* nonce="([^"]+)"', page)) for page in (first, second)]
    assert len(nonces[0]) == len(nonces[1]) == 1
    assert nonces[0] != nonces[1]
    assert 'data-view="52.09,5.11,15"' in second
    with app.app_context(), unit_of_work():  # new boundaries: the page is built again
        import_boundaries(all_levels()["neighbourhood"], "neighbourhood")
    client.get("/")
    assert len(map_views._BUILT) == 2


def test_a_static_file_costs_a_logged_in_resident_no_database_work(app, client, make_user):
    """Stylesheets and scripts are the same for everyone: no account is loaded for them, so a
    logged-in page's assets cost what a visitor's do (issue 28)."""
    from .conftest import login, statements_sent

    make_user("rosa@example.nl")
    assert login(client, "rosa@example.nl").status_code == 302
    with statements_sent(app) as statements:
        for path in ("/static/css/site.css", "/static/js/map.js"):
            response = client.get(path)
            response.close()
            assert response.status_code == 200
        assert statements == []
        assert client.get("/mijn").status_code == 200  # the pages themselves still know who it is
        assert statements
