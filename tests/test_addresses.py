"""Addresses offline (issue 27): ``flask geo addresses import`` reads the BAG address extract in
its documented form (NLExtract's ``bagadres-full.csv``: ';'-separated, RD New x/y) into a table
of our own, on either database; the lookup goes local BAG -> PDOK -> buurt names, understands
postcodes with or without a space and house numbers with letters and additions, suggests the
street meant for a small misspelling, and lets the resident choose when several places match.
PDOK is unreachable here on purpose: every address below is found without it."""

from __future__ import annotations

import csv
import re
import sqlite3
import struct

import pytest
from pyproj import Transformer
from shapely import wkb
from shapely.geometry import Point
from sqlalchemy import func, select

from maps.geocoder import geocode
from maps.models import Address
from platform_core.extensions import db

#: the header as the extract writes it (NLExtract, adres-full2csv.sql)
HEADER_LINE = (
    "openbareruimte;huisnummer;huisletter;huisnummertoevoeging;postcode;woonplaats;gemeente;provincie;"
    "nummeraanduiding;verblijfsobjectgebruiksdoel;oppervlakteverblijfsobject;verblijfsobjectstatus;object_id;"
    "object_type;nevenadres;pandid;pandstatus;pandbouwjaar;x;y;lon;lat"
)

# (street, number, letter, addition, postcode, place, lon, lat): inside the test municipality
ROWS = [
    ("Oudegracht", 1, "", "", "3511AB", "Utrecht", 5.1005, 52.0950),
    ("Oudegracht", 1, "A", "", "3511AB", "Utrecht", 5.1006, 52.0951),
    ("Oudegracht", 3, "", "", "3511AB", "Utrecht", 5.1008, 52.0952),
    ("Oudegracht", 158, "", "BIS", "3511AZ", "Utrecht", 5.1100, 52.0900),
    ("Sint-Jacobsstraat", 10, "", "", "3511BS", "Utrecht", 5.1150, 52.0960),
    ("Lange Nieuwstraat", 12, "", "2", "3512PH", "Utrecht", 5.1200, 52.0880),
    ("Lange Nieuwstraat", 12, "", "3", "3512PH", "Utrecht", 5.1200, 52.0880),
    ("Damrak", 1, "", "", "1012LG", "Amsterdam", 4.8957, 52.3764),  # another municipality: left out
    ("Zonder Postcode", 5, "", "", "", "Utrecht", 5.1010, 52.0950),  # broken: skipped and reported
]


@pytest.fixture(params=["csv", "gpkg"])
def extract(request, tmp_path):
    """The same addresses as NLExtract's CSV and as the BAG GeoPackage: every lookup is tried on both."""
    if request.param == "gpkg":
        return _geopackage(tmp_path / "bag-light.gpkg")
    to_rd = Transformer.from_crs(4326, 28992, always_xy=True)
    path = tmp_path / "bagadres-full.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        handle.write(HEADER_LINE + "\n")
        for i, (street, number, letter, addition, postcode, place, lon, lat) in enumerate(ROWS):
            x, y = to_rd.transform(lon, lat)
            writer.writerow([street, number, letter, addition, postcode, place, place, "Utrecht",
                             f"0344200000{i:06d}", "woonfunctie", 80, "Verblijfsobject in gebruik",
                             f"0344010000{i:06d}", "VBO", "N", f"0344100000{i:06d}", "Pand in gebruik", 1900,
                             f"{x:.3f}", f"{y:.3f}", "", ""])  # fmt: skip
    return path


def _gpkg_blob(geometry, srs_id: int = 28992) -> bytes:
    """A GeoPackage geometry: "GP", version 0, flags (little endian, an xy envelope), srs id,
    envelope, then WKB, as the GeoPackage standard (OGC 12-128r18, 2.1.3) writes it."""
    minx, miny, maxx, maxy = geometry.bounds
    header = b"GP" + bytes([0, 0b00000011]) + struct.pack("<i", srs_id) + struct.pack("<4d", minx, maxx, miny, maxy)
    return header + wkb.dumps(geometry, byte_order=1)


def _geopackage(path):
    """The BAG GeoPackage's address layers (bag-light.gpkg): verblijfsobject points, and a
    standplaats outline, in RD New, with the Kadaster's column names."""
    to_rd = Transformer.from_crs(4326, 28992, always_xy=True)
    db_file = sqlite3.connect(path)
    db_file.executescript("""
        CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT, srs_id INTEGER PRIMARY KEY, organization TEXT,
            organization_coordsys_id INTEGER, definition TEXT, description TEXT);
        CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT, identifier TEXT,
            description TEXT, last_change TEXT, min_x REAL, min_y REAL, max_x REAL, max_y REAL, srs_id INTEGER);
        CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT, geometry_type_name TEXT,
            srs_id INTEGER, z INTEGER, m INTEGER);
        INSERT INTO gpkg_spatial_ref_sys VALUES ('Amersfoort / RD New', 28992, 'EPSG', 28992, '', '');
    """)  # fmt: skip
    columns = (
        "fid INTEGER PRIMARY KEY, identificatie TEXT, openbare_ruimte_naam TEXT, huisnummer INTEGER, "
        "huisletter TEXT, toevoeging TEXT, postcode TEXT, woonplaats_naam TEXT, status TEXT, geom BLOB"
    )
    for layer, kind in (("verblijfsobject", "POINT"), ("standplaats", "POLYGON")):
        db_file.execute(f"CREATE TABLE {layer} ({columns})")
        db_file.execute("INSERT INTO gpkg_contents (table_name, data_type, srs_id) VALUES (?, 'features', 28992)",
                        (layer,))  # fmt: skip
        db_file.execute("INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', ?, 28992, 0, 0)", (layer, kind))
    for i, (street, number, letter, addition, postcode, place, lon, lat) in enumerate(ROWS):
        x, y = to_rd.transform(lon, lat)
        # the last house of Lange Nieuwstraat is a standplaats: an outline, whose inner point is taken
        layer, geometry = (
            ("standplaats", Point(x, y).buffer(4)) if addition == "3" else ("verblijfsobject", Point(x, y))
        )
        db_file.execute(
            f"INSERT INTO {layer} VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, 'in gebruik', ?)",
            (f"0344010000{i:06d}", street, number, letter or None, addition or None, postcode or None, place,
             _gpkg_blob(geometry)),
        )  # fmt: skip
    db_file.commit()
    db_file.close()
    return path


@pytest.fixture
def held(app, runner, extract):
    result = runner.invoke(args=["geo", "addresses", "import", str(extract)])
    assert result.exit_code == 0, result.output
    return result


def test_the_extract_is_read_transformed_and_kept_to_the_municipality(app, held):
    assert "7 adressen opgeslagen van 9 gelezen; 1 buiten de gemeente, 1 overgeslagen." in held.output
    assert "postcode ''" in held.output  # which line, and why
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Address)) == 7
        first = db.session.scalar(select(Address).where(Address.number == 1, Address.letter == ""))
        # RD New back to WGS84 through pyproj: within a metre of where the address was
        assert abs(first.lon - 5.1005) < 1e-5
        assert abs(first.lat - 52.0950) < 1e-5
        assert first.label == "Oudegracht 1, 3511 AB Utrecht"


def test_a_file_that_is_not_the_extract_is_refused_with_a_reason(app, runner, tmp_path):
    wrong = tmp_path / "adressen.csv"
    wrong.write_text("straat,nummer\nOudegracht,1\n", encoding="utf-8")
    result = runner.invoke(args=["geo", "addresses", "import", str(wrong)])
    assert result.exit_code != 0
    assert "kolommen ontbreken" in result.output
    roads = tmp_path / "wegen.gpkg"  # a GeoPackage, but not the BAG's
    connection = sqlite3.connect(roads)
    connection.executescript("CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT, srs_id INT);"
                             "INSERT INTO gpkg_geometry_columns VALUES ('wegvakken', 'geom', 28992);")  # fmt: skip
    connection.close()
    refused = runner.invoke(args=["geo", "addresses", "import", str(roads)])
    assert refused.exit_code != 0
    assert "geen adreslagen: verwacht verblijfsobject, ligplaats of standplaats" in refused.output


@pytest.mark.parametrize(
    ("typed", "label"),
    [
        ("Oudegracht 1, Utrecht", "Oudegracht 1, 3511 AB Utrecht"),
        ("Oudegracht 1 Utrecht", "Oudegracht 1, 3511 AB Utrecht"),
        ("oudegracht 1a", "Oudegracht 1A, 3511 AB Utrecht"),
        ("Oudegracht 158bis", "Oudegracht 158-BIS, 3511 AZ Utrecht"),
        ("Oudegracht 158-bis", "Oudegracht 158-BIS, 3511 AZ Utrecht"),
        ("3511 AB", "3511 AB Utrecht"),
        ("3511AB", "3511 AB Utrecht"),
        ("3511ab 3", "Oudegracht 3, 3511 AB Utrecht"),
        ("3511 AB 1A", "Oudegracht 1A, 3511 AB Utrecht"),
        ("Sint Jacobsstraat 10", "Sint-Jacobsstraat 10, 3511 BS Utrecht"),
        ("Lange Nieuwstraat 12-2", "Lange Nieuwstraat 12-2, 3512 PH Utrecht"),
    ],
)
def test_every_way_of_writing_an_address_finds_it(app, held, typed, label):
    with app.app_context():
        found, source = geocode(typed, "Voorbeeldstad")
    assert source == "bag"
    assert [f["label"] for f in found] == [label]


def test_a_misspelled_street_is_a_suggestion_not_a_guess(app, held, client):
    with app.app_context():
        found, source = geocode("Oudegrcht 1", "Voorbeeldstad")
    assert source == "bag-suggestions"
    assert [f["label"] for f in found] == ["Oudegracht 1, 3511 AB Utrecht"]
    page = client.get("/?adres=Oudegrcht+1").get_data(as_text=True)
    assert "We vonden ‘Oudegrcht 1’ niet precies zo. Bedoelt u:" in page
    assert "Oudegracht 1, 3511 AB Utrecht</a>" in page
    assert "data-view=" not in page  # the map does not move on a guess


def test_several_matches_the_resident_chooses(app, held, client):
    page = client.get("/?adres=Lange+Nieuwstraat+12").get_data(as_text=True)
    assert "Er zijn meer adressen die passen bij ‘Lange Nieuwstraat 12’. Welk bedoelt u?" in page
    assert "Lange Nieuwstraat 12-2, 3512 PH Utrecht</a>" in page
    assert "Lange Nieuwstraat 12-3, 3512 PH Utrecht</a>" in page
    assert "data-view=" not in page


def test_one_match_moves_the_map_there(app, held, client):
    page = client.get("/?adres=Oudegracht+3").get_data(as_text=True)
    assert "Kaart ingezoomd op Oudegracht 3, 3511 AB Utrecht." in page
    assert 'data-view="52.0952' in page
    assert ",18" in page.split('data-view="', 1)[1].split('"', 1)[0]


def test_without_held_addresses_the_buurt_names_still_answer(app, client):
    with app.app_context():
        found, source = geocode("Spoorzicht", "Voorbeeldstad")
    assert source == "local"
    assert found[0]["label"] == "Spoorzicht"


def test_the_list_link_keeps_the_place(app, held, client):
    """The map's "as a list" link kept the filters but lost the place asked for (issue 27)."""
    from maps.models import Area

    page = client.get("/?adres=Oudegracht+3").get_data(as_text=True)
    link = re.search(r'href="([^"]+)" id="gallery-link"', page).group(1)
    with app.app_context():
        code = db.session.scalar(select(Area.code).where(Area.name == "Spoorzicht"))
    assert f"area={code}" in link.replace("&amp;", "&")
