"""flask users …: accounts and roles."""

from __future__ import annotations

import click
from flask import current_app

from ..transaction import unit_of_work
from ..validation import ValidationFailed
from . import bp, twofactor
from .services import end_sessions, find_user, register_user, set_active


@bp.cli.command("create")
@click.argument("email")
@click.option("--role", "roles", multiple=True, default=["resident"], show_default=True)
@click.option("--name", default=None, help="Display name (defaults to the part before @).")
@click.password_option(help="Password (asked for when omitted).")
def users_create(email: str, roles: tuple[str, ...], name: str | None, password: str) -> None:
    """Create a real account with one or more roles."""
    try:
        with unit_of_work():
            user = register_user(
                email, password, name or email.split("@")[0], consent=True, roles=roles, confirmed=True
            )
    except ValidationFailed as exc:
        raise click.ClickException("; ".join(exc.errors.values())) from exc
    click.echo(f"created {user.email} with roles {', '.join(sorted(user.role_names))}")


@bp.cli.command("first-admin")
@click.argument("email")
@click.option("--name", default=None, help="Display name (defaults to the part before @).")
def users_first_admin(email: str, name: str | None) -> None:
    """The first administrator of a new installation: prints a one-time link to choose a password.

    The only command a new municipality runs after setting up; everything else is done in the
    browser. The account has no usable password until the link is used, and, being staff, sets
    up its second factor (an authenticator app) at its first login. Refused once an
    administrator exists: the administrators invite the others from Beheer."""
    from sqlalchemy import select

    from .. import settings
    from ..extensions import db
    from ..models import UserRole
    from .staff import account_with_link

    try:
        with unit_of_work():
            if db.session.scalar(select(UserRole.user_id).where(UserRole.role == "admin").limit(1)) is not None:
                raise click.ClickException(
                    "Er is al een beheerder. Nieuwe beheerders en medewerkers nodigt een beheerder uit in Beheer."
                )
            if settings.stored(settings.INSTALLATION) is None:
                settings.store(settings.INSTALLATION, "real")
            user, link = account_with_link(email, name, "admin")
    except ValidationFailed as exc:
        raise click.ClickException("; ".join(str(v) for v in exc.errors.values())) from exc
    minutes = current_app.config["RESET_TOKEN_MINUTES"]
    click.echo(f"Beheerder {user.email} aangemaakt. Kies binnen {minutes} minuten een wachtwoord via deze link:")
    click.echo(f"  {link}")
    click.echo("Bij de eerste keer inloggen stelt u een authenticator-app in (tweede stap). De rest doet u in Beheer.")


def _user_or_fail(email: str):
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"no account with address {email}")
    return user


@bp.cli.command("reset-2fa")
@click.argument("email")
def users_reset_2fa(email: str) -> None:
    """Switch off someone's second factor after they lost phone and recovery codes (check who
    asks first!). Their sessions end; staff set up a new one on their next login."""
    with unit_of_work():
        user = _user_or_fail(email)
        twofactor.disable(user)
        end_sessions(user)
    click.echo(f"second factor of {email} switched off; it is set up again at the next login")


@bp.cli.command("disable")
@click.argument("email")
@click.option("--enable", is_flag=True, help="Enable the account again.")
def users_disable(email: str, enable: bool) -> None:
    """Disable an account (every session ends at once), or enable it again."""
    with unit_of_work():
        set_active(_user_or_fail(email), enable)
    click.echo(f"{email} {'enabled' if enable else 'disabled'}")
