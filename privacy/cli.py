"""flask privacy … and flask archive …: retention, erasure on request, the register, the record."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import click
from sqlalchemy import select

from initiatives.models import Initiative
from platform_core import settings
from platform_core.extensions import db
from platform_core.models import User
from platform_core.transaction import unit_of_work

from . import archive, archive_cli, bp
from .declarations import register_rows
from .erasure import erase_account, erase_assisted


@bp.cli.command("purge")
@click.option("--batch", default=500, show_default=True, help="At most this many accounts per kind per run.")
def purge_command(batch: int) -> None:
    """Delete or anonymise what is past its retention period (idempotent; run daily from cron)."""
    from .retention import purge

    with unit_of_work():
        done = purge(batch=batch)
    for name, count in done.items():
        click.echo(f"{name}: {count}")


@bp.cli.command("erase")
@click.argument("email")
@click.option("--remove-contributions", is_flag=True, help="Also remove their comments and initiatives.")
def erase_command(email: str, remove_contributions: bool) -> None:
    """Erase an account on the person's written request (AVG art. 17)."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException("no account with that e-mail address")
    with unit_of_work():
        report = erase_account(user, user, keep_contributions=not remove_contributions)
    click.echo(json.dumps(report))


@bp.cli.command("erase-assisted")
@click.argument("initiative_id", type=int)
def erase_assisted_command(initiative_id: int) -> None:
    """Erase the name of the resident an ambassador entered an initiative for."""
    item = db.session.get(Initiative, initiative_id)
    if item is None:
        raise click.ClickException("no such initiative")
    with unit_of_work():
        erase_assisted(item.owner, item)
    click.echo("erased")


@bp.cli.command("register")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
def register_command(fmt: str) -> None:
    """The register of processing activities (AVG art. 30), for the municipality's register."""
    rows = register_rows()
    if fmt == "json":
        click.echo(
            json.dumps(
                {"controller": settings.get("privacy_controller"), "activities": rows},
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)


@archive_cli.cli.command("verify")
@click.option("--package", type=click.Path(file_okay=False, path_type=Path), help="Check an exported package instead.")
@click.option(
    "--expect-head", help="The head hash published earlier: the record must still contain it as its head or before."
)
def archive_verify(package: Path | None, expect_head: str | None) -> None:
    """Recompute the chain; exit non-zero when any entry was changed, removed, reordered or cut off."""
    count, problems = archive.verify_package(package) if package else archive.verify()
    if expect_head and not package:
        found = db.session.scalar(select(archive.ArchiveEntry.seq).where(archive.ArchiveEntry.hash == expect_head))
        if found is None:
            problems.append(f"the published head {expect_head[:12]}… is not in the record (truncated or rewritten)")
    for line in problems[:50]:
        click.echo(line)
    if problems:
        click.echo(f"FAILED: {len(problems)} problem(s) in {count} entries")
        raise SystemExit(1)
    seq, head = archive.head() if not package else (count, "")
    click.echo(f"ok: {count} entries, chain intact" + (f", head {head}" if head else ""))


@archive_cli.cli.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def archive_export(directory: Path) -> None:
    """Write the record as JSON Lines with a manifest of SHA-256 checksums (for an e-depot)."""
    manifest = archive.export(directory, settings.get("privacy_controller"))
    click.echo(f"{manifest['entries']} entries written to {directory} (head {manifest['head']['hash']})")
