"""flask notifications …: hearing back by mail."""

from __future__ import annotations

import click

from . import bp
from .notify import send_digests


@bp.cli.command("digest")
@click.option("--period", type=click.Choice(["daily", "weekly"]), required=True)
def notifications_digest(period: str) -> None:
    """Mail everyone on this digest period what happened since their last digest (commits per batch)."""
    click.echo(f"{send_digests(period)} {period} digests sent")
