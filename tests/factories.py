"""The people and things tests are made of, defined once.

``cast(make_user, "owner", "henk", ...)`` makes the named people (each with the same address,
name and roles in every test file) and returns their ids by name; ``the(key)`` gives a person's
address, for logging in. Initiatives and trajectories come from ``place`` (conftest) and
``trajectory``, through the services, as a person would make them."""

from __future__ import annotations

from datetime import date

#: key -> (address, roles, display name)
PERSONAS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "admin": ("beheer@gemeente.nl", ("admin",), "Beheer"),
    "civil": ("petra@gemeente.nl", ("civil_servant",), "Petra"),
    "mod": ("redactie@gemeente.nl", ("moderator",), "Redactie"),
    "council": ("raad@gemeente.nl", ("council",), "Raadslid"),
    "owner": ("olga@example.nl", ("resident",), "Olga"),
    "henk": ("henk@example.nl", ("resident",), "Henk"),
    "fatima": ("fatima@example.nl", ("resident",), "Fatima"),
    "ans": ("ans@example.nl", ("resident",), "Ans"),
    "anna": ("anna@example.nl", ("resident",), "Anna"),
    "bas": ("bas@example.nl", ("resident",), "Bas"),
    "bram": ("bram@example.nl", ("resident",), "Bram"),
    "amb": ("mo@example.nl", ("resident",), "Mo"),  # made an ambassador by the tests that need one
}


def user_maker(app):
    """``make(email, roles, name) -> id``: a confirmed account in ``app``'s database, made through
    the service (the ``make_user`` fixture, for the suite's installation or any other)."""
    from platform_core.accounts.services import register_user
    from platform_core.transaction import unit_of_work

    from .conftest import PASSWORD

    def make(email: str = "sanne@example.nl", roles: tuple[str, ...] = ("resident",), name: str | None = None):
        with app.app_context():
            with unit_of_work():
                user = register_user(
                    email, PASSWORD, name or email.split("@")[0].title(), consent=True, roles=roles, confirmed=True
                )
            return user.id

    return make


def placer(app, make_user, **defaults):
    """``make(owner_id, **overrides) -> id``: an initiative placed through the service, as a
    resident would (the ``place`` fixture); ``defaults`` (a point, an address) suit another place."""
    import os

    from initiatives.services import create_initiative
    from platform_core.extensions import db
    from platform_core.models import User
    from platform_core.transaction import unit_of_work

    from .conftest import initiative_input

    def make(owner_id: int | None = None, **overrides) -> int:
        with app.app_context():
            owner = db.session.get(User, owner_id or make_user(f"owner{os.urandom(3).hex()}@example.nl"))
            with unit_of_work():
                initiative = create_initiative(owner, initiative_input(**{**defaults, **overrides}))
            return initiative.id

    return make


def the(key: str) -> str:
    """A persona's address."""
    return PERSONAS[key][0]


def cast(make_user, *keys: str) -> dict[str, int]:
    out = {}
    for key in keys:
        email, roles, name = PERSONAS[key]
        out[key] = make_user(email, roles=roles, name=name)
    return out


def trajectory(actor, title: str = "Groen 2027", year: int = 2027):
    """A trajectory for the whole of ``year``, made by an administrator through the service."""
    from trajectories.services import create_trajectory

    return create_trajectory(
        actor, title, "Hoe maken we het groener?", "Stadsbeheer", date(year, 1, 1), date(year, 12, 31)
    )


def placed(initiative, trajectory) -> None:
    """Put an initiative in a trajectory as the municipality does: a civil servant places it
    (``planner@gemeente.nl``, made the first time). Inside the caller's unit of work."""
    from sqlalchemy import select

    from platform_core.accounts.services import register_user
    from platform_core.extensions import db
    from platform_core.models import User
    from trajectories.services import place_in_trajectory

    from .conftest import PASSWORD

    planner = db.session.scalar(select(User).where(User.email == "planner@gemeente.nl"))
    if planner is None:
        planner = register_user(
            "planner@gemeente.nl", PASSWORD, "Planner", consent=True, roles=("civil_servant",), confirmed=True
        )
    place_in_trajectory(planner, initiative, trajectory)


def installation(app, folder, **config):
    """Another installation of Schatkaart, as a new municipality would have it: its own SQLite
    database through the real migrations, nothing else in it; ``config`` adds to the defaults."""
    from flask_migrate import upgrade

    from schatkaart import create_app

    folder.mkdir(parents=True, exist_ok=True)
    other = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'installation.db'}",
            "SECRET_KEY": "another-secret",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
            "MAIL_BACKEND": "log",
            "TILE_URL": "http://127.0.0.1:9/tiles/{z}/{x}/{y}.png",
            "IMAGE_FOLDER": str(folder / "images"),
            **config,
        }
    )
    other.config["SPATIALITE_LIBRARY"] = app.config["SPATIALITE_LIBRARY"]
    with other.app_context():
        upgrade()
    return other


def dispose(other) -> None:
    from platform_core.extensions import db

    with other.app_context():
        db.session.remove()
        db.engine.dispose()
