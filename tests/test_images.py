"""Pictures on initiatives: what is accepted and cleaned, what is refused and why, how it is served."""

from __future__ import annotations

import io
import os

import pytest
from PIL import Image
from sqlalchemy import func, select

from initiatives.images import add_image, remove_image
from initiatives.models import Initiative, InitiativeImage
from platform_core.extensions import db
from platform_core.models import User
from platform_core.storage import NAME, DatabaseStorage, FolderStorage
from platform_core.transaction import rollback, unit_of_work
from platform_core.validation import ValidationFailed
from tests.conftest import csrf_token, login
from tests.imagefiles import hostile_files, sample_jpeg, sample_png, sample_webp

ALT = "Buren planten bloembollen in de geveltuin"


@pytest.fixture
def owner_and_item(app, make_user, place):
    owner = make_user("ilse@example.nl")
    return owner, place(owner, title="Geveltuinen in de Kanaalstraat")


def _upload(client, item: int, data: bytes, name: str = "foto.jpg", alt: str = ALT):
    token = csrf_token(client, f"/initiatieven/{item}/fotos")
    return client.post(
        f"/initiatieven/{item}/fotos",
        data={"csrf_token": token, "alt": alt, "image": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_a_phone_photo_loses_its_position_and_camera_and_gets_a_thumbnail(app, client, owner_and_item):
    owner, item = owner_and_item
    with app.app_context():
        email = db.session.get(User, owner).email
    login(client, email)
    response = _upload(client, item, sample_jpeg(1200, 900, gps=True), name="IMG_0001 (thuis).jpg")
    assert response.status_code == 302
    with app.app_context():
        image = db.session.scalar(select(InitiativeImage))
        assert image.alt == ALT
        assert NAME.match(image.name)
        assert "IMG" not in image.name
        assert db.session.get(Initiative, item).cover_thumb == image.thumb_name
    full = client.get(f"/initiatieven/fotos/{image.name}")
    thumb = client.get(f"/initiatieven/fotos/{image.thumb_name}")
    assert full.status_code == thumb.status_code == 200
    assert full.headers["Content-Type"] == "image/jpeg"
    assert full.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in full.headers["Content-Security-Policy"]
    served = Image.open(io.BytesIO(full.data))
    assert not served.getexif()
    assert "comment" not in served.info
    assert b"Telefoonmerk" not in full.data
    assert b"Kanaalstraat" not in full.data
    assert Image.open(io.BytesIO(thumb.data)).size[0] <= 480
    page = client.get(f"/initiatieven/{item}").get_data(as_text=True)
    assert f'alt="{ALT}"' in page
    assert image.thumb_name in page
    gallery = client.get("/initiatieven").get_data(as_text=True)
    assert image.thumb_name in gallery
    api = client.get("/api/initiatives?bbox=-180,-90,180,90&zoom=16").get_json()
    assert any(f["properties"].get("thumb", "").endswith(image.thumb_name) for f in api["features"])


def test_transparent_png_stays_png_and_webp_is_accepted(app, owner_and_item):
    owner, item = owner_and_item
    with app.app_context(), unit_of_work():
        user, initiative = db.session.get(User, owner), db.session.get(Initiative, item)
        png = add_image(user, initiative, sample_png(alpha=True), ALT)
        webp = add_image(user, initiative, sample_webp(), ALT)
        assert png.name.endswith(".png")
        assert webp.name.endswith(".jpg")


@pytest.mark.parametrize(("label", "filename", "data"), hostile_files(), ids=[h[0] for h in hostile_files()])
def test_hostile_files_are_refused_in_plain_dutch_and_nothing_is_stored(app, owner_and_item, label, filename, data):
    owner, item = owner_and_item
    folder = app.config["IMAGE_FOLDER"]
    before = set(os.listdir(folder)) if os.path.isdir(folder) else set()
    with app.app_context():
        with pytest.raises(ValidationFailed) as refused:
            add_image(db.session.get(User, owner), db.session.get(Initiative, item), data, ALT)
        rollback()
        message = refused.value.errors["image"]
        assert message
        assert message[0].isupper()
        assert "Error" not in message
        assert db.session.scalar(select(func.count(InitiativeImage.id))) == 0
    after = set(os.listdir(folder)) if os.path.isdir(folder) else set()
    assert after == before


def test_the_hostile_corpus_is_big_enough():
    assert len(hostile_files()) >= 30


def test_refusals_show_next_to_the_field_and_keep_the_description(app, client, owner_and_item):
    owner, item = owner_and_item
    with app.app_context():
        email = db.session.get(User, owner).email
    login(client, email)
    response = _upload(client, item, hostile_files()[0][2], name="kaart.svg")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "SVG" in page
    assert 'id="image-fout"' in page
    assert ALT in page
    response = _upload(client, item, sample_png(), alt="")
    assert response.status_code == 400
    assert 'id="alt-fout"' in response.get_data(as_text=True)


def test_a_path_in_the_file_name_goes_nowhere(app, client, owner_and_item):
    owner, item = owner_and_item
    with app.app_context():
        email = db.session.get(User, owner).email
    login(client, email)
    assert _upload(client, item, sample_png(), name="../../../../tmp/evil.png").status_code == 302
    with app.app_context():
        image = db.session.scalar(select(InitiativeImage))
    assert NAME.match(image.name)
    assert not os.path.exists("/tmp/evil.png")  # noqa: S108 - proving nothing was written there
    assert {image.name, image.thumb_name} <= set(os.listdir(app.config["IMAGE_FOLDER"]))
    for bad in ("../secret_key", "..%2Fsecret_key", "x.jpg", "%00.jpg"):
        assert client.get(f"/initiatieven/fotos/{bad}").status_code == 404


def test_at_most_the_configured_number_per_initiative(app, owner_and_item):
    owner, item = owner_and_item
    limit = app.config["IMAGES_PER_INITIATIVE"]
    with app.app_context(), unit_of_work():
        user, initiative = db.session.get(User, owner), db.session.get(Initiative, item)
        for _ in range(limit):
            add_image(user, initiative, sample_png(), ALT)
        with pytest.raises(ValidationFailed) as refused:
            add_image(user, initiative, sample_png(), ALT)
        assert str(limit) in refused.value.errors["image"]


def test_only_the_owner_adds_and_pictures_of_hidden_initiatives_are_not_served(app, client, make_user, owner_and_item):
    from participation.moderation import decide

    owner, item = owner_and_item
    other = make_user("rosa@example.nl")
    moderator = make_user("mo@gemeente.nl", roles=("moderator",))
    with app.app_context():
        email = db.session.get(User, other).email
    login(client, email)
    assert _upload(client, item, sample_png()).status_code == 403
    with app.app_context(), unit_of_work():
        image = add_image(db.session.get(User, owner), db.session.get(Initiative, item), sample_png(), ALT)
        name = image.name
    assert client.get(f"/initiatieven/fotos/{name}").status_code == 200
    with app.app_context(), unit_of_work():
        decide(db.session.get(User, moderator), "initiative", item, "hide", "Dubbel geplaatst")
    assert client.get(f"/initiatieven/fotos/{name}").status_code == 404


def test_removing_a_picture_removes_the_files_and_moves_the_cover(app, owner_and_item):
    owner, item = owner_and_item
    with app.app_context():
        with unit_of_work():
            user, initiative = db.session.get(User, owner), db.session.get(Initiative, item)
            first = add_image(user, initiative, sample_png(), ALT)
            second = add_image(user, initiative, sample_png(), "Tweede foto van de tuin")
            first_names, second_thumb = (first.name, first.thumb_name), second.thumb_name
        with unit_of_work():
            remove_image(db.session.get(User, owner), db.session.get(InitiativeImage, first.id))
        assert db.session.get(Initiative, item).cover_thumb == second_thumb
    files = os.listdir(app.config["IMAGE_FOLDER"])
    assert not set(first_names) & set(files)


def test_database_storage_serves_several_app_servers(app, owner_and_item, tmp_path):
    owner, item = owner_and_item
    app.config["IMAGE_STORAGE"] = "database"
    try:
        with app.app_context():
            with unit_of_work():
                image = add_image(db.session.get(User, owner), db.session.get(Initiative, item), sample_png(), ALT)
            assert DatabaseStorage().get(image.name)[:3] == b"\xff\xd8\xff"  # an opaque PNG becomes a JPEG
            assert not os.path.exists(os.path.join(app.config["IMAGE_FOLDER"], image.name))
        response = app.test_client().get(f"/initiatieven/fotos/{image.thumb_name}")
        assert response.status_code == 200
        assert response.data[:3] == b"\xff\xd8\xff"
    finally:
        app.config["IMAGE_STORAGE"] = "folder"
    store = FolderStorage(tmp_path)
    with pytest.raises(ValueError, match="not a stored file name"):
        store.put("../escape.png", b"x")
    assert store.get("../../etc/passwd") is None


def test_the_upload_request_only_checks_a_job_cleans_and_until_then_nothing_of_it_is_shown(app, client, owner_and_item):
    """Issue 30: making the picture and its thumbnail is a job. With the queue away the upload
    is accepted (checked, refused next to the field when it is not a photo), kept under a name
    the site never serves, and the photo is not shown anywhere; when the job runs the cleaned
    picture, its thumbnail and the cover appear and the upload as sent is gone."""
    from platform_core import jobs
    from platform_core.jobs import Job
    from platform_core.storage import storage
    from tests.servers import free_port

    owner, item = owner_and_item
    with app.app_context():
        email = db.session.get(User, owner).email
    login(client, email)
    sent = sample_jpeg(1200, 900, gps=True)
    dead = f"redis://127.0.0.1:{free_port()}/0"
    old = app.config.get("JOBS_REDIS_URL")
    app.config["JOBS_REDIS_URL"] = dead
    try:
        assert _upload(client, item, sent).status_code == 302
        refused = _upload(client, item, b"<svg onload=alert(1)>", name="foto.jpg")
        assert refused.status_code == 400  # still decided in the request, next to the field
    finally:
        app.config["JOBS_REDIS_URL"] = old
    with app.app_context():
        image = db.session.scalar(select(InitiativeImage))
        job = db.session.scalar(select(Job).where(Job.name == "images.derive"))
        assert (image.ready_at, job.state) == (None, "waiting")
        upload = image.name.replace(".", "-upload.")
        assert storage().get(upload) == sent  # kept as sent, only until the job has run
        assert db.session.get(Initiative, item).cover_thumb is None
    owners_page = client.get(f"/initiatieven/{item}/fotos").get_data(as_text=True)
    assert "Deze foto wordt klaargemaakt." in owners_page
    assert image.thumb_name not in client.get(f"/initiatieven/{item}").get_data(as_text=True)
    for name in (upload, image.name, image.thumb_name):
        assert client.get(f"/initiatieven/fotos/{name}").status_code == 404

    with app.app_context():
        assert jobs.run(job.id)
        assert storage().get(upload) is None
        assert db.session.get(Initiative, item).cover_thumb == image.thumb_name
    full = client.get(f"/initiatieven/fotos/{image.name}")
    assert full.status_code == 200
    assert not Image.open(io.BytesIO(full.data)).getexif()
    assert b"Telefoonmerk" not in full.data
    assert image.thumb_name in client.get(f"/initiatieven/{item}").get_data(as_text=True)
    assert "Deze foto wordt klaargemaakt." not in client.get(f"/initiatieven/{item}/fotos").get_data(as_text=True)
