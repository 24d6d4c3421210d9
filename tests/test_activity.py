"""Recent activity: sort and filter on the gallery and map; counts on cards."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import update

from initiatives.models import Initiative
from participation.services import join
from platform_core import transaction
from platform_core.extensions import db
from platform_core.models import User, utcnow
from platform_core.transaction import unit_of_work


def test_gallery_sorts_by_recent_activity_and_cards_show_counts(app, client, place, make_user):
    quiet = place(title="Rustig plan")
    busy = place(title="Druk plan")
    henk = make_user("henk@example.nl")
    with app.app_context(), unit_of_work():
        db.session.execute(update(Initiative).values(last_activity_at=utcnow() - timedelta(days=60)))
        transaction.commit()
        join(db.session.get(User, henk), db.session.get(Initiative, busy))
    html = client.get("/initiatieven?sort=activiteit").get_data(as_text=True)
    titles = re.findall(r'href="/initiatieven/\d+">([^<]+)</a></h3>', html)
    assert titles[:2] == ["Druk plan", "Rustig plan"]
    assert "1 doet mee · 0 reacties · 0 pluimen" in html
    assert quiet


def test_map_and_gallery_filter_on_recent_activity(app, client, place, make_user):
    old = place(title="Oud plan")
    fresh = place(title="Vers plan")
    with app.app_context(), unit_of_work():
        db.session.execute(
            update(Initiative).where(Initiative.id == old).values(last_activity_at=utcnow() - timedelta(days=40))
        )
        transaction.commit()
    api = client.get("/api/initiatives?bbox=5.0,52.0,5.2,52.2&zoom=18&actief=30").get_json()
    assert [f["properties"]["id"] for f in api["features"]] == [fresh]
    html = client.get("/initiatieven?actief=30").get_data(as_text=True)
    assert "Vers plan" in html
    assert "Oud plan" not in html
    assert "1 initiatief gevonden." in html
