"""A boundary file is shown before it changes anything, applied when the administrator says so,
and undone while nothing depends on it (issue 27): all from Beheer, in plain Dutch."""

from __future__ import annotations

import io
import json
import re
from datetime import date

import pytest
from sqlalchemy import delete, select, text

from maps.models import Area, BoundaryImport
from maps.sample_geography import all_levels
from platform_core.extensions import db
from platform_core.models import User
from platform_core.transaction import unit_of_work
from tests.conftest import csrf_token, login
from trajectories.services import create_trajectory

NEW_CODE = "NW01"


@pytest.fixture
def admin_client(app, client, make_user):
    make_user("beheer@gemeente.nl", roles=("admin",))
    login(client, "beheer@gemeente.nl")
    yield client
    with app.app_context():  # whatever a test left applied goes, so later tests see the sample map
        db.session.rollback()
        ids = list(db.session.scalars(select(Area.id).where(Area.code.like("NW%"))))
        if ids:
            db.session.execute(text("DELETE FROM trajectory_area WHERE area_id = :a"), [{"a": i} for i in ids])
            db.session.execute(delete(Area).where(Area.id.in_(ids)))
        db.session.commit()


def _district_file(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def _new_district(code: str = NEW_CODE, name: str = "Nieuwwijk") -> dict:
    square = [[[5.10, 52.09], [5.11, 52.09], [5.11, 52.10], [5.10, 52.10], [5.10, 52.09]]]
    return {"type": "Feature", "properties": {"code": code, "name": name},
            "geometry": {"type": "Polygon", "coordinates": square}}  # fmt: skip


def _renamed_existing(name: str) -> tuple[dict, str]:
    feature = json.loads(json.dumps(all_levels()["district"]["features"][0]))
    old = feature["properties"]["name"]
    feature["properties"]["name"] = name
    return feature, old


def _upload(client, data: bytes, level: str = "district", name: str = "wijken-2027.geojson"):
    token = csrf_token(client, "/beheer/grenzen")
    return client.post(
        "/beheer/grenzen",
        data={"csrf_token": token, "level": level, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _decide(client, import_id: int, action: str):
    token = csrf_token(client, "/beheer/grenzen")
    return client.post(
        f"/beheer/grenzen/{import_id}", data={"csrf_token": token, "action": action}, follow_redirects=True
    )


def _area(code: str) -> Area | None:
    return db.session.scalar(select(Area).where(Area.level == "district", Area.code == code))


def test_a_boundary_file_is_previewed_then_applied_then_undone(app, admin_client):
    renamed, old_name = _renamed_existing("Oud-Noord Nieuw")
    code = renamed["properties"]["code"]
    with app.app_context():
        shape_before = _area(code).display_geojson
    uploaded = _upload(admin_client, _district_file(_new_district(), renamed))
    assert uploaded.status_code == 302
    import_id = int(re.search(r"/beheer/grenzen/(\d+)$", uploaded.headers["Location"]).group(1))
    preview = admin_client.get(f"/beheer/grenzen/{import_id}").get_data(as_text=True)
    assert "wijken-2027.geojson als wijk: nog niets is veranderd." in preview
    assert "1 nieuw, 1 bijgewerkt, 0 hersteld, 0 overgeslagen." in preview
    assert f"{NEW_CODE} Nieuwwijk" in preview
    assert f"{code} Oud-Noord Nieuw ({old_name})" in preview  # the name that would go, shown beside the new
    assert "Niet in dit bestand: deze blijven zoals ze zijn (3)" in preview
    with app.app_context():  # the preview changed nothing
        assert _area(NEW_CODE) is None
        assert _area(code).name == old_name

    applied = _decide(admin_client, import_id, "toepassen").get_data(as_text=True)
    assert "De grenzen zijn ingelezen: 1 nieuw, 1 bijgewerkt." in applied
    assert "De laatste import (wijken-2027.geojson) ongedaan maken" in applied
    with app.app_context():
        assert _area(NEW_CODE).name == "Nieuwwijk"
        assert _area(code).name == "Oud-Noord Nieuw"
    assert "Nieuwwijk" in app.test_client().get("/").get_data(as_text=True)
    again = _decide(admin_client, import_id, "toepassen").get_data(as_text=True)  # a second click, or a second tab
    assert "Dit bestand is al toegepast of geannuleerd." in again

    undone = _decide(admin_client, import_id, "ongedaan-maken").get_data(as_text=True)
    assert "De import van wijken-2027.geojson is ongedaan gemaakt." in undone
    assert "ongedaan gemaakt</td>" in undone
    with app.app_context():
        assert _area(NEW_CODE) is None
        assert _area(code).name == old_name
        assert _area(code).display_geojson == shape_before
    assert "Nieuwwijk" not in app.test_client().get("/").get_data(as_text=True)


def test_a_cancelled_file_changes_nothing(app, admin_client):
    uploaded = _upload(admin_client, _district_file(_new_district()))
    import_id = int(uploaded.headers["Location"].rsplit("/", 1)[1])
    cancelled = _decide(admin_client, import_id, "annuleren").get_data(as_text=True)
    assert "Het bestand is niet ingelezen; er is niets veranderd." in cancelled
    with app.app_context():
        assert _area(NEW_CODE) is None
        assert db.session.get(BoundaryImport, import_id) is None
    assert admin_client.get(f"/beheer/grenzen/{import_id}").status_code == 404


def test_undo_is_refused_while_something_depends_on_the_new_areas(app, admin_client):
    uploaded = _upload(admin_client, _district_file(_new_district()))
    first = int(uploaded.headers["Location"].rsplit("/", 1)[1])
    _decide(admin_client, first, "toepassen")
    with app.app_context(), unit_of_work():
        admin = db.session.scalar(select(User).where(User.email == "beheer@gemeente.nl"))
        create_trajectory(admin, "Nieuwwijk groen", "Hoe wordt Nieuwwijk groen?", "Ruimte",
                          date(2027, 1, 1), date(2027, 12, 31), area_ids=[_area(NEW_CODE).id])  # fmt: skip
    page = admin_client.get("/beheer/grenzen").get_data(as_text=True)
    refusal = "Dit kan niet meer ongedaan worden: aan de nieuwe gebieden hangen al trajecten (1)."
    assert refusal in page
    assert 'value="ongedaan-maken"' not in page
    tried = _decide(admin_client, first, "ongedaan-maken").get_data(as_text=True)  # a page opened before
    assert refusal in tried
    with app.app_context():
        assert _area(NEW_CODE) is not None

    # a later file: only the latest import can be undone, and the earlier one says why not
    second = int(
        _upload(admin_client, _district_file(_new_district("NW02", "Tweede wijk")))
        .headers["Location"]
        .rsplit("/", 1)[1]
    )
    _decide(admin_client, second, "toepassen")
    early = _decide(admin_client, first, "ongedaan-maken").get_data(as_text=True)
    assert "Er is daarna nog een bestand ingelezen; maak dat eerst ongedaan." in early
    latest = _decide(admin_client, second, "ongedaan-maken").get_data(as_text=True)
    assert "De import van wijken-2027.geojson is ongedaan gemaakt." in latest
    with app.app_context():
        assert _area("NW02") is None
        assert _area(NEW_CODE) is not None


def test_the_command_line_import_can_be_undone_in_beheer(app, admin_client, runner, tmp_path):
    path = tmp_path / "extra-wijk.geojson"
    path.write_bytes(_district_file(_new_district()))
    result = runner.invoke(args=["geo", "import", str(path), "--level", "district"])
    assert result.exit_code == 0, result.output
    page = admin_client.get("/beheer/grenzen").get_data(as_text=True)
    assert "extra-wijk.geojson" in page
    with app.app_context():
        record = db.session.scalar(select(BoundaryImport).order_by(BoundaryImport.id.desc()))
    assert "De import van extra-wijk.geojson is ongedaan gemaakt." in _decide(
        admin_client, record.id, "ongedaan-maken"
    ).get_data(as_text=True)
    with app.app_context():
        assert _area(NEW_CODE) is None


def test_a_file_larger_than_any_request_may_be_is_refused_in_plain_words(app, admin_client):
    token = csrf_token(admin_client, "/beheer/grenzen")
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    try:
        huge = admin_client.post(
            "/beheer/grenzen",
            data={"csrf_token": token, "level": "district", "file": (io.BytesIO(b" " * 100_000), "groot.geojson")},
            content_type="multipart/form-data",
        )
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 32 * 1024 * 1024
    assert huge.status_code == 413
    assert "Dit bestand is te groot om te versturen." in huge.get_data(as_text=True)


def test_error_pages_speak_the_readers_language(app):
    english = app.test_client()
    english.post("/taal", data={"csrf_token": csrf_token(english, "/"), "lang": "en"})
    missing = english.get("/bestaat-niet")
    assert missing.status_code == 404
    assert "This page does not exist (any more)." in missing.get_data(as_text=True)
    assert "Deze pagina bestaat niet" not in missing.get_data(as_text=True)
