"""`flask demo seed`: deterministic, idempotent, one account per role."""

from __future__ import annotations

import json

from sqlalchemy import select, text

from initiatives.models import Initiative
from platform_core import transaction
from platform_core.extensions import db
from platform_core.models import User
from platform_core.transaction import unit_of_work

from .conftest import CONTENT_TABLES


def _snapshot(app):
    with app.app_context(), unit_of_work():
        rows = db.session.execute(
            select(Initiative.title, Initiative.type, Initiative.lon, Initiative.lat).order_by(Initiative.id)
        ).all()
        return [(t, ty, round(x, 6), round(y, 6)) for t, ty, x, y in rows]


def _empty(app):
    with app.app_context(), unit_of_work():
        db.session.execute(text("UPDATE trajectory SET current_stage_id = NULL"))
        db.session.execute(text("DELETE FROM stage"))
        for table in CONTENT_TABLES:
            db.session.execute(text(f"DELETE FROM {table}"))
        if db.engine.dialect.name == "sqlite":
            db.session.execute(text("DELETE FROM initiative_fts"))
        transaction.commit()


def test_demo_seed_is_deterministic_and_idempotent(app, runner):
    result = runner.invoke(args=["demo", "seed", "--count", "25"])
    assert result.exit_code == 0, result.output
    assert "Initiatives: 25 placed" in result.output
    first = _snapshot(app)
    assert len(first) == 25
    assert len({t for t, *_ in first}) > 10  # varied, realistic titles
    # Seeded into whichever municipality was imported (here the suite's own), never a fixed one.
    from shapely.geometry import Point, shape

    from maps.services import current_municipality

    with app.app_context():
        outline = shape(json.loads(current_municipality().area.display_geojson)).buffer(0.002)
    assert all(outline.contains(Point(x, y)) for _t, _ty, x, y in first)

    # The demo's figures add up: the credit ledger and the council's facts are exact.
    assert runner.invoke(args=["credits", "verify"]).exit_code == 0
    verified = runner.invoke(args=["council", "verify"])
    assert verified.exit_code == 0, verified.output

    again = runner.invoke(args=["demo", "seed", "--count", "25"])
    assert "already present (25)" in again.output
    assert _snapshot(app) == first

    _empty(app)
    runner.invoke(args=["demo", "seed", "--count", "25"])
    assert _snapshot(app) == first


def test_demo_has_one_account_per_role_and_prints_how_to_log_in(app, runner, client):
    result = runner.invoke(args=["demo", "seed", "--count", "3"])
    assert "password: zonnige-buurt-demo" in result.output
    with app.app_context(), unit_of_work():
        roles = set()
        for user in db.session.scalars(select(User)):
            roles |= user.role_names
    assert roles == {"resident", "ambassador", "civil_servant", "moderator", "council", "admin"}
    from schatkaart.demo import DEMO_TOTP_SECRET

    from .conftest import TOTP_SECRETS, login

    TOTP_SECRETS["ambtenaar@demo.schatkaart.nl"] = DEMO_TOTP_SECRET  # printed by the seed
    resp = login(client, "ambtenaar@demo.schatkaart.nl", "zonnige-buurt-demo")
    assert resp.status_code == 302
