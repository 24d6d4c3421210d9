"""A new municipality's first day, in Chromium, with no command after the first (issue 27).

From an empty database, ``flask users first-admin`` prints a one-time link; everything after it is
done in the browser as the people themselves would: the functional administrator chooses a
password and sets up an authenticator app, imports the boundaries of the municipality the tests
generate (Noorderwold: another place, shape and size than Utrecht) after seeing what each file
would do, names the site, invites a civil servant by e-mail, adds a theme and opens a trajectory.
A resident registers, confirms the mail and places an initiative by typing its address; the
civil servant, logged in with a second factor, puts it into the trajectory. Mail goes through a
real SMTP server on loopback; the address comes from the recorded PDOK answer."""

from __future__ import annotations

import json
import re
import time

import pytest

from ..conftest import PASSWORD, TOTP_SECRETS
from ..factories import dispose, installation
from ..places import generated
from ..servers import threaded
from .conftest import browser_login

pytestmark = pytest.mark.browser

ADMIN = "beheer@noorderwold.nl"
CIVIL_SERVANT = "wijkregisseur@noorderwold.nl"
RESIDENT = "femke@example.nl"


@pytest.fixture
def new_municipality(app, tmp_path, pdok_server, smtp_server):
    other = installation(
        app,
        tmp_path / "noorderwold",
        PDOK_LOCATIESERVER_URL=pdok_server,
        GEOCODER_TIMEOUT=2.0,
        MAIL_BACKEND="smtp",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_server.port,
        PUBLIC_URL="",
    )
    with threaded(other) as base:
        yield other, base
    dispose(other)
    for email in (ADMIN, CIVIL_SERVANT, RESIDENT):
        TOTP_SECRETS.pop(email, None)


def _mailed_path(smtp_server, to: str, path: str) -> str:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        for rcpt, message in list(smtp_server.messages):
            if to in rcpt:
                body = message.get_body(("plain",)).get_content()
                found = re.search(rf"https?://[^/\s]+({re.escape(path)}\S+)", body)
                if found:
                    return found.group(1)
        time.sleep(0.05)
    raise AssertionError(f"no mail to {to} with {path}: {[r for r, _m in smtp_server.messages]}")


def _person(browser, url: str):
    context = browser.new_context(base_url=url, locale="nl-NL", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return context, page, errors


def _choose_password(page, path: str) -> None:
    page.goto(path)
    page.fill("#password", PASSWORD)
    if page.locator("#confirm").count():
        page.fill("#confirm", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def _flash(page) -> str:
    """The confirmation the page shows; a form error instead fails with what it said."""
    page.wait_for_selector(".flashes, .error-summary")
    errors = page.locator(".error-summary")
    assert not errors.count(), errors.first.inner_text()
    return page.inner_text(".flashes")


def test_a_new_municipality_is_set_up_in_the_browser_until_its_first_initiative_is_in_a_trajectory(
    new_municipality, browser, smtp_server, tmp_path
):
    other, url = new_municipality
    name, levels = generated()
    # the one command
    made = other.test_cli_runner().invoke(args=["users", "first-admin", ADMIN, "--name", "Functioneel Beheer"])
    assert made.exit_code == 0, made.output
    link = re.search(r"(/wachtwoord-herstellen/\S+)", made.output).group(1)

    admin_context, admin, admin_errors = _person(browser, url)
    _choose_password(admin, link)
    browser_login(admin, ADMIN, PASSWORD)  # and sets up the authenticator app: staff always have a second factor
    assert ADMIN in TOTP_SECRETS
    admin.goto("/")  # no map yet: the administrator is told where to begin, not shown a command
    assert "kies Beheer in het menu bovenaan" in admin.inner_text("main")

    # boundaries, each file seen before it applies
    for level, label in (("municipality", "gemeente"), ("district", "wijk"), ("neighbourhood", "buurt")):
        path = tmp_path / f"{level}.geojson"
        path.write_text(json.dumps(levels[level]), encoding="utf-8")
        admin.goto("/beheer/grenzen")
        admin.select_option("#level", level)
        admin.set_input_files("#file", str(path))
        admin.click("main button:has-text('Bekijken voor het inlezen')")
        admin.wait_for_selector("h1:has-text('Controleer het grensbestand')")
        count = len(levels[level]["features"])
        assert f"{count} nieuw, 0 bijgewerkt" in admin.inner_text("main [role=status]")
        assert f"{level}.geojson als {label}: nog niets is veranderd." in admin.inner_text("main")
        admin.click("main button:has-text('Toepassen')")
        admin.wait_for_selector(".flashes")
        assert f"De grenzen zijn ingelezen: {count} nieuw, 0 bijgewerkt." in _flash(admin)

    # the site's name and who is responsible
    admin.goto("/beheer/instellingen")
    admin.fill("#site_name", "Meedoen in Noorderwold")
    admin.fill("#privacy_controller", "Gemeente Noorderwold")
    admin.fill("#privacy_contact", "privacy@noorderwold.nl")
    admin.click("main button:has-text('Opslaan')")
    assert "De instellingen zijn opgeslagen." in _flash(admin)
    assert "Meedoen in Noorderwold" in admin.inner_text("header")

    # a theme of its own
    admin.goto("/beheer/themas")
    admin.fill("#name", "Dorpsgroen")
    admin.click("main form button:has-text('Toevoegen')")
    assert "Het thema ‘Dorpsgroen’ is toegevoegd." in _flash(admin)

    # a civil servant, invited by e-mail
    admin.goto("/beheer/mensen")
    admin.fill("#email", CIVIL_SERVANT)
    admin.fill("#name", "Wijkregisseur Noord")
    admin.select_option("#role", "civil_servant")
    admin.click("main button:has-text('Uitnodigen')")
    assert CIVIL_SERVANT in admin.inner_text("main")

    # a trajectory for the whole municipality
    admin.goto("/trajecten/nieuw")
    admin.fill("#title", "Groen dorp 2027")
    admin.fill("#question", "Hoe maken we het dorp samen groener?")
    admin.fill("#department", "Ruimte en groen")
    admin.fill("#starts_on", "2026-01-01")
    admin.fill("#ends_on", "2027-12-31")
    admin.click("main button[type=submit]")
    assert "Het traject is aangemaakt." in _flash(admin)

    # the resident: registers, confirms, places an initiative by typing its address
    resident_context, resident, resident_errors = _person(browser, url)
    resident.goto("/registreren")
    assert "Meedoen in Noorderwold" in resident.inner_text("header")
    resident.fill("#display_name", "Femke")
    resident.fill("#email", RESIDENT)
    resident.fill("#password", PASSWORD)
    resident.check("#consent")
    resident.click("main button[type=submit]")
    resident.wait_for_load_state()
    resident.goto(_mailed_path(smtp_server, RESIDENT, "/account/bevestigen/"))
    resident.click("main button[type=submit]")
    resident.wait_for_load_state()
    browser_login(resident, RESIDENT, PASSWORD)
    resident.goto("/initiatieven/nieuw")
    resident.fill("#title", "Pluktuin bij de kerk")
    resident.fill("#summary", "Een pluktuin met fruitstruiken naast de kerk, voor het hele dorp.")
    resident.select_option("#type", "initiative")
    resident.check("text=Dorpsgroen")
    resident.fill("#address", "Kerkstraat 12")
    resident.press("#address", "Enter")
    resident.click("#adres-resultaten button:has-text('Kerkstraat 12, 9901AB Noorderwold')")
    resident.wait_for_selector("#gekozen-plek:has-text('Kerkstraat 12, 9901AB Noorderwold')")
    resident.click("button[name=save]")
    resident.wait_for_selector("h1:has-text('Pluktuin bij de kerk')")
    initiative_path = re.search(r"/initiatieven/\d+$", resident.url).group(0)
    assert "Hoogeland-west 8" in resident.inner_text("main")  # placed in the buurt the address lies in

    # the civil servant: sets a password from the invitation, a second factor, and places it
    civil_context, civil, civil_errors = _person(browser, url)
    _choose_password(civil, _mailed_path(smtp_server, CIVIL_SERVANT, "/wachtwoord-herstellen/"))
    browser_login(civil, CIVIL_SERVANT, PASSWORD)
    assert CIVIL_SERVANT in TOTP_SECRETS
    civil.goto(initiative_path)
    civil.select_option("#traject-kiezen", label="Groen dorp 2027")
    civil.click("#traject button:has-text('Plaats in traject')")
    civil.wait_for_selector(".flashes")
    civil.goto("/trajecten")
    civil.click("text=Groen dorp 2027")
    assert "Pluktuin bij de kerk" in civil.inner_text("main")
    # and the resident sees it on the initiative's page
    resident.goto(initiative_path)
    assert "Groen dorp 2027" in resident.inner_text("#traject")

    for context in (admin_context, resident_context, civil_context):
        context.close()
    assert admin_errors == resident_errors == civil_errors == []
