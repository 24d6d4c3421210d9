"""Uitdaagrecht in Chromium: a group files a challenge (errors first, next to the fields), a neighbour
backs it, the civil servant takes it from the queue to a decision and a zelfbeheer initiative, and
the challenge is on the treasure map. An initiative drawn as an area is drawn as that area."""

from __future__ import annotations

import json

import pytest

from ..conftest import PASSWORD
from .conftest import axe_violations, browser_login

pytestmark = pytest.mark.browser


def _person(browser, live_server, email: str):
    context = browser.new_context(base_url=live_server, locale="nl-NL", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    browser_login(page, email, PASSWORD)
    return context, page


def test_a_challenge_from_filing_to_decision_and_zelfbeheer(browser, live_server, page, make_user):
    make_user("anna@example.nl", name="Anna")
    make_user("bas@example.nl", name="Bas")
    make_user("petra@gemeente.nl", roles=("civil_servant",), name="Petra")
    browser_login(page, "anna@example.nl", PASSWORD)
    page.click("nav >> text=Uitdaagrecht")
    assert "binnen 10 werkdagen" in page.inner_text("main")  # the configured terms, before filing
    page.click("text=Dien een uitdaging in")
    page.fill("#title", "Wij onderhouden het Spoorpark zelf")
    page.check("input[name=challenger][value=group]")
    page.click("main button[type=submit]")
    page.wait_for_selector("#task-fout")
    assert "Vul de naam van de groep of organisatie in." in page.inner_text("#organisation-fout")
    assert page.input_value("#title") == "Wij onderhouden het Spoorpark zelf"  # nothing typed is lost
    assert axe_violations(page) == []
    page.fill("#task", "Het maaien, snoeien en schoonhouden van het Spoorpark.")
    page.fill("#motivation", "Wij wonen ernaast, zien elke dag wat nodig is en doen het met twintig buren.")
    page.fill("#needs", "Gereedschap, een container en jaarlijks 4.000 euro.")
    page.fill("#budget_needed", "4000")
    page.fill("#organisation", "Bewonersvereniging Spoorzicht")
    page.select_option("#area_code", label="Spoorzicht")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=Uw uitdaging is ingediend.")
    challenge_url = page.url
    assert "Ingediend, wacht op ontvangstbevestiging" in page.inner_text("#status")
    assert axe_violations(page) == []

    context, bas = _person(browser, live_server, "bas@example.nl")
    bas.goto(challenge_url)
    bas.click("text=Steun deze uitdaging")
    bas.wait_for_selector("text=Bedankt voor uw steun.")
    assert "1 steunbetuiging" in bas.inner_text("#steun")
    context.close()

    context, petra = _person(browser, live_server, "petra@gemeente.nl")
    petra.click("nav >> text=Wachtrij")
    row = petra.locator("tr", has_text="Wij onderhouden het Spoorpark zelf")
    assert "bevestig de ontvangst" in row.inner_text()
    row.locator("text=Behandel").click()
    petra.click("text=Bevestig de ontvangst")
    petra.wait_for_selector("text=De ontvangst is bevestigd.")
    petra.fill("#msg-body", "Hoe regelt u de verzekering?")
    petra.click("button:has-text('Stel een vraag')")
    petra.wait_for_selector("text=Uw bericht staat bij de uitdaging.")
    petra.click("button:has-text('Besluit vastleggen')")  # nothing chosen: said next to the choice
    petra.wait_for_selector("#bs-decision-fout:has-text('Kies het besluit.')")
    petra.check("input[name=bs-decision][value=granted]")
    petra.fill("#bs-reason", "Alles in orde, de buurt staat erachter en het is goedkoper.")
    petra.click("button:has-text('Besluit vastleggen')")  # not yet assessed: said, nothing decided
    petra.wait_for_selector("text=Beoordeel de uitdaging eerst aan de hand van de criteria.")
    assert petra.input_value("#bs-reason").startswith("Alles in orde")  # what was typed stays
    for i in range(4):
        petra.check(f"input[name=verdict-{i}][value=meets]")
        petra.fill(f"#note-{i}", "Goed onderbouwd")
    petra.click("button:has-text('Beoordeling opslaan')")
    petra.wait_for_selector("text=De beoordeling is opgeslagen.")
    petra.check("input[name=bs-decision][value=partly]")
    petra.fill("#bs-reason", "Het onderhoud mag; het snoeien van bomen blijft bij de gemeente.")
    petra.click("button:has-text('Besluit vastleggen')")
    petra.wait_for_selector("text=Het besluit is vastgelegd en openbaar.")
    assert axe_violations(petra) == []
    petra.fill("#zb-agreement", "De vereniging maait en veegt; de gemeente snoeit en levert een container.")
    petra.click("button:has-text('Zelfbeheerinitiatief aanmaken')")
    petra.wait_for_selector("text=staat op de kaart")
    context.close()

    page.goto(challenge_url)
    assert "Besluit: Deels toegekend" in page.inner_text("#status")
    assert "Hoe regelt u de verzekering?" in page.inner_text("main")
    page.click("#besluit a")  # to the zelfbeheer initiative
    page.wait_for_selector("h1:has-text('Wij onderhouden het Spoorpark zelf')")
    assert "de gemeente snoeit" in page.inner_text("main")
    # Everyone sees it on the treasure map, as its own kind of marker with a link.
    page.goto("/?lat=52.0952&lon=5.1004&z=14")
    page.wait_for_selector("#treasure-map[data-challenge-count='1']")
    page.locator(".leaflet-marker-icon.challenge-marker").first.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "Wij onderhouden het Spoorpark zelf" in popup.inner_text()
    assert "Deels toegekend" in popup.inner_text()


def test_an_area_is_drawn_as_an_area_on_the_treasure_map(page, place, make_user):
    square = {
        "type": "Polygon",
        "coordinates": [[[5.100, 52.095], [5.102, 52.095], [5.102, 52.096], [5.100, 52.096], [5.100, 52.095]]],
    }
    place(
        make_user("buur@example.nl"), title="Speelveld beheren", type="self_management", area_geojson=json.dumps(square)
    )
    page.goto("/?lat=52.0955&lon=5.101&z=17")
    page.wait_for_selector("#treasure-map[data-state=ready]")
    outline = page.locator("path.initiative-area")
    outline.first.wait_for()
    box = outline.first.bounding_box()
    assert box["width"] > 50
    assert box["height"] > 50  # an area on screen, not a dot
    outline.first.click(force=True)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "Speelveld beheren" in popup.inner_text()
    assert "een gebied" in popup.inner_text()
    assert "(een gebied)" in page.inner_text("#in-beeld")
