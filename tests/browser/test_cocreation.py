"""A civil servant answers from the queue; an ambassador registers a meeting (Chromium)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ambassadors.services import make_ambassador
from maps.models import Area
from platform_core.extensions import db
from platform_core.models import User
from platform_core.transaction import unit_of_work

from ..conftest import PASSWORD
from ..factories import placed
from .conftest import axe_violations, browser_login

pytestmark = pytest.mark.browser


def test_civil_servant_answers_from_the_queue(page, make_user, place):
    owner = make_user("olga@example.nl", name="Olga")
    make_user("petra@gemeente.nl", roles=("civil_servant",), name="Petra")
    place(owner, title="Groene binnentuin")
    browser_login(page, "petra@gemeente.nl", PASSWORD)
    page.click("nav >> text=Wachtrij")
    row = page.locator("tr", has_text="Groene binnentuin")
    assert "Nieuw initiatief" in row.inner_text()
    assert axe_violations(page) == []
    row.locator("text=Reageer").click()
    page.fill("#fb-body", "Mooi plan! We kijken graag mee naar de plek en de planten.")
    page.fill("#fb-department", "Stadsbeheer")
    page.click("button[value=feedback]")
    page.wait_for_selector("text=Uw reactie staat bij het initiatief.")
    official = page.locator(".official")
    assert "Petra, Stadsbeheer" in official.inner_text()
    page.goto("/gemeente/wachtrij")
    assert "Niets wacht op een reactie" in page.content()


def test_ambassador_registers_a_meeting_and_who_came(app, page, make_user):
    admin = make_user("beheer@gemeente.nl", roles=("admin",))
    mo = make_user("mo@example.nl", name="Mo")
    make_user("henk@example.nl", name="Henk")
    with app.app_context(), unit_of_work():
        area = db.session.scalar(select(Area).where(Area.name == "Spoorzicht"))
        make_ambassador(db.session.get(User, admin), db.session.get(User, mo), [area.id])
    browser_login(page, "mo@example.nl", PASSWORD)
    page.click("nav >> text=Ambassadeur")
    page.click("text=Bijeenkomst organiseren")
    page.fill("#title", "Koffieochtend groen")
    page.fill("#starts_at", "2026-12-05T10:00")
    page.fill("#place", "Buurthuis De Pijl")
    page.select_option("#area_id", label="Spoorzicht")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=De bijeenkomst is aangemaakt.")
    page.fill("#email", "henk@example.nl")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=Aanwezigheid geregistreerd.")
    page.fill("#name", "Buurvrouw Ans")
    page.click("main button:has-text('Registreer')")
    page.fill("#count", "6")
    page.click("main button:has-text('Registreer')")  # not 'Naam wissen' beside Ans
    page.wait_for_selector("#aanwezig-totaal:has-text('8 aanwezigen')")
    assert "Henk" in page.content()
    assert axe_violations(page) == []


def test_my_credits_show_every_event_with_its_reason(app, page, make_user, place):
    from datetime import date

    from initiatives.models import Initiative
    from trajectories.services import create_trajectory

    admin = make_user("beheer@gemeente.nl", roles=("admin",))
    owner = make_user("olga@example.nl", name="Olga")
    make_user("henk@example.nl", name="Henk")
    item_id = place(owner, title="Groene binnentuin")
    with app.app_context(), unit_of_work():
        t = create_trajectory(
            db.session.get(User, admin),
            "Groen 2027",
            "Hoe maken we het groener?",
            "Stadsbeheer",
            date(2027, 1, 1),
            date(2027, 12, 31),
        )
        placed(db.session.get(Initiative, item_id), t)
        trajectory_id = t.id
    browser_login(page, "henk@example.nl", PASSWORD)
    page.goto(f"/initiatieven/{item_id}")
    page.click("text=Ik doe mee")
    page.wait_for_selector("text=U doet mee en volgt dit initiatief")
    page.click("nav >> text=Mijn credits")
    row = page.locator("tr", has_text="U deed mee met een initiatief")
    assert "+3" in row.inner_text()
    assert "in afwachting" in row.inner_text()
    assert axe_violations(page) == []
    page.click("text=Zet mij in het overzicht van dit traject")
    page.wait_for_selector("text=U staat nu in het overzicht van dit traject.")
    page.goto(f"/trajecten/{trajectory_id}/credits")
    assert page.locator("ol li", has_text="Henk: 3").count() == 1
