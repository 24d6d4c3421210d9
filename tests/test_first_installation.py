"""A first installation without a developer, and a demo that cannot be a trap (issue 27).

From an empty database one command makes the first administrator and prints a one-time link to
choose a password; at the first login the administrator sets up an authenticator app, and the
rest is done in the browser. ``flask demo seed`` adds nothing to an installation that was not
made as a demo, and the demo's staff ask for a second factor from the start."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from platform_core import settings
from platform_core.extensions import db
from platform_core.models import User
from platform_core.transaction import unit_of_work

from .conftest import PASSWORD, TOTP_SECRETS, csrf_token, login
from .factories import dispose, installation


@pytest.fixture
def fresh(tmp_path, app):
    """An installation of its own: the real migrations on an empty database, nothing else."""
    other = installation(app, tmp_path, PUBLIC_URL="https://kaart.nieuwegemeente.nl")
    yield other
    dispose(other)


def test_the_first_administrator_from_one_command_then_the_browser(fresh):
    runner = fresh.test_cli_runner()
    made = runner.invoke(args=["users", "first-admin", "beheer@nieuwegemeente.nl", "--name", "Functioneel Beheer"])
    assert made.exit_code == 0, made.output
    link = re.search(r"https://kaart\.nieuwegemeente\.nl(/wachtwoord-herstellen/\S+)", made.output)
    assert link, made.output
    client = fresh.test_client()
    # no usable password until the link is used
    refused = client.post(
        "/inloggen", data={"csrf_token": csrf_token(client), "email": "beheer@nieuwegemeente.nl", "password": PASSWORD}
    )
    assert refused.status_code != 302
    chosen = client.post(
        link.group(1), data={"csrf_token": csrf_token(client, link.group(1)), "password": PASSWORD, "confirm": PASSWORD}
    )
    assert chosen.status_code == 302, chosen.get_data(as_text=True)[:500]
    TOTP_SECRETS.pop("beheer@nieuwegemeente.nl", None)
    first = login(client, "beheer@nieuwegemeente.nl")  # the second factor is set up here, not before
    assert first.status_code == 302
    assert "beheer@nieuwegemeente.nl" in TOTP_SECRETS
    assert client.get("/beheer/").status_code == 200
    # once there is an administrator, the command refuses: the others are invited from Beheer
    again = runner.invoke(args=["users", "first-admin", "tweede@nieuwegemeente.nl"])
    assert again.exit_code != 0
    assert "Er is al een beheerder" in again.output
    # and this real installation never gets demo data (nor its published staff password)
    demo = runner.invoke(args=["demo", "seed", "--count", "3"])
    assert demo.exit_code != 0
    assert "niet als demo aangemaakt" in demo.output
    with fresh.app_context():
        assert db.session.scalar(select(User).where(User.email.like("%@demo.schatkaart.nl"))) is None
        assert settings.stored(settings.INSTALLATION) == "real"


def test_demo_data_goes_only_into_a_demo(app, runner, make_user):
    make_user("iemand@example.nl")  # an installation in use, not made as a demo
    refused = runner.invoke(args=["demo", "seed", "--count", "3"])
    assert refused.exit_code != 0
    assert "niet als demo aangemaakt" in refused.output
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email.like("%@demo.schatkaart.nl"))) is None


def test_demo_staff_ask_for_their_second_factor_from_the_start(app, runner, client):
    from schatkaart.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET

    seeded = runner.invoke(args=["demo", "seed", "--count", "3"])
    assert seeded.exit_code == 0, seeded.output
    assert DEMO_TOTP_SECRET in seeded.output
    with app.app_context(), unit_of_work():
        staff = db.session.scalars(select(User).where(User.email.like("%@demo.schatkaart.nl"))).all()
        for user in staff:
            if user.role_names & {"civil_servant", "moderator", "council", "admin"}:
                assert user.totp_enabled_at is not None, user.email
    # the password alone is not enough: the login asks for the code (no enrolment of one's own)
    step = client.post(
        "/inloggen",
        data={"csrf_token": csrf_token(client), "email": "beheerder@demo.schatkaart.nl", "password": DEMO_PASSWORD},
    )
    assert step.headers["Location"].endswith("/inloggen/code")
    assert client.get("/beheer/").status_code in (302, 403)
    TOTP_SECRETS["beheerder@demo.schatkaart.nl"] = DEMO_TOTP_SECRET
    assert login(client, "beheerder@demo.schatkaart.nl", DEMO_PASSWORD).status_code == 302
    assert client.get("/beheer/").status_code == 200
