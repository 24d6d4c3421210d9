"""Another municipality without code changes: an administrator sets the name, logo, colours
(refused when they would break contrast), contacts and mail sender, rewords the initiative types
in both languages, adds themes and imports boundaries; automated installs load the same from a file."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import func, select

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
    assert response.status_code == 400  # nothing usable in the file: said so, not "ingelezen"
    assert "Vlak 1: de code is langer dan 20 tekens." in response.get_data(as_text=True)
    assert "Er is niets ingelezen" in response.get_data(as_text=True)
    from maps.models import Area

    with app.app_context():
        assert db.session.scalar(select(Area).where(Area.code == "W" * 21)) is None


def _all_settings(**changed) -> dict:
    from schatkaart.admin import SETTING_FIELDS

    values = dict.fromkeys(SETTING_FIELDS, "")
    values.update(changed)
    return values


def test_what_the_municipality_promises_is_set_in_beheer(app, admin_client, make_user):
    """The response norm, the security contact and the privacy statement's version were
    environment variables; now the functional administrator sets them (issue 27)."""
    resident = app.test_client()
    make_user("rosa@example.nl")
    login(resident, "rosa@example.nl")
    assert resident.get("/mijn").status_code == 200
    saved = post_form(
        admin_client,
        "/beheer/instellingen",
        _all_settings(
            response_norm_days="7", security_contact="mailto:cert@noorderwold.nl", privacy_statement_version="2027-01"
        ),
    )
    assert saved.status_code == 302
    assert "Contact: mailto:cert@noorderwold.nl" in app.test_client().get("/.well-known/security.txt").get_data(
        as_text=True
    )
    assert "Versie 2027-01" in app.test_client().get("/privacy").get_data(as_text=True)
    # a new version: everyone who agreed to the old one is asked again before anything else
    asked = resident.get("/mijn")
    assert asked.status_code == 302
    assert asked.headers["Location"].startswith("/privacy/toestemming")
    with app.app_context():
        assert settings.response_norm_days() == 7


def test_a_wrong_promise_is_refused_next_to_its_field_and_nothing_is_saved(app, admin_client):
    refused = post_form(
        admin_client,
        "/beheer/instellingen",
        _all_settings(response_norm_days="0", security_contact="bel ons", site_name="Meedoen Noorderwold"),
    )
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert "Vul een aantal werkdagen in van 1 tot en met 60." in html
    assert "Vul een adres in als mailto:security@gemeente.nl of een https-link." in html
    with app.app_context():
        assert settings.get("site_name") != "Meedoen Noorderwold"  # all or nothing
        assert settings.response_norm_days() == 5


def test_themes_are_renamed_named_in_english_reordered_and_retired(app, admin_client, place, make_user):
    """Themes could only be added; now an administrator looks after them (issue 27). The themes
    are the session's own: put back as they were afterwards."""
    with app.app_context():
        saved = [(t.id, t.name, t.name_en, t.position, t.retired_at) for t in db.session.scalars(select(Theme))]
    try:
        _look_after_themes(app, admin_client, place, make_user)
    finally:
        with app.app_context():
            from platform_core.transaction import unit_of_work

            with unit_of_work():
                for theme_id, name, name_en, position, retired_at in saved:
                    theme = db.session.get(Theme, theme_id)
                    theme.name, theme.name_en, theme.position, theme.retired_at = name, name_en, position, retired_at


def _look_after_themes(app, admin_client, place, make_user):
    from initiatives.models import Initiative

    with app.app_context():
        moestuinen = db.session.scalar(select(Theme).where(Theme.name == "Moestuinen"))
        groen = moestuinen.parent
        before = [c.id for c in groen.children]
        theme_id, slug = moestuinen.id, moestuinen.slug
    item = place(make_user("tuinier@example.nl"), title="Moestuin bij de school")
    with app.app_context():
        from platform_core.transaction import unit_of_work

        with unit_of_work():
            tagged = db.session.get(Initiative, item)
            tagged.themes.append(db.session.get(Theme, theme_id))
    renamed = post_form(admin_client, f"/beheer/themas/{theme_id}",
                        {"action": "naam", "name": "Buurtmoestuinen", "name_en": "Community vegetable gardens"},
                        token_from="/beheer/themas", follow_redirects=True)  # fmt: skip
    assert "Het thema heet nu ‘Buurtmoestuinen’." in renamed.get_data(as_text=True)
    assert "Buurtmoestuinen" in app.test_client().get(f"/initiatieven?theme={slug}").get_data(as_text=True)
    english = app.test_client()
    english.post("/taal", data={"csrf_token": csrf_token(english, "/"), "lang": "en"})
    assert "Community vegetable gardens" in english.get(f"/initiatieven/{item}").get_data(as_text=True)
    # one place up among its siblings, in the filters too
    post_form(admin_client, f"/beheer/themas/{theme_id}", {"action": "omhoog"}, token_from="/beheer/themas")
    with app.app_context():
        order = [c.id for c in db.session.get(Theme, groen.id).children]
    assert order.index(theme_id) == before.index(theme_id) - 1
    # retired: no longer offered in the forms and filters, still on the initiative
    retired = post_form(admin_client, f"/beheer/themas/{theme_id}", {"action": "buiten-gebruik"},
                        token_from="/beheer/themas", follow_redirects=True)  # fmt: skip
    assert "‘Buurtmoestuinen’ wordt niet meer aangeboden; initiatieven houden het." in retired.get_data(as_text=True)
    form = admin_client.get("/initiatieven/nieuw").get_data(as_text=True)
    assert "Buurtmoestuinen" not in form
    assert "Buurtmoestuinen" in app.test_client().get(f"/initiatieven/{item}").get_data(as_text=True)
    empty_name = post_form(admin_client, f"/beheer/themas/{theme_id}", {"action": "naam", "name": "", "name_en": ""},
                           token_from="/beheer/themas", follow_redirects=True)  # fmt: skip
    assert "Geef het thema een naam van 2 tot 80 tekens." in empty_name.get_data(as_text=True)


def _upload(admin_client, level: str, features: list) -> str:
    token = csrf_token(admin_client, "/beheer/grenzen")
    data = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    response = admin_client.post(
        "/beheer/grenzen",
        data={"csrf_token": token, "level": level, "file": (io.BytesIO(data), "grenzen.geojson")},
        content_type="multipart/form-data",
    )
    return response.status_code, response.get_data(as_text=True)


def test_a_boundary_file_that_does_not_fit_is_refused_in_plain_dutch(app, admin_client):
    """A buurt file read as the municipality, a point, and an open outline for an existing buurt
    (issue 27): each refused with its reason, and nothing replaced."""
    from maps.models import Area, Municipality

    buurten = all_levels()["neighbourhood"]["features"]
    status, html = _upload(admin_client, "municipality", buurten)
    assert status == 400
    assert f"Een gemeentegrens is één vlak; dit bestand heeft er {len(buurten)}." in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Municipality)) == 1
    point = {"type": "Feature", "properties": {"code": "0199", "name": "Punt"},
             "geometry": {"type": "Point", "coordinates": [5.1, 52.09]}}  # fmt: skip
    status, html = _upload(admin_client, "neighbourhood", [point])
    assert status == 400
    assert "Vlak 1 (0199): geen vlak maar Point" in html
    assert "Er is niets ingelezen" in html
    existing = buurten[0]
    code = existing["properties"]["code"]
    with app.app_context():
        before = db.session.scalar(select(Area.display_geojson).where(Area.code == code, Area.level == "neighbourhood"))
    open_ring = [[[5.0, 52.0], [5.3, 52.0], [5.3, 52.3], [5.0, 52.3]]]  # the first point is not repeated
    broken = {"type": "Feature", "properties": {"code": code, "name": "Kapot"},
              "geometry": {"type": "Polygon", "coordinates": open_ring}}  # fmt: skip
    status, html = _upload(admin_client, "neighbourhood", [broken])
    assert status == 400
    assert "een omtrek is niet gesloten" in html
    with app.app_context():
        after = db.session.scalar(select(Area.display_geojson).where(Area.code == code, Area.level == "neighbourhood"))
    assert after == before


def test_the_accessibility_statement_is_written_in_beheer_in_both_languages(app, admin_client):
    """Status, date, limitations and the research were fixed text (issue 27)."""
    before = app.test_client().get("/toegankelijkheid").get_data(as_text=True)
    assert "heeft de datum van deze verklaring nog niet vastgelegd." in before  # no date made up
    assert "Kaarten: de achtergrondkaart zelf is een afbeelding." in before  # the product's own list
    values = {
        "accessibility_status": "C",
        "accessibility_date": "2026-12-01",
        "accessibility_limitations": "Pdf-bijlagen bij trajecten zijn niet toegankelijk; vóór 1 maart 2027 in HTML.\n"
        "Video's van bijeenkomsten hebben nog geen ondertitels.",
        "accessibility_limitations_en": "PDF attachments to trajectories are not accessible; in HTML by 1 March 2027.\n"
        "Videos of meetings have no subtitles yet.",
        "accessibility_report_url": "https://noorderwold.nl/toegankelijkheid/onderzoek-2026.pdf",
    }
    saved = post_form(admin_client, "/beheer/toegankelijkheid", values, follow_redirects=True)
    assert "De toegankelijkheidsverklaring is bijgewerkt." in saved.get_data(as_text=True)
    dutch = app.test_client().get("/toegankelijkheid").get_data(as_text=True)
    assert "<strong>Eerste maatregelen genomen</strong> (status C)" in dutch
    assert "Deze verklaring is opgesteld op 01-12-2026 en wordt elk jaar bijgewerkt." in dutch
    assert "<li>Video&#39;s van bijeenkomsten hebben nog geen ondertitels.</li>" in dutch
    assert "Kaarten: de achtergrondkaart" not in dutch
    assert 'href="https://noorderwold.nl/toegankelijkheid/onderzoek-2026.pdf"' in dutch
    english = app.test_client()
    english.post("/taal", data={"csrf_token": csrf_token(english, "/"), "lang": "en"})
    page = english.get("/toegankelijkheid").get_data(as_text=True)
    assert "<li>Videos of meetings have no subtitles yet.</li>" in page
    assert "<strong>First measures taken</strong> (status C)" in page
    # a wrong value is said next to its field, and nothing of the form is saved
    wrong = post_form(
        admin_client,
        "/beheer/toegankelijkheid",
        {**values, "accessibility_status": "B", "accessibility_date": "2099-01-01",
         "accessibility_limitations_en": "Only one line.", "accessibility_report_url": "javascript:alert(1)"},
    )  # fmt: skip
    html = wrong.get_data(as_text=True)
    assert wrong.status_code == 400
    assert "Vul een datum in als 2027-01-31, niet later dan vandaag." in html
    assert "Geef evenveel Engelse als Nederlandse regels, in dezelfde volgorde." in html
    assert "Vul een https-link in, of laat het leeg." in html
    with app.app_context():
        assert settings.get("accessibility_status") == "C"
