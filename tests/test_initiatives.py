"""Placing, validating, editing and showing initiatives."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from initiatives.models import Initiative, Theme
from initiatives.services import create_initiative, update_initiative
from platform_core.extensions import db
from platform_core.models import User
from platform_core.transaction import unit_of_work
from platform_core.validation import PermissionDenied, ValidationFailed

from .conftest import INSIDE, OUTSIDE, initiative_input, login, map_spec, post_form


def _count(app) -> int:
    with app.app_context(), unit_of_work():
        return db.session.scalar(select(func.count()).select_from(Initiative))


def test_placing_derives_neighbourhood_and_renders_safe_markdown(app, make_user):
    uid = make_user()
    with app.app_context(), unit_of_work():
        item = create_initiative(
            db.session.get(User, uid),
            initiative_input(description="**Samen** <script>alert(1)</script> [site](javascript:alert(2))"),
        )
        assert item.area.name == "Spoorzicht"
        assert item.area.parent.name == "Noordwest"
        assert "<strong>Samen</strong>" in item.description_html
        assert "<script" not in item.description_html
        assert "javascript:" not in item.description_html
        assert item.geom_type == "POINT"


def test_zelfbeheer_area_is_stored_as_polygon_with_a_representative_point(app, make_user):
    uid = make_user()
    square = {
        "type": "Polygon",
        "coordinates": [[[5.100, 52.095], [5.101, 52.095], [5.101, 52.0955], [5.100, 52.0955], [5.100, 52.095]]],
    }
    with app.app_context(), unit_of_work():
        item = create_initiative(
            db.session.get(User, uid), initiative_input(type="self_management", area_geojson=json.dumps(square))
        )
        assert item.is_area
        assert 5.100 < item.lon < 5.101
        assert 52.095 < item.lat < 52.0955


def test_an_area_is_shown_as_an_area_on_the_map_and_the_detail_map_fits_it(app, client, make_user):
    uid = make_user()
    square = {
        "type": "Polygon",
        "coordinates": [[[5.100, 52.095], [5.104, 52.095], [5.104, 52.097], [5.100, 52.097], [5.100, 52.095]]],
    }
    with app.app_context(), unit_of_work():
        owner = db.session.get(User, uid)
        area_id = create_initiative(owner, initiative_input(type="self_management", area_geojson=json.dumps(square))).id
        point_id = create_initiative(owner, initiative_input(title="Een bankje op een punt")).id
    data = client.get("/api/initiatives?bbox=5.095,52.09,5.105,52.10&zoom=16").get_json()
    shown = {f["properties"]["id"]: f["properties"] for f in data["features"]}
    assert shown[area_id]["shape"]["type"] == "Polygon"
    ring = shown[area_id]["shape"]["coordinates"][0]
    assert {tuple(p) for p in ring} == {tuple(p) for p in square["coordinates"][0]}
    assert "shape" not in shown[point_id]  # a point carries no outline
    html = client.get(f"/initiatieven/{area_id}").get_data(as_text=True)
    assert map_spec(html, "kaart-initiatief")["bounds"] == [[52.095, 5.1], [52.097, 5.104]]


def test_every_problem_is_reported_at_once_and_nothing_is_saved(app, make_user):
    uid = make_user()
    with app.app_context(), pytest.raises(ValidationFailed) as exc:
        create_initiative(
            db.session.get(User, uid),
            initiative_input(
                title="",
                summary="x" * 301,
                type="onbekend",
                lat=OUTSIDE[0],
                lon=OUTSIDE[1],
                links="javascript:alert(1)",
                budget_requested="veel",
            ),
        )
    errors = exc.value.errors
    assert errors["title"] == "Vul titel in."
    assert "te lang: hoogstens 300 tekens (nu 301)" in errors["summary"]
    assert errors["type"] == "Kies wat voor soort initiatief dit is."
    assert "buiten de gemeente" in errors["location"]
    assert "begint met http:// of https://" in errors["links"]
    assert "hele euro" in errors["budget_requested"]
    assert _count(app) == 0


@pytest.mark.parametrize(
    "links",
    ["ftp://example.org", "https://", "data:text/html,hi", "\n".join(f"https://e.org/{i}" for i in range(6))],
)
def test_bad_links_are_refused(app, make_user, links):
    uid = make_user()
    with app.app_context(), pytest.raises(ValidationFailed) as exc:
        create_initiative(db.session.get(User, uid), initiative_input(links=links))
    assert "links" in exc.value.errors


def test_links_are_classified(app, make_user):
    uid = make_user()
    with app.app_context(), unit_of_work():
        item = create_initiative(
            db.session.get(User, uid),
            initiative_input(links="https://www.facebook.com/groep\nhttps://youtu.be/abc\nhttps://buurt.nl"),
        )
        assert [link.kind for link in item.links] == ["facebook", "youtube", "website"]


def test_only_the_initiator_edits_not_even_the_municipality(app, make_user, place):
    owner = make_user("owner@example.nl")
    civil = make_user("petra@gemeente.nl", roles=("civil_servant",))
    admin = make_user("beheer@gemeente.nl", roles=("admin",))
    item_id = place(owner)
    with app.app_context(), unit_of_work():
        item = db.session.get(Initiative, item_id)
        for other in (civil, admin):
            with pytest.raises(PermissionDenied):
                update_initiative(db.session.get(User, other), item, initiative_input(title="Overgenomen"))
        update_initiative(db.session.get(User, owner), item, initiative_input(title="Geveltuinen, tweede ronde"))
        assert db.session.get(Initiative, item_id).title == "Geveltuinen, tweede ronde"


def test_civil_servants_place_initiatives_through_the_same_flow(app, client, make_user):
    make_user("petra@gemeente.nl", roles=("civil_servant",))
    login(client, "petra@gemeente.nl")
    resp = post_form(client, "/initiatieven/nieuw", _form(type="participation"), follow_redirects=True)
    assert "Uw initiatief staat op de kaart" in resp.get_data(as_text=True)


def _form(**overrides) -> dict:
    data = {
        "title": "Buurtmoestuin Spoorzicht",
        "summary": "Een moestuin voor en door de buurt, op het veldje achter de school.",
        "description": "Iedereen mag meedoen.",
        "type": "self_management",
        "status": "idea",
        "lat": str(INSIDE[0]),
        "lon": str(INSIDE[1]),
        "address": "",
        "links": "https://moestuin.example.org",
        "budget_requested": "1500",
        "save": "1",
    }
    data.update(overrides)
    return data


def test_placing_requires_an_account_and_newcomers_land_on_registration(client):
    # "Initiatief plaatsen" is in every visitor's menu ...
    assert 'href="/initiatieven/nieuw"' in client.get("/").get_data(as_text=True)
    # ... and leads someone without an account to making one, not to a bare login form.
    resp = client.get("/initiatieven/nieuw")
    assert resp.status_code == 302
    assert resp.headers["Location"].startswith("/registreren?next=/initiatieven/nieuw")
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "komt u meteen bij het formulier" in page
    assert 'href="/inloggen?next=/initiatieven/nieuw"' in page
    # A form sent without a session still goes to the login (nothing to register with).
    assert client.post("/initiatieven/nieuw", data={}).status_code in (302, 400)


def test_resident_places_by_map_click_and_sees_the_page(app, client, make_user):
    make_user("sanne@example.nl")
    login(client, "sanne@example.nl")
    with app.app_context():
        theme_id = db.session.scalar(select(Theme.id).where(Theme.slug == "moestuinen"))
    resp = post_form(client, "/initiatieven/nieuw", _form(theme_ids=str(theme_id)))
    assert resp.status_code == 302
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Buurtmoestuin Spoorzicht" in page
    assert "Moestuinen" in page
    assert "€\xa01.500" in page  # Dutch style, with a no-break space: "€ 1.500"
    assert "Spoorzicht" in page
    assert "sanne@example.nl" not in page  # the owner's e-mail is never shown


def test_typed_address_is_looked_up_when_no_point_was_clicked(app, client, make_user):
    make_user("sanne@example.nl")
    login(client, "sanne@example.nl")
    resp = post_form(client, "/initiatieven/nieuw", _form(lat="", lon="", address="Oudegracht 1"))
    assert resp.status_code == 302
    with app.app_context(), unit_of_work():
        item = db.session.scalar(select(Initiative))
        assert (round(item.lon, 5), round(item.lat, 5)) == (5.11858, 52.09387)
        assert item.address == "Oudegracht 1, 3511AA Utrecht"


def test_unknown_address_gets_a_message_next_to_the_field(app, client, make_user):
    make_user("sanne@example.nl")
    login(client, "sanne@example.nl")
    resp = post_form(client, "/initiatieven/nieuw", _form(lat="", lon="", address="Nergensstraat 99"))
    assert resp.status_code == 400
    assert "We kunnen dit adres niet vinden" in resp.get_data(as_text=True)
    assert _count(app) == 0


def test_outside_the_municipality_is_refused_with_the_form_kept(app, client, make_user):
    make_user("sanne@example.nl")
    login(client, "sanne@example.nl")
    resp = post_form(client, "/initiatieven/nieuw", _form(lat="", lon="", address="Damrak 1"))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "ligt buiten de gemeente Voorbeeldstad" in html
    assert 'value="Buurtmoestuin Spoorzicht"' in html  # nothing the resident typed is lost
    assert _count(app) == 0


def test_preview_shows_the_initiative_without_saving(app, client, make_user):
    make_user("sanne@example.nl")
    login(client, "sanne@example.nl")
    data = _form(description="Een **vette** zin.")
    del data["save"]
    data["preview"] = "1"
    resp = post_form(client, "/initiatieven/nieuw", data)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "Voorbeeld: zo ziet uw initiatief eruit" in html
    assert "<strong>vette</strong>" in html
    assert _count(app) == 0


def test_owner_edits_and_others_get_403(app, client, make_user, place):
    owner = make_user("owner@example.nl")
    make_user("buur@example.nl")
    item_id = place(owner)
    login(client, "buur@example.nl")
    assert client.get(f"/initiatieven/{item_id}/bewerken").status_code == 403
    client.get("/")  # new session for the owner
    other = client.application.test_client()
    login(other, "owner@example.nl")
    form = other.get(f"/initiatieven/{item_id}/bewerken").get_data(as_text=True)
    assert 'value="Geveltuinen in de Kanaalstraat"' in form
    resp = post_form(other, f"/initiatieven/{item_id}/bewerken", _form(title="Geveltuinen 2.0"))
    assert resp.status_code == 302
    assert "Geveltuinen 2.0" in other.get(f"/initiatieven/{item_id}").get_data(as_text=True)


def test_user_text_is_escaped_everywhere(app, client, place):
    item_id = place(title="<script>alert('x')</script> Tuin", summary="<img src=x onerror=alert(1)> samen")
    for url in (f"/initiatieven/{item_id}", "/initiatieven"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert('x')</script>" not in html
        assert "&lt;script&gt;" in html
        assert "<img src=x" not in html


def test_missing_initiative_is_a_friendly_404(client):
    resp = client.get("/initiatieven/999999")
    assert resp.status_code == 404
    assert "Deze pagina bestaat niet" in resp.get_data(as_text=True)


def test_contact_form_mails_the_owner_without_revealing_addresses(app, client, make_user, place, smtp_server):
    owner = make_user("owner@example.nl")
    item_id = place(owner)
    resp = post_form(
        client,
        f"/initiatieven/{item_id}/contact",
        {"name": "Henk", "email": "henk@example.nl", "message": "Ik help graag mee!"},
        token_from=f"/initiatieven/{item_id}",
        follow_redirects=True,
    )
    page = resp.get_data(as_text=True)
    assert "Uw bericht is verstuurd" in page
    assert "owner@example.nl" not in page
    ((rcpts, msg),) = smtp_server.messages
    assert rcpts == ["owner@example.nl"]
    assert msg["Reply-To"] == "henk@example.nl"
    assert "Ik help graag mee!" in msg.get_content()


def test_a_contact_message_with_errors_comes_back_with_its_summary_and_input(client, place, smtp_server):
    """The contact form is a shared piece of the page; with errors it is the reader's own again:
    the summary at the top links to the field, and what was typed is still there."""
    item_id = place()
    resp = post_form(
        client, f"/initiatieven/{item_id}/contact", {"name": "Henk <b>", "email": "", "message": "Hallo"},
        token_from=f"/initiatieven/{item_id}",
    )  # fmt: skip
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert 'id="foutoverzicht"' in page
    assert '<a href="#email">Vul uw e-mailadres in.</a>' in page
    assert 'value="Henk &lt;b&gt;"' in page
    assert smtp_server.messages == []


def test_contact_goes_to_the_public_contact_person_when_set(app, client, place, smtp_server):
    item_id = place(contact_name="Buurthuis De Pijl", contact_email="info@buurthuis.example.nl")
    post_form(
        client,
        f"/initiatieven/{item_id}/contact",
        {"name": "Henk", "email": "henk@example.nl", "message": "Hallo"},
        token_from=f"/initiatieven/{item_id}",
    )
    assert smtp_server.messages[0][0] == ["info@buurthuis.example.nl"]
    assert "info@buurthuis" not in client.get(f"/initiatieven/{item_id}").get_data(as_text=True)


def test_contact_honeypot_and_rate_limit(app, client, place, smtp_server):
    item_id = place()
    url = f"/initiatieven/{item_id}/contact"
    bot = {"name": "Bot", "email": "bot@example.nl", "message": "spam", "website": "http://spam.example"}
    post_form(client, url, bot, token_from=f"/initiatieven/{item_id}")
    assert smtp_server.messages == []
    token_page = f"/initiatieven/{item_id}"
    human = {"name": "Henk", "email": "henk@example.nl", "message": "Hoi"}
    statuses = [post_form(client, url, human, token_from=token_page).status_code for _ in range(5)]
    assert statuses[-1] == 429
    assert len(smtp_server.messages) == 4  # 5 per hour, the honeypot post counted too


def test_a_title_reaches_the_map_as_data_never_as_code(app, client, place):
    """The map's data is a JSON block that no script runs and no template compiles: a title with
    template syntax or a closing script tag arrives in it exactly as typed, and nowhere else."""
    title = "Tuin {{ 6*7 }} {% if 1 %}ja{% endif %} ${7*7} `x` </script><b>vet</b>"
    item_id = place(title=title)
    response = client.get(f"/initiatieven/{item_id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    blocks = re.findall(r'<script type="application/json" id="kaart-initiatief-data"[^>]*>(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    assert "</script" not in blocks[0]
    assert "<b>" not in blocks[0]
    marker = [layer for layer in json.loads(blocks[0])["layers"] if layer["kind"] == "marker"]
    assert marker[0]["title"] == title
    assert str(escape(title)) in html  # the heading and the page's text say it as typed
    assert "Tuin 42" not in html
    assert " ja " not in html
    assert "${49}" not in html
    code = "".join(re.findall(r"<script(?![^>]*application/json)[^>]*>(.*?)</script>", html, re.S))
    assert "6*7" not in code
    assert "Tuin" not in code


def test_ending_an_initiative_needs_an_outcome_with_a_reason(app, client, make_user):
    from trajectories.outcomes import report_outcome

    uid = make_user("sanne@example.nl")
    login(client, "sanne@example.nl")
    # Not when placing, not when editing: the form does not offer it and the service refuses it.
    assert post_form(client, "/initiatieven/nieuw", _form(status="completed")).status_code == 400
    assert _count(app) == 0
    assert post_form(client, "/initiatieven/nieuw", _form()).status_code == 302
    with app.app_context():
        item_id = db.session.scalar(select(Initiative.id))
    page = client.get(f"/initiatieven/{item_id}/bewerken").get_data(as_text=True)
    assert 'value="completed"' not in page
    assert 'value="stopped"' not in page
    assert post_form(client, f"/initiatieven/{item_id}/bewerken", _form(status="stopped")).status_code == 400
    with app.app_context(), unit_of_work():
        item = db.session.get(Initiative, item_id)
        with pytest.raises(ValidationFailed) as refused:
            update_initiative(db.session.get(User, uid), item, initiative_input(status="completed"))
        assert "Afronden" in refused.value.errors["status"]
    with app.app_context():
        assert db.session.get(Initiative, item_id).status == "idea"
    # Reporting the outcome with its reason ends it; editing later keeps the ended status on offer.
    with app.app_context(), unit_of_work():
        item = db.session.get(Initiative, item_id)
        report_outcome(
            db.session.get(User, uid), item, "realised", "De tuin ligt er en wordt gebruikt.", date(2026, 6, 1)
        )
    with app.app_context():
        assert db.session.get(Initiative, item_id).status == "completed"
    assert 'value="completed"' in client.get(f"/initiatieven/{item_id}/bewerken").get_data(as_text=True)
    assert post_form(client, f"/initiatieven/{item_id}/bewerken", _form(status="completed")).status_code == 302


def test_a_whole_buurt_is_chosen_as_the_area_without_a_pointer(app, client, make_user):
    """An area without drawing (issue 29, WCAG 2.5.7): choosing a buurt from the list makes its
    outline the initiative's area, in that buurt; an unknown code is said next to the field."""
    from geoalchemy2.shape import to_shape
    from shapely.geometry import shape

    from maps.models import Area

    make_user("henk@example.nl")
    login(client, "henk@example.nl")
    with app.app_context():
        buurt = db.session.scalar(select(Area).where(Area.level == "neighbourhood").order_by(Area.name))
        code, name, outline = buurt.code, buurt.name, shape(json.loads(buurt.display_geojson))
    page = client.get("/initiatieven/nieuw").get_data(as_text=True)
    assert f'<option value="{code}">{name}</option>' in page
    wrong = post_form(client, "/initiatieven/nieuw", _form(lat="", lon="", area_code="GEEN"))
    assert wrong.status_code == 400
    assert "Kies een buurt uit de lijst." in wrong.get_data(as_text=True)
    resp = post_form(client, "/initiatieven/nieuw", _form(lat="", lon="", area_code=code), follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert "Uw initiatief staat op de kaart" in html, re.findall(r'class="error"[^>]*>([^<]*)', html)
    with app.app_context():
        item = db.session.scalar(select(Initiative).order_by(Initiative.id.desc()))
        assert item.is_area
        assert item.area.code == code
        assert to_shape(item.geom).symmetric_difference(outline).area < 0.01 * outline.area  # its outline
