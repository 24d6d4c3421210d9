"""flask users …: accounts and roles."""

from __future__ import annotations

import click

from ..transaction import unit_of_work
from ..validation import ValidationFailed
from . import bp
from .services import register_user


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
