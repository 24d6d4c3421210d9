"""A resident's rights in Chromium: download everything held about them, add a picture to their
initiative, then delete their account; each page on the way passes axe-core."""

from __future__ import annotations

import json

import pytest

from ..conftest import PASSWORD
from ..imagefiles import hostile_files, sample_jpeg
from .conftest import axe_violations, browser_login

pytestmark = pytest.mark.browser


def test_download_my_data_then_delete_my_account(page, make_user, place, tmp_path):
    owner = make_user("henk@example.nl", name="Henk Jansen")
    item = place(owner, title="Moestuin op het plein")
    browser_login(page, "henk@example.nl", PASSWORD)

    # A picture, with a refused file first: the message sits next to the field.
    page.goto(f"/initiatieven/{item}/fotos")
    bad = tmp_path / "kaart.svg"
    bad.write_bytes(hostile_files()[0][2])
    page.set_input_files("#image", str(bad))
    page.fill("#alt", "Tekening van de moestuin")
    page.click("main form[enctype] button[type=submit]")
    assert "SVG" in page.inner_text("#image-fout")
    assert page.input_value("#alt") == "Tekening van de moestuin"
    assert axe_violations(page) == []
    good = tmp_path / "IMG_0001.jpg"
    good.write_bytes(sample_jpeg(800, 600))
    page.set_input_files("#image", str(good))
    page.click("main form[enctype] button[type=submit]")
    page.wait_for_selector("text=De foto staat bij uw initiatief.")
    page.goto(f"/initiatieven/{item}")
    assert page.get_attribute(".gallery-images img", "alt") == "Tekening van de moestuin"
    assert page.evaluate("document.querySelector('.gallery-images img').naturalWidth") > 0

    # Download: confirm with the password, then one HTML page and one JSON file.
    page.goto("/account")
    page.click("text=Download mijn gegevens")
    assert axe_violations(page) == []
    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=Uw gegevens staan klaar.")
    assert axe_violations(page) == []
    with page.expect_download() as info:
        page.click("text=Download als JSON-bestand")
    data = json.loads(info.value.path().read_text())
    assert data["account"]["e-mailadres"] == "henk@example.nl"
    assert data["initiatives"][0]["titel"] == "Moestuin op het plein"
    assert data["images"][0]["beschrijving"] == "Tekening van de moestuin"
    page.click("text=Bekijk als webpagina")
    page.wait_for_selector("h1:has-text('Mijn gegevens op Schatkaart')")
    assert "Moestuin op het plein" in page.inner_text("main")
    assert axe_violations(page) == []
    page.go_back()
    page.click("text=Bekijk als webpagina")  # the same button a second time: the link is used up
    page.wait_for_selector("text=Deze link werkt niet meer")

    # Delete: the choice, the password, the confirmation; then logged out and gone.
    page.goto("/account/verwijderen")
    assert axe_violations(page) == []
    page.click("main form button[type=submit]")
    assert page.locator(".error-summary").is_visible()
    page.check("#keep-0")
    page.fill("#password", PASSWORD)
    page.check("#sure")
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=Uw account is verwijderd.")
    page.goto(f"/initiatieven/{item}")
    assert "Henk Jansen" not in page.inner_text("main")
    assert "Moestuin op het plein" in page.inner_text("main")
    page.goto("/inloggen")
    page.fill("#email", "henk@example.nl")
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    assert page.locator(".error-summary, .error").first.is_visible()


def test_privacy_statement_and_record_pages_are_accessible(page):
    for url in ("/privacy", "/archief"):
        page.goto(url)
        assert axe_violations(page) == [], url
