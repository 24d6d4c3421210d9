"""Nothing tied to one municipality (issue 27): an installation set up for a municipality of the
tests' own making (tests/places.py: "Noorderwold", near Groningen), with no privacy settings in
the environment, names that municipality wherever a controller, an example or a hint is shown,
and no page, register, export or archive package names Utrecht, the demo's fictional town or
their streets and parks."""

from __future__ import annotations

import json
import re

import pytest
from flask import Flask

from .conftest import PASSWORD, TOTP_SECRETS, csrf_token, login
from .factories import dispose, installation
from .places import generated

ELSEWHERE = re.compile(r"Utrecht|Voorbeeldstad|Zuilen|Julianapark|Kanaalstraat|Lombok|Postbus 16200|3500 CE")


@pytest.fixture
def noorderwold(tmp_path, app):
    from maps.boundaries import import_boundaries
    from platform_core import transaction

    other = installation(
        app,
        tmp_path,
        PUBLIC_URL="https://meedoen.noorderwold.nl",
        PDOK_LOCATIESERVER_URL="http://127.0.0.1:9/pdok",
        GEOCODER_TIMEOUT=0.5,
    )
    for key in ("PRIVACY_CONTROLLER", "PRIVACY_CONTROLLER_ADDRESS"):
        assert not other.config[key], f"{key} is set in this environment; the test needs the defaults"
    _name, levels = generated()
    with other.app_context():
        for level in ("municipality", "district", "neighbourhood"):
            import_boundaries(levels[level], level)
        transaction.commit()
    yield other
    dispose(other)


def _pages(app: Flask) -> list[str]:
    """Every page without a parameter in its address that answers GET."""
    found = []
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.arguments and rule.endpoint not in ("static", "accounts.logout"):
            found.append(rule.rule)
    return sorted(set(found))


def test_another_municipality_is_named_and_utrecht_is_not(noorderwold, tmp_path):
    runner = noorderwold.test_cli_runner()
    made = runner.invoke(args=["users", "first-admin", "beheer@noorderwold.nl"])
    link = re.search(r"https://meedoen\.noorderwold\.nl(/wachtwoord-herstellen/\S+)", made.output).group(1)
    admin = noorderwold.test_client()
    admin.post(link, data={"csrf_token": csrf_token(admin, link), "password": PASSWORD, "confirm": PASSWORD})
    TOTP_SECRETS.pop("beheer@noorderwold.nl", None)
    assert login(admin, "beheer@noorderwold.nl").status_code == 302

    register = noorderwold.test_client().get("/privacy/verwerkingsregister.json").get_json()
    assert register["controller"] == "Gemeente Noorderwold"
    printed = runner.invoke(args=["privacy", "register", "--format", "json"])
    assert json.loads(printed.output)["controller"] == "Gemeente Noorderwold"
    exported = runner.invoke(args=["archive", "export", str(tmp_path / "edepot")])
    assert exported.exit_code == 0, exported.output
    manifest = next((tmp_path / "edepot").glob("manifest*.json")).read_text()
    assert "Gemeente Noorderwold" in manifest
    assert "Gemeente Noorderwold" in noorderwold.test_client().get("/privacy").get_data(as_text=True)
    example = noorderwold.test_client().get("/api/openapi.json").get_json()
    bbox = next(p for p in example["paths"]["/api/initiatives"]["get"]["parameters"] if p["name"] == "bbox")
    west, south, east, north = map(float, bbox["schema"]["example"].split(","))
    assert 6.4 < west < east < 6.8, bbox  # in Noorderwold, near Groningen
    assert 53.1 < south < north < 53.4, bbox

    wrong = []
    visitor = noorderwold.test_client()
    pages = _pages(noorderwold)
    assert len(pages) > 40
    for who, client in (("visitor", visitor), ("admin", admin)):
        for path in pages:
            response = client.get(path)
            text = response.get_data(as_text=True)
            wrong += [f"{who} {path}: {m}" for m in sorted(set(ELSEWHERE.findall(text)))]
    wrong += [f"archive: {m}" for p in (tmp_path / "edepot").iterdir() for m in set(ELSEWHERE.findall(p.read_text()))]
    wrong += [f"register: {m}" for m in set(ELSEWHERE.findall(printed.output))]
    assert wrong == []
