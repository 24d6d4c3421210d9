"""Command-line tools: flask geo import, flask users create, flask demo seed."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from .validation import ValidationFailed


def register_cli(app: Flask) -> None:
    geo = AppGroup("geo", help="Boundaries of the municipality, districts and neighbourhoods.")
    users = AppGroup("users", help="Accounts and roles.")
    demo = AppGroup("demo", help="Demo data.")

    @geo.command("import")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    @click.option("--level", type=click.Choice(["gemeente", "wijk", "buurt"]), required=True)
    @click.option("--code-field", help="Property holding the code (detected when omitted).")
    @click.option("--name-field", help="Property holding the name (detected when omitted).")
    def geo_import(path: str, level: str, code_field: str | None, name_field: str | None) -> None:
        """Import GeoJSON areas: validates, repairs and simplifies for display."""
        from maps.services import import_boundaries

        try:
            report = import_boundaries(path, level, code_field, name_field)
        except (ValidationFailed, ValueError) as exc:
            raise click.ClickException(f"import failed: {exc}") from exc
        click.echo(f"{level}: {report.created} created, {report.updated} updated, {report.repaired} repaired")
        for reason in report.skipped:
            click.echo(f"  skipped {reason}", err=True)

    @geo.command("population")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    def geo_population(path: str) -> None:
        """Read a CSV with columns code,population and store it per area."""
        from maps.services import import_population

        updated, unknown = import_population(path)
        click.echo(f"population set for {updated} areas")
        for code in unknown:
            click.echo(f"  unknown area code {code}", err=True)

    @users.command("create")
    @click.argument("email")
    @click.option("--role", "roles", multiple=True, default=["resident"], show_default=True)
    @click.option("--name", default=None, help="Display name (defaults to the part before @).")
    @click.password_option(help="Password (asked for when omitted).")
    def users_create(email: str, roles: tuple[str, ...], name: str | None, password: str) -> None:
        """Create a real account with one or more roles."""
        from .accounts.services import register_user

        try:
            user = register_user(email, password, name or email.split("@")[0], consent=True, roles=roles)
        except ValidationFailed as exc:
            raise click.ClickException("; ".join(exc.errors.values())) from exc
        click.echo(f"created {user.email} with roles {', '.join(sorted(user.role_names))}")

    @demo.command("seed")
    @click.option("--count", default=300, show_default=True)
    def demo_seed(count: int) -> None:
        """Load the demo municipality, themes, one account per role and initiatives."""
        from .demo import seed

        for line in seed(count):
            click.echo(line)

    notifications = AppGroup("notifications", help="Hearing back: digests.")

    @notifications.command("digest")
    @click.option("--period", type=click.Choice(["daily", "weekly"]), required=True)
    def notifications_digest(period: str) -> None:
        """Mail everyone on this digest period what happened since their last digest."""
        from participation.notify import send_digests

        click.echo(f"{send_digests(period)} {period} digests sent")

    credits_group = AppGroup("credits", help="The credit ledger.")

    @credits_group.command("verify")
    def credits_verify() -> None:
        """Recompute every balance from its events; exit non-zero on any drift."""
        from credits.services import verify

        drift = verify()
        for user_id, trajectory_id, events_sum, stored in drift:
            click.echo(f"drift: user {user_id} trajectory {trajectory_id}: events {events_sum}, stored {stored}")
        if drift:
            raise SystemExit(1)
        click.echo("ok: every balance equals the sum of its events")

    @credits_group.command("rebuild")
    def credits_rebuild() -> None:
        """Rebuild the derived totals from the events."""
        from credits.services import rebuild

        click.echo(f"{rebuild()} totals rebuilt")

    app.cli.add_command(credits_group)

    council_group = AppGroup("council", help="The council's contribution facts.")

    @council_group.command("verify")
    def council_verify() -> None:
        """Recompute every contribution fact from the source tables; exit non-zero on any difference."""
        from council.facts import verify
        from platform_core.extensions import db

        result = verify(db.session.connection())
        for row in result["missing"][:20]:
            click.echo(f"missing: {row}")
        for row in result["extra"][:20]:
            click.echo(f"extra: {row}")
        if result["missing"] or result["extra"]:
            raise SystemExit(1)
        click.echo(f"ok: {result['facts']} facts equal the source tables")

    @council_group.command("rebuild")
    def council_rebuild() -> None:
        """Rewrite the contribution facts from the source tables."""
        from council.facts import rebuild
        from platform_core.extensions import db

        count = rebuild(db.session.connection())
        db.session.commit()
        click.echo(f"{count} facts rebuilt")

    app.cli.add_command(council_group)
    app.cli.add_command(notifications)
    app.cli.add_command(geo)
    app.cli.add_command(users)
    app.cli.add_command(demo)
