"""The council dashboard's filters and the printable review, in Chromium."""

from __future__ import annotations

import pytest

from council.views import PALETTE

from ..conftest import PASSWORD
from ..test_council import known  # noqa: F401  (the known dataset fixture)
from .conftest import axe_violations, browser_login

pytestmark = pytest.mark.browser


def test_council_member_filters_the_dashboard_and_prints_the_review(page, known):  # noqa: F811
    browser_login(page, "raad@gemeente.nl", PASSWORD)
    page.click("nav >> text=Raadsoverzicht")
    assert page.inner_text("#cijfer-initiatieven") == "3"
    page.select_option("#traject", label="Groen")
    page.click("form.council-filters button[type=submit]")
    page.wait_for_selector("#cijfer-initiatieven:has-text('2')")
    assert page.inner_text("#cijfer-deelnemers") == "6"
    assert "traject=" in page.url  # the filtered view can be shared
    # The buurt map is coloured in the browser from the figures on the page: a shade of green where
    # people took part, a red edge where nothing happened; each buurt's figure is its tooltip.
    shapes = page.eval_on_selector_all(
        ".map-frame path.leaflet-interactive", "els => els.map(e => [e.getAttribute('fill'), e.getAttribute('stroke')])"
    )
    assert len(shapes) > 1
    assert any(fill in PALETTE[1:] for fill, _stroke in shapes)
    assert any(stroke == "#b00020" for _fill, stroke in shapes)
    tooltips = page.evaluate(
        "() => { const out = []; const data = JSON.parse(document.getElementById('choropleth-data').textContent);"
        " window.Schatkaart.layers[data.layer]"
        ".eachLayer(l => out.push(l.getTooltip() && l.getTooltip().getContent().textContent)); return out; }"
    )
    assert "Spoorzicht: 6" in tooltips
    assert axe_violations(page) == []
    page.click("text=Verslag van dit traject")
    page.wait_for_selector("h1:has-text('Verslag van het traject')")
    page.emulate_media(media="print")
    assert not page.is_visible("header.site-header")
    assert not page.is_visible("#print-knop")
    assert page.is_visible("#uitkomsten")
