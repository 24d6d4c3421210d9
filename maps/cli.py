"""flask geo …: boundaries of the municipality, its wijken and buurten, and their population."""

from __future__ import annotations

import sqlite3

import click

from platform_core.codes import LEGACY, current
from platform_core.transaction import unit_of_work
from platform_core.validation import ValidationFailed

from . import bp
from .boundaries import import_boundaries
from .models import LEVELS
from .services import import_population


@bp.cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--level",
    type=click.Choice([*LEVELS, *LEGACY["level"]]),
    required=True,
    help="municipality, district or neighbourhood (gemeente, wijk and buurt are understood too)",
)
@click.option("--code-field", help="Property holding the code (detected when omitted).")
@click.option("--name-field", help="Property holding the name (detected when omitted).")
def geo_import(path: str, level: str, code_field: str | None, name_field: str | None) -> None:
    """Import GeoJSON areas: validates, repairs and simplifies for display."""
    level = current("level", level)
    try:
        with unit_of_work():
            report = import_boundaries(path, level, code_field, name_field)
    except (ValidationFailed, ValueError) as exc:
        raise click.ClickException(f"import failed: {exc}") from exc
    click.echo(f"{level}: {report.created} created, {report.updated} updated, {report.repaired} repaired")
    for reason in report.skipped:
        click.echo(f"  skipped {reason}", err=True)


@bp.cli.command("population")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def geo_population(path: str) -> None:
    """Read a CSV with columns code,population and store it per area."""
    with unit_of_work():
        updated, unknown = import_population(path)
    click.echo(f"population set for {updated} areas")
    for code in unknown:
        click.echo(f"  unknown area code {code}", err=True)


@bp.cli.group("addresses")
def addresses_group() -> None:
    """BAG addresses held locally, so that addresses are found without PDOK."""


@addresses_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def addresses_import(path: str) -> None:
    """Read the BAG address extract (NLExtract's bagadres CSV, or the BAG GeoPackage) and keep
    the addresses inside the municipality, replacing those held before."""
    from geoalchemy2.shape import to_shape
    from shapely import prepared
    from shapely.geometry import Point

    from .addresses import import_addresses
    from .services import current_municipality

    municipality = current_municipality()
    if municipality is None:
        raise click.ClickException("Er is nog geen gemeente: importeer eerst de grenzen (flask geo import).")
    outline = prepared.prep(to_shape(municipality.area.geom).buffer(0.001))

    def inside(lon: float, lat: float) -> bool:
        return outline.contains(Point(lon, lat))

    def progress(read: int) -> None:
        click.echo(f"  {read} regels gelezen", err=True)

    try:
        with unit_of_work():
            report = import_addresses(path, inside, progress)
    except (ValueError, UnicodeDecodeError, sqlite3.DatabaseError) as exc:
        raise click.ClickException(f"Het adressenbestand is niet ingelezen: {exc}") from exc
    click.echo(
        f"{report.stored} adressen opgeslagen van {report.read} gelezen; {report.outside} buiten de gemeente,"
        f" {len(report.skipped)} overgeslagen."
    )
    for reason in report.skipped:
        click.echo(f"  overgeslagen: {reason}", err=True)
