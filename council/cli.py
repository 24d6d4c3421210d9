"""flask council …: the council's contribution facts."""

from __future__ import annotations

import click

from platform_core.extensions import db
from platform_core.transaction import unit_of_work

from . import bp
from .sources import rebuild, verify


@bp.cli.command("verify")
def council_verify() -> None:
    """Recompute every contribution fact from the source tables; exit non-zero on any difference."""
    result = verify(db.session.connection())
    for row in result["missing"][:20]:
        click.echo(f"missing: {row}")
    for row in result["extra"][:20]:
        click.echo(f"extra: {row}")
    if result["missing"] or result["extra"]:
        raise SystemExit(1)
    click.echo(f"ok: {result['facts']} facts equal the source tables")


@bp.cli.command("rebuild")
def council_rebuild() -> None:
    """Rewrite the contribution facts from the source tables."""
    with unit_of_work():
        count = rebuild(db.session.connection())
    click.echo(f"{count} facts rebuilt")
