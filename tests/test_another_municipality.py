"""Nothing tied to one municipality (issue 27): an installation set up for a municipality of the
tests' own making (tests/places.py: "Noorderwold", near Groningen), with no privacy settings in
the environment, names that municipality wherever a controller, an example or a hint is shown,
and no page, register, export or archive package names Utrecht, the demo's fictional town or
their streets and parks."""

from __future__ import annotations

import json
import re
import time

import pytest
from flask import Flask
from shapely.geometry import shape

from maps.sample_geography import BUURT_NAMES
from platform_core.accounts.twofactor import new_recovery_codes
from platform_core.extensions import db
from platform_core.models import User
from platform_core.transaction import unit_of_work

from .conftest import PASSWORD, TOTP_SECRETS, csrf_token, login
from .factories import dispose, installation, placer, user_maker
from .places import generated

# Utrecht's names and addresses, and the fictional town the suite and the demo live in
ELSEWHERE = re.compile(
    "|".join(
        ["Utrecht", "Voorbeeldstad", "Zuilen", "Julianapark", "Kanaalstraat", "Lombok", "Postbus 16200", "3500 CE"]
        + [re.escape(name) for names in BUURT_NAMES.values() for name in names]
    )
)


@pytest.fixture
def noorderwold(tmp_path, app, smtp_server):
    from maps.boundaries import import_boundaries
    from platform_core import transaction

    other = installation(
        app,
        tmp_path,
        PUBLIC_URL="https://meedoen.noorderwold.nl",
        PDOK_LOCATIESERVER_URL="http://127.0.0.1:9/pdok",
        GEOCODER_TIMEOUT=0.5,
        MAIL_BACKEND="smtp",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_server.port,
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


def _hits(where: str, text: str) -> list[str]:
    return [f"{where}: {m}" for m in sorted(set(ELSEWHERE.findall(text)))]


def test_every_page_as_every_role_every_mail_and_every_export_name_only_this_municipality(noorderwold, smtp_server):
    """The permissions test's world, built in Noorderwold: every route that answers GET, with its
    parameters, as a visitor and in each of the seven roles; every mail the day sends (confirming
    an account, a password reset, a message to an initiator, an invitation, the digest); the
    reports, council exports, open data and a resident's own-data download."""
    from .test_permissions import ACTORS, SIGNED_IN, _call, _client, _routes, build_world

    name, levels = generated()
    inside = shape(levels["neighbourhood"]["features"][0]["geometry"]).representative_point()
    make_user = user_maker(noorderwold)
    place = placer(noorderwold, make_user, lat=inside.y, lon=inside.x, address="Kerkstraat 12")
    emails = ("petra@gemeente.nl", "mo@gemeente.nl", "raad@gemeente.nl", "beheer@gemeente.nl")
    for email in emails:
        TOTP_SECRETS.pop(email, None)  # the suite's own installation enrolled them with other secrets
    try:
        world = build_world(noorderwold, make_user, place)
        wrong, broken = [], []
        routes = [(endpoint, rule) for endpoint, method, rule in _routes(noorderwold) if method == "GET"]
        assert len(routes) > 70
        seen = 0
        for actor in ACTORS:
            client, token = _client(noorderwold, actor, world["ids"])
            for endpoint, _rule in routes:
                if endpoint in ("accounts.logout",):
                    continue
                response = _call(noorderwold, client, token, endpoint, "GET", world["params"])
                if response.status_code >= 500:
                    broken.append(f"{actor} {endpoint}: {response.status_code}")
                if not response.mimetype.startswith("image/"):
                    text = response.get_data(as_text=True)
                    wrong += _hits(f"{actor} {endpoint}", text)
                    seen += response.status_code == 200
            if actor in SIGNED_IN:  # the own-data download, in both forms
                identity = {"csrf_token": token, "password": PASSWORD}
                with noorderwold.app_context(), unit_of_work():
                    person = db.session.get(User, world["ids"][actor])
                    if person.has_second_factor:  # staff confirm with a code too: one of their recovery codes
                        identity["code"] = new_recovery_codes(person)[0]
                ready = client.post("/account/gegevens", data=identity, follow_redirects=True)
                found = re.findall(r'name="token" value="([^"]+)"', ready.get_data(as_text=True))
                assert len(found) == 2, ready.get_data(as_text=True)
                for fmt_token in found:
                    got = client.post("/account/gegevens/ophalen", data={"csrf_token": token, "token": fmt_token})
                    assert got.status_code == 200
                    wrong += _hits(f"{actor} own data", got.get_data(as_text=True))
        assert seen > 300, seen  # the pages were really read, not refused
        # the mails of a day: a new account, a forgotten password, a message, an invitation, the digest
        visitor = noorderwold.test_client()
        token = csrf_token(visitor, "/registreren")
        new = {"display_name": "Nieuwe Buur", "email": "nieuw@example.nl", "password": PASSWORD, "consent": "y"}
        visitor.post("/registreren", data={"csrf_token": token, **new})
        forgot = noorderwold.test_client()
        forgot.post("/wachtwoord-vergeten", data={"csrf_token": csrf_token(forgot, "/wachtwoord-vergeten"),
                                                  "email": "rosa@example.nl"})  # fmt: skip
        item = world["params"]["initiative_id"]
        visitor.post(f"/initiatieven/{item}/contact", data={"csrf_token": csrf_token(visitor, f"/initiatieven/{item}"),
                     "name": "Buurman", "email": "buurman@example.nl", "message": "Ik help graag mee."})  # fmt: skip
        admin, admin_token = _client(noorderwold, "admin", world["ids"])
        admin.post("/beheer/mensen", data={"csrf_token": admin_token, "email": "nieuwe.collega@noorderwold.nl",
                                           "name": "Nieuwe Collega", "role": "moderator"})  # fmt: skip
        digest = noorderwold.test_cli_runner().invoke(args=["notifications", "digest", "--period", "daily"])
        assert digest.exit_code == 0, digest.output
        deadline = time.monotonic() + 10
        while len({tuple(r) for r, _m in smtp_server.messages}) < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        mails = list(smtp_server.messages)
        assert {"nieuw@example.nl", "rosa@example.nl", "ilse@example.nl", "nieuwe.collega@noorderwold.nl"} <= {
            address for rcpt, _m in mails for address in rcpt
        }, [r for r, _m in mails]
        for rcpt, message in mails:
            body = " ".join(part.get_content() for part in message.walk() if part.get_content_maintype() == "text")
            wrong += _hits(f"mail to {rcpt} ({message['Subject']})", f"{message['Subject']} {message['From']} {body}")
    finally:
        for email in emails:
            TOTP_SECRETS.pop(email, None)
    assert broken == []
    assert wrong == []
