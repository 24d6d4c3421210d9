"""The council dashboard's filters and the printable review, in Chromium."""

from __future__ import annotations

import pytest

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
    assert axe_violations(page) == []
    page.click("text=Verslag van dit traject")
    page.wait_for_selector("h1:has-text('Verslag van het traject')")
    page.emulate_media(media="print")
    assert not page.is_visible("header.site-header")
    assert not page.is_visible("#print-knop")
    assert page.is_visible("#uitkomsten")
