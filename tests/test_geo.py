"""Boundary import, geometry validation and point-in-neighbourhood assignment."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from shapely.geometry import Point, shape
from sqlalchemy import select

from maps.boundaries import import_boundaries
from maps.geometry import ensure_inside, parse_location
from maps.models import Area, Municipality
from maps.services import neighbourhood_for
from platform_core import transaction
from platform_core.extensions import db
from platform_core.validation import ValidationFailed
from schatkaart.demo import SHARED_FILES

from .conftest import INSIDE, OUTSIDE

UTRECHT = Path(__file__).resolve().parents[2] / "shared" / "data" / "utrecht"


def test_sample_municipality_has_hierarchy(ctx):
    municipality = db.session.scalar(select(Municipality))
    assert municipality.name == "Voorbeeldstad"
    buurten = db.session.scalars(select(Area).where(Area.level == "neighbourhood")).all()
    assert len(buurten) == 12
    # buurten hang under their wijk (by WIJKKODE), wijken under the gemeente (spatially)
    assert {b.parent.level for b in buurten} == {"district"}
    assert {b.parent.parent.code for b in buurten} == {municipality.area.code}


def test_display_outline_is_simplified_and_rounded(ctx):
    area = db.session.scalar(select(Area).where(Area.level == "municipality"))
    display = json.loads(area.display_geojson)
    decimals = [len(n.split(".")[1]) for n in re.findall(r"\d+\.\d+", area.display_geojson)]
    assert max(decimals) <= 5
    assert shape(display).is_valid
    assert len(area.display_geojson) < 20_000


def test_import_repairs_self_intersecting_polygon_and_reports_skips(ctx):
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[5.10, 52.09], [5.11, 52.10], [5.11, 52.09], [5.10, 52.10], [5.10, 52.09]]],
    }
    data = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"code": "T1", "name": "Strik"}, "geometry": bowtie},
            {"type": "Feature", "properties": {"name": "Zonder code"}, "geometry": bowtie},
            {"type": "Feature", "properties": {"code": "T3"}, "geometry": None},
        ],
    }
    report = import_boundaries(data, "district")
    assert (report.created, report.repaired) == (1, 1)
    assert len(report.skipped) == 2
    area = db.session.scalar(select(Area).where(Area.code == "T1"))
    assert area.name == "Strik"
    db.session.delete(area)
    transaction.commit()


def test_import_rejects_non_feature_collections(ctx):
    with pytest.raises(ValidationFailed):
        import_boundaries({"type": "Feature"}, "neighbourhood")


def test_cli_imports_any_geojson_with_code_and_name(app, tmp_path):
    """The real Utrecht boundaries when they are beside the project, else our own sample."""
    from flask_migrate import upgrade

    from maps.sample_geography import all_levels
    from schatkaart import create_app

    # A database of its own, so the import cannot disturb the shared test municipality.
    url = f"sqlite:///{tmp_path / 'import.db'}"
    other = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x"})
    files = {}
    for level, data in all_levels().items():
        path = UTRECHT / SHARED_FILES[level]
        if not path.exists():
            path = tmp_path / f"{level}.geojson"
            path.write_text(json.dumps(data))
        files[level] = path
    with other.app_context():
        upgrade()
    runner = other.test_cli_runner()
    for level in ("municipality", "district", "neighbourhood"):
        result = runner.invoke(args=["geo", "import", str(files[level]), "--level", level])
        assert result.exit_code == 0, result.output
        assert f"{level}:" in result.output
    with other.app_context():
        buurten = db.session.scalars(select(Area).where(Area.level == "neighbourhood")).all()
        expected = len(json.loads(files["neighbourhood"].read_text())["features"])
        assert len(buurten) == expected
        assert all(b.parent is not None for b in buurten)
    # importing again updates instead of duplicating
    result = runner.invoke(args=["geo", "import", str(files["neighbourhood"]), "--level", "neighbourhood"])
    assert f"neighbourhood: 0 created, {expected} updated" in result.output
    with other.app_context():
        db.engine.dispose()


def test_point_inside_is_accepted_and_gets_its_neighbourhood(ctx):
    municipality = db.session.scalar(select(Municipality))
    geom = parse_location(INSIDE[0], INSIDE[1], None)
    ensure_inside(geom, municipality)
    assert neighbourhood_for(geom).name == "Spoorzicht"


def test_point_outside_municipality_is_rejected_in_dutch(ctx):
    municipality = db.session.scalar(select(Municipality))
    with pytest.raises(ValidationFailed) as exc:
        ensure_inside(Point(OUTSIDE[1], OUTSIDE[0]), municipality)
    assert exc.value.errors["location"].startswith("Deze plek ligt buiten de gemeente Voorbeeldstad")


@pytest.mark.parametrize(
    ("lat", "lon", "area", "message"),
    [
        (None, None, None, "Kies een plek"),
        ("abc", "5.1", None, "geen getallen"),
        ("123", "5.1", None, "bestaan niet"),
        (None, None, "{not json", "kunnen we niet lezen"),
        (None, None, json.dumps({"type": "LineString", "coordinates": [[5.1, 52.09], [5.11, 52.1]]}), "minstens drie"),
        (
            None,
            None,
            json.dumps(
                {
                    "type": "Polygon",
                    "coordinates": [[[5.10, 52.09], [5.11, 52.10], [5.11, 52.09], [5.10, 52.10], [5.10, 52.09]]],
                }
            ),
            "kruisen",
        ),
    ],
)
def test_bad_locations_get_a_clear_message(lat, lon, area, message):
    with pytest.raises(ValidationFailed) as exc:
        parse_location(lat, lon, area)
    assert message in exc.value.errors["location"]


def test_point_in_a_gap_between_outlines_gets_the_nearest_neighbourhood(ctx):
    # The sample's outer ring is a polygon; a point just outside all buurten but near one
    assert neighbourhood_for(Point(5.0545, 52.09)).level == "neighbourhood"
