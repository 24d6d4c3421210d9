"""The participatieverslag in Chromium: from the initiative's page to a printable report an initiator
can attach, with its HTML download and CSV annex."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from initiatives.models import Initiative
from participation.services import join, post_comment
from platform_core.extensions import db
from platform_core.models import User
from platform_core.transaction import unit_of_work
from response.services import post_feedback
from trajectories.outcomes import add_stakeholder, report_outcome

from .conftest import axe_violations

pytestmark = pytest.mark.browser


def test_an_initiator_opens_prints_and_downloads_the_participation_report(app, page, make_user, place):
    owner = make_user("olga@example.nl", name="Olga")
    civil = make_user("petra@gemeente.nl", roles=("civil_servant",), name="Petra")
    neighbours = [make_user(f"buur{i}@example.nl", name=f"Buur{i}") for i in range(5)]
    item_id = place(owner, title="Groene binnentuin")
    with app.app_context(), unit_of_work():
        item = db.session.get(Initiative, item_id)
        for uid in neighbours:
            join(db.session.get(User, uid), item)
        question = post_comment(item, "Mag dit op gemeentegrond?", db.session.get(User, neighbours[0]))
        question.to_municipality = True
        post_feedback(db.session.get(User, civil), item, "Ja, met een beheerafspraak.", "Vastgoed", answers=question)
        add_stakeholder(db.session.get(User, owner), item, "Woningcorporatie", "organisation", False)
        report_outcome(db.session.get(User, owner), item, "realised", "De tuin is aangelegd.", date(2026, 11, 1))
    page.goto(f"/initiatieven/{item_id}")
    page.click("#verslag-link")
    page.wait_for_selector("h1:has-text('Participatieverslag: Groene binnentuin')")
    report = page.inner_text("#participatieverslag")
    assert "Mensen die zich aanmeldden om mee te doen\t5" in report
    assert "Mag dit op gemeentegrond?" in report
    assert "Ja, met een beheerafspraak." in report
    assert "Woningcorporatie" in page.inner_text("#ontbreekt")
    assert "De tuin is aangelegd." in page.inner_text("#uitkomst")
    assert "Buur0" not in report
    assert axe_violations(page) == []
    # Printing hides the buttons (the print style sheet); the downloads are files.
    page.emulate_media(media="print")
    assert not page.locator("#print-knop").is_visible()
    page.emulate_media(media="screen")
    page.click("text=Zet de bestanden klaar")  # a job makes them; here it runs right after the commit
    page.wait_for_selector("text=De bestanden worden klaargezet.")
    assert axe_violations(page) == []
    with page.expect_download() as html_file:
        page.click("text=Download als bestand (HTML)")
    assert html_file.value.suggested_filename == f"participatieverslag-initiatief-{item_id}.html"
    with page.expect_download() as annex:
        page.click("text=Bijlage als CSV")
    assert annex.value.suggested_filename == f"participatieverslag-initiatief-{item_id}.csv"
    assert "vraag aan de gemeente,Mag dit op gemeentegrond?" in Path(annex.value.path()).read_text(encoding="utf-8-sig")
