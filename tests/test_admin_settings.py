"""Another municipality without code changes: an administrator sets the name, logo, colours
(refused when they would break contrast), contacts and mail sender, rewords the initiative types
in both languages, adds themes and imports boundaries; automated installs load the same from a file."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select

from initiatives.models import Theme
from maps.sample_geography import all_levels
from platform_core import settings
from platform_core.extensions import db
from tests.conftest import csrf_token, login, post_form
from tests.imagefiles import SVG_SCRIPT, sample_png


@pytest.fixture
def admin_client(app, client, make_user):
    make_user("beheer@gemeente.nl", roles=("admin",))
    login(client, "beheer@gemeente.nl")
    return client


def _settings(**values) -> dict:
    base = {
        "site_name": "",
        "colour_primary": "",
        "colour_link": "",
        "privacy_controller": "",
        "privacy_controller_address": "",
        "privacy_contact": "",
        "dpo_name": "",
        "dpo_contact": "",
        "mail_sender": "",
    }
    return {**base, **values}


def test_name_colours_and_contacts_apply_everywhere(app, admin_client, smtp_server, place):
    response = post_form(
        admin_client,
        "/beheer/instellingen",
        _settings(
            site_name="Samen Zaanstad",
            colour_primary="#1f5fa8",
            colour_link="#0b4f8a",
            privacy_contact="privacy@zaanstad.example",
            dpo_name="Fatima de Boer",
            dpo_contact="fg@zaanstad.example",
            privacy_controller="Gemeente Zaanstad",
            mail_sender="Samen Zaanstad <noreply@zaanstad.example>",
        ),
    )
    assert response.status_code == 302
    page = app.test_client().get("/").get_data(as_text=True)
    assert "Samen Zaanstad</a>" in page
    assert "<title>" in page
    assert "· Samen Zaanstad</title>" in page
    assert "--accent: #1f5fa8;" in page
    assert "--accent-dark: #0b4f8a;" in page
    statement = app.test_client().get("/privacy").get_data(as_text=True)
    assert "Gemeente Zaanstad" in statement
    assert "fg@zaanstad.example" in statement
    assert "Fatima de Boer" in statement
    assert "privacy@zaanstad.example" in app.test_client().get("/toegankelijkheid").get_data(as_text=True)
    register = app.test_client().get("/privacy/verwerkingsregister.json").get_json()
    assert register["activities"][0]["verwerkingsverantwoordelijke"] == "Gemeente Zaanstad"
    item = place()
    post_form(
        app.test_client(),
        f"/initiatieven/{item}/contact",
        {"name": "Bas", "email": "bas@example.nl", "message": "Mag ik meedoen?"},
        token_from=f"/initiatieven/{item}",
    )
    assert any(msg["From"] == "Samen Zaanstad <noreply@zaanstad.example>" for _to, msg in smtp_server.messages)


@pytest.mark.parametrize(
    ("field", "value"), [("colour_primary", "#ffd700"), ("colour_link", "#bbbbbb"), ("colour_primary", "rood")]
)
def test_colours_that_break_contrast_are_refused_next_to_the_field(app, admin_client, field, value):
    response = post_form(admin_client, "/beheer/instellingen", _settings(**{field: value}))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'id="{field}-fout"' in html
    assert "contrast" in html or "#RRGGBB" in html
    with app.app_context():
        assert settings.label(field) is None  # nothing saved


def test_a_logo_is_cleaned_and_served_and_a_hostile_one_refused(app, admin_client):
    token = csrf_token(admin_client, "/beheer/instellingen")
    bad = admin_client.post(
        "/beheer/instellingen",
        data={**_settings(), "csrf_token": token, "logo": (io.BytesIO(SVG_SCRIPT), "logo.svg")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 400
    assert 'id="logo-fout"' in bad.get_data(as_text=True)
    good = admin_client.post(
        "/beheer/instellingen",
        data={**_settings(), "csrf_token": token, "logo": (io.BytesIO(sample_png(alpha=True)), "logo.png")},
        content_type="multipart/form-data",
    )
    assert good.status_code == 302
    with app.app_context():
        name = settings.get("logo")
    page = app.test_client().get("/").get_data(as_text=True)
    assert f"/beheer/logo/{name}" in page
    served = app.test_client().get(f"/beheer/logo/{name}")
    assert served.status_code == 200
    assert served.data[:4] == b"\x89PNG"
    assert app.test_client().get("/beheer/logo/0123456789abcdef0123456789abcdef-logo.png").status_code == 404


def test_types_reworded_in_both_languages(app, admin_client):
    response = post_form(
        admin_client,
        "/beheer/soorten",
        {
            "type.self_management.nl": "Buurtbeheer",
            "type.self_management.en": "Community stewardship",
            "type_explanation.self_management.nl": "Bewoners zorgen samen voor een stuk grond van de gemeente.",
        },
    )
    assert response.status_code == 302
    visitor = app.test_client()
    html = visitor.get("/").get_data(as_text=True)
    assert "Buurtbeheer" in html
    assert "Bewoners zorgen samen voor een stuk grond" in html
    visitor.post("/taal", data={"csrf_token": csrf_token(visitor, "/"), "lang": "en"})
    assert "Community stewardship" in visitor.get("/initiatieven").get_data(as_text=True)
    post_form(admin_client, "/beheer/soorten", {"type.self_management.nl": ""})
    assert "Zelfbeheer" in app.test_client().get("/").get_data(as_text=True)  # back to the default


def test_themes_and_sub_themes_are_added_on_the_page(app, admin_client):
    assert post_form(admin_client, "/beheer/themas", {"name": "Water en klimaat", "parent_id": ""}).status_code == 302
    with app.app_context():
        parent = db.session.scalar(select(Theme).where(Theme.name == "Water en klimaat"))
    assert (
        post_form(
            admin_client, "/beheer/themas", {"name": "Regenwater opvangen", "parent_id": str(parent.id)}
        ).status_code
        == 302
    )
    twice = post_form(admin_client, "/beheer/themas", {"name": "Water en klimaat", "parent_id": ""})
    assert twice.status_code == 400
    assert "Er is al een thema met deze naam." in twice.get_data(as_text=True)
    html = app.test_client().get("/initiatieven").get_data(as_text=True)
    assert "Water en klimaat" in html
    assert "Regenwater opvangen" in html


def test_boundaries_are_imported_on_the_page(app, admin_client):
    token = csrf_token(admin_client, "/beheer/grenzen")
    data = json.dumps(all_levels()["district"]).encode()
    response = admin_client.post(
        "/beheer/grenzen",
        data={"csrf_token": token, "level": "district", "file": (io.BytesIO(data), "wijken.geojson")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "De grenzen zijn ingelezen." in response.get_data(as_text=True)
    broken = admin_client.post(
        "/beheer/grenzen",
        data={"csrf_token": token, "level": "district", "file": (io.BytesIO(b"{niet json"), "x.geojson")},
        content_type="multipart/form-data",
    )
    assert broken.status_code == 400
    assert "GeoJSON" in broken.get_data(as_text=True)


def test_automated_installs_load_settings_from_a_file(app, runner, make_user, tmp_path):
    make_user("beheer@gemeente.nl", roles=("admin",))
    path = tmp_path / "gemeente.json"
    path.write_text(json.dumps({"site_name": "Schatkaart Amersfoort", "type.initiatief.en": "Residents' plan"}))
    result = runner.invoke(args=["settings", "load", str(path)])
    assert result.exit_code == 0, result.output
    assert "Schatkaart Amersfoort" in app.test_client().get("/").get_data(as_text=True)
    path.write_text(json.dumps({"colour_primary": "#eeeeee"}))
    refused = runner.invoke(args=["settings", "load", str(path)])
    assert refused.exit_code != 0


@pytest.mark.parametrize(
    "sender",
    [
        "noreply@gemeente.nl\r\nBcc: iedereen@example.nl",
        "Gemeente <noreply@gemeente.nl>\nSubject: nep",
        "geen adres",
        "a@b@c.nl",
        "noreply@gemeente",
    ],
)
def test_a_mail_sender_that_would_break_or_inject_headers_is_refused_next_to_the_field(
    app, admin_client, smtp_server, sender
):
    response = post_form(admin_client, "/beheer/instellingen", _settings(mail_sender=sender))
    assert response.status_code == 400
    assert 'id="mail_sender-fout"' in response.get_data(as_text=True)
    with app.app_context():
        assert settings.stored("mail_sender") is None  # nothing saved
    # mail still goes out, and the contact form still answers
    assert (
        post_form(
            admin_client, "/beheer/instellingen", _settings(mail_sender="Gemeente <info@gemeente.nl>")
        ).status_code
        == 302
    )


def test_single_line_settings_refuse_line_breaks(app, admin_client):
    response = post_form(admin_client, "/beheer/instellingen", _settings(site_name="Schatkaart\r\nX-Kop: ja"))
    assert response.status_code == 400
    assert "één regel" in response.get_data(as_text=True)


def _boundary_file(code: str, name: str = "Nieuwe wijk") -> bytes:
    square = [[[5.10, 52.09], [5.11, 52.09], [5.11, 52.10], [5.10, 52.10], [5.10, 52.09]]]
    feature = {
        "type": "Feature",
        "properties": {"code": code, "name": name},
        "geometry": {"type": "Polygon", "coordinates": square},
    }
    return json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()


def test_a_boundary_code_longer_than_the_column_is_reported_not_crashed_on(app, admin_client):
    token = csrf_token(admin_client, "/beheer/grenzen")
    response = admin_client.post(
        "/beheer/grenzen",
        data={"csrf_token": token, "level": "district", "file": (io.BytesIO(_boundary_file("W" * 21)), "w.geojson")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "Vlak 1: de code is langer dan 20 tekens." in response.get_data(as_text=True)
    from maps.models import Area

    with app.app_context():
        assert db.session.scalar(select(Area).where(Area.code == "W" * 21)) is None
