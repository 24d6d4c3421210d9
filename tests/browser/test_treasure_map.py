"""The treasure map, placing by click and by keyboard, in headless Chromium."""

from __future__ import annotations

import re

import pytest

from ..conftest import PASSWORD
from .conftest import axe_violations, browser_login, wait_until

pytestmark = pytest.mark.browser


@pytest.fixture
def spread(place, make_user):
    owner = make_user("owner@example.nl")
    ids = [
        place(owner, title=f"Spoorzicht plan {i}", lat=52.092 + i * 0.0008, lon=5.097 + i * 0.0006) for i in range(9)
    ]
    ids += [
        place(owner, title=f"Oost plan {i}", lat=52.10 + i * 0.001, lon=5.16, type="participation") for i in range(3)
    ]
    return ids


def test_map_shows_clusters_and_markers_from_the_api(page, spread):
    with page.expect_response(lambda r: "/api/initiatives?bbox=" in r.url) as api:
        page.goto("/")
    assert api.value.ok
    page.wait_for_selector("#treasure-map[data-state=ready]")
    assert page.get_attribute("#treasure-map", "data-count") == "12"
    assert page.locator(".server-cluster, .initiative-marker").count() >= 2
    wait_until(page, "location.search.includes('z=')")  # the view is in the URL to share

    page.goto("/?lat=52.0952&lon=5.1004&z=17")
    page.wait_for_selector("#treasure-map[data-state=ready]")
    assert page.locator(".initiative-marker").count() >= 1
    assert page.locator("#in-beeld a", has_text="Spoorzicht plan").count() >= 1

    page.goto("/?type=participation")
    page.wait_for_selector("#treasure-map[data-state=ready]")
    assert page.get_attribute("#treasure-map", "data-count") == "3"


def test_clicking_a_server_cluster_zooms_in(page, spread):
    page.goto("/?lat=52.095&lon=5.11&z=12")
    page.wait_for_selector("#treasure-map[data-state=ready]")
    zoom_before = int(re.search(r"z=(\d+)", page.url).group(1)) if "z=" in page.url else 12
    page.locator(".server-cluster").first.click()
    wait_until(page, f"Number(new URLSearchParams(location.search).get('z')) > {zoom_before}")


def test_resident_places_an_initiative_by_clicking_the_map(page, make_user):
    make_user("sanne@example.nl")
    browser_login(page, "sanne@example.nl", PASSWORD)
    page.goto("/initiatieven/nieuw")
    page.fill("#title", "Bankje bij de speeltuin")
    page.fill("#summary", "Een bankje zodat ouders bij de speeltuin kunnen zitten.")
    page.select_option("#type", "initiative")
    page.locator("#place-map .map-canvas").click()  # the centre of the municipality
    page.wait_for_selector("#gekozen-plek:has-text('Gekozen plek')")
    page.click("button[name=save]")
    page.wait_for_selector("h1:has-text('Bankje bij de speeltuin')")
    assert "Uw initiatief staat op de kaart" in page.content()
    assert re.search(r"/initiatieven/\d+$", page.url)


def test_resident_places_an_initiative_with_the_keyboard_by_typing_an_address(page, make_user):
    make_user("henk@example.nl")
    browser_login(page, "henk@example.nl", PASSWORD)
    page.goto("/initiatieven/nieuw")
    page.focus("#title")
    page.keyboard.type("Repair Café in de binnenstad")
    page.keyboard.press("Tab")
    page.keyboard.type("Eens per maand repareren we samen kapotte spullen.")
    page.focus("#type")
    page.keyboard.type("Initiatief")
    page.focus("#address")
    page.keyboard.type("Oudegracht 1")
    page.keyboard.press("Enter")  # looks the address up instead of sending the form
    page.wait_for_selector("#adres-resultaten button")
    page.keyboard.press("Tab")  # the search button
    page.keyboard.press("Tab")  # the first match
    page.keyboard.press("Enter")
    page.wait_for_selector("#gekozen-plek:has-text('Oudegracht 1, 3511AA Utrecht')")
    page.focus("button[name=save]")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('Repair Café in de binnenstad')")
    assert "Oudegracht 1, 3511AA Utrecht" in page.content()


def test_errors_are_shown_next_to_the_fields_in_the_browser(page, make_user):
    make_user("sanne@example.nl")
    browser_login(page, "sanne@example.nl", PASSWORD)
    page.goto("/initiatieven/nieuw")
    page.fill("#title", "Ok titel")
    page.click("button[name=save]")
    page.wait_for_selector(".error-summary")
    assert page.locator("#summary-fout").inner_text().startswith("Vul korte beschrijving in")
    assert "Kies een plek" in page.locator("#location-fout").inner_text()
    assert page.input_value("#title") == "Ok titel"


@pytest.mark.parametrize("path", ["/", "/initiatieven", "/registreren", "/inloggen", "/wachtwoord-vergeten"])
def test_pages_have_no_serious_accessibility_problems(page, spread, path):
    page.goto(path)
    if path == "/":
        page.wait_for_selector("#treasure-map[data-state=ready]")
    assert axe_violations(page) == []


def test_initiative_page_and_form_have_no_serious_accessibility_problems(page, spread, make_user):
    page.goto(f"/initiatieven/{spread[0]}")
    assert axe_violations(page) == []
    make_user("sanne@example.nl")
    browser_login(page, "sanne@example.nl", PASSWORD)
    page.goto("/initiatieven/nieuw")
    assert axe_violations(page) == []


def test_the_popup_shows_what_a_leefbaarheidsinitiatief_spent(app, page, place, make_user):
    from initiatives.models import Initiative
    from platform_core.extensions import db
    from platform_core.transaction import unit_of_work

    item = place(make_user("buur@example.nl"), title="Bloembakken Kanaalstraat", type="liveability")
    with app.app_context(), unit_of_work():
        db.session.get(Initiative, item).budget_spent = 1500
    page.goto("/?lat=52.0952&lon=5.1004&z=17")
    page.wait_for_selector("#treasure-map[data-state=ready]")
    page.locator(".initiative-marker").first.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "Bloembakken Kanaalstraat" in popup.inner_text()
    assert "Besteed: €\u00a01.500" in popup.inner_text()  # as the server writes euros (no-break space)
