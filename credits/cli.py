"""flask credits …: the credit ledger."""

from __future__ import annotations

import click

from platform_core.transaction import unit_of_work

from . import bp
from .services import rebuild, verify


@bp.cli.command("verify")
def credits_verify() -> None:
    """Recompute every balance from its events; exit non-zero on any drift."""
    drift = verify()
    for user_id, trajectory_id, events_sum, stored in drift:
        click.echo(f"drift: user {user_id} trajectory {trajectory_id}: events {events_sum}, stored {stored}")
    if drift:
        raise SystemExit(1)
    click.echo("ok: every balance equals the sum of its events")


@bp.cli.command("rebuild")
def credits_rebuild() -> None:
    """Rebuild the derived totals from the events."""
    with unit_of_work():
        count = rebuild()
    click.echo(f"{count} totals rebuilt")
