"""Addresses offline: the BAG held locally, imported from the public extract, searched before PDOK.

The import reads the BAG address extract as NLExtract writes it (``bagadres.csv`` /
``bagadres-full.csv``): semicolon-separated, a header row, the columns ``openbareruimte``,
``huisnummer``, ``huisletter``, ``huisnummertoevoeging``, ``postcode``, ``woonplaats`` and the
point in RD New (``x``, ``y``, EPSG:28992), which pyproj turns into longitude and latitude. Other
columns are ignored. It reads the BAG GeoPackage as PDOK and the Kadaster publish it
(``bag-light.gpkg``) just as well: the layers ``verblijfsobject`` (points), ``ligplaats`` and
``standplaats`` (outlines, whose inner point is taken), with the columns ``openbare_ruimte_naam``,
``huisnummer``, ``huisletter``, ``toevoeging``, ``postcode`` and ``woonplaats_naam``, geometry in
the reference system ``gpkg_geometry_columns`` names (RD New). A GeoPackage is an SQLite file: it
is read with the standard library, its geometry blobs (a GeoPackage header, then WKB) with
shapely; no GDAL is needed. Addresses outside the municipality's outline are left out (and counted).

Search understands what people type: a postcode with or without its space, with or without a
house number ("3511 AB", "3511AB 12"); a street and number, with a letter or addition and a place
("Oudegracht 1", "Oudegracht 158bis, Utrecht"); and small misspellings of the street ("Oudegrcht
1"), answered as suggestions. Several matches are all returned: the resident chooses.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, func, insert, select

from platform_core.extensions import db

from .models import Address

REQUIRED = ("openbareruimte", "huisnummer", "postcode", "woonplaats", "x", "y")
_NUMBER = r"(\d{1,5})\s*([a-zA-Z](?![a-zA-Z0-9]))?(?:[\s-]*([a-zA-Z0-9]{1,4}))?"  # 1, 1A, 1 a, 158bis, 12-2
_POSTCODE = re.compile(r"^\s*(\d{4})\s*([a-zA-Z]{2})(?![a-zA-Z])\s*(?:" + _NUMBER + r")?\s*$")
_STREET = re.compile(r"^\s*(.+?)\s+" + _NUMBER + r"\s*$")
BATCH = 5000


def fold(text: str) -> str:
    """Lower case, accents and punctuation off, one space: "Sint-Jacobsstraat" = "sint jacobsstraat"."""
    plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain.lower()).split())


@dataclass
class ImportReport:
    read: int = 0
    stored: int = 0
    outside: int = 0
    skipped: list[str] = field(default_factory=list)


def import_addresses(
    source: str | Path | io.TextIOBase, inside: Callable[[float, float], bool], progress: Callable[[int], None]
) -> ImportReport:
    """Replace the held addresses with those in the extract that lie inside the municipality."""
    from pyproj import Transformer

    rd = Transformer.from_crs(28992, 4326, always_xy=True)
    report = ImportReport()
    if isinstance(source, str | Path) and _is_geopackage(Path(source)):
        rows, unit = _geopackage_rows(Path(source)), "object"
    else:
        rows, unit = _csv_rows(source), "regel"
    batch: list[dict] = []
    first = True
    for row in rows:
        if first:  # the file is what it should be: only now are the held addresses replaced
            db.session.execute(delete(Address))
            first = False
        report.read += 1
        try:
            record = _record(row, rd)
        except (ValueError, KeyError, TypeError) as exc:
            if len(report.skipped) < 20:
                where = f"{unit} {report.read + (1 if unit == 'regel' else 0)}"
                report.skipped.append(f"{where}: {exc}")
            continue
        if not inside(record["lon"], record["lat"]):
            report.outside += 1
            continue
        batch.append(record)
        if len(batch) >= BATCH:
            report.stored += _flush(batch)
            progress(report.read)
    report.stored += _flush(batch)
    return report


def _csv_rows(source: str | Path | io.TextIOBase) -> Iterator[dict]:
    handle = open(source, encoding="utf-8-sig", newline="") if isinstance(source, str | Path) else source  # noqa: SIM115
    with handle:
        reader = csv.DictReader(handle, delimiter=";")
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(
                f"kolommen ontbreken: {', '.join(missing)} (verwacht: het BAG-adressenbestand, ';' gescheiden)"
            )
        yield from reader


def _is_geopackage(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(16) == b"SQLite format 3\x00"


# The GeoPackage's columns, as the CSV's rows name them
GPKG_COLUMNS = {
    "openbareruimte": ("openbare_ruimte_naam", "openbareruimte"),
    "huisnummer": ("huisnummer",),
    "huisletter": ("huisletter",),
    "huisnummertoevoeging": ("toevoeging", "huisnummertoevoeging"),
    "postcode": ("postcode",),
    "woonplaats": ("woonplaats_naam", "woonplaats"),
}
GPKG_LAYERS = ("verblijfsobject", "ligplaats", "standplaats")


def _geopackage_rows(path: Path) -> Iterator[dict]:
    """Rows of the address layers of a BAG GeoPackage, as the CSV's rows (x, y in RD New)."""
    import sqlite3

    from pyproj import Transformer

    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        try:
            layers = connection.execute("SELECT table_name, column_name, srs_id FROM gpkg_geometry_columns").fetchall()
        except sqlite3.DatabaseError as exc:
            raise ValueError("dit is geen GeoPackage (de tabel gpkg_geometry_columns ontbreekt)") from exc
        wanted = [(table, column, srs) for table, column, srs in layers if table.lower() in GPKG_LAYERS]
        if not wanted:
            raise ValueError("geen adreslagen: verwacht verblijfsobject, ligplaats of standplaats (de BAG-GeoPackage)")
        for table, geometry_column, srs in wanted:
            present = {row[1].lower(): row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')}
            chosen = {}
            for name, options in GPKG_COLUMNS.items():
                found = next((present[o] for o in options if o in present), None)
                if found is None and name not in ("huisletter", "huisnummertoevoeging"):
                    raise ValueError(f"laag {table}: kolom {options[0]} ontbreekt")
                chosen[name] = found
            to_rd = None if srs == 28992 else Transformer.from_crs(srs, 28992, always_xy=True)
            columns = ", ".join(f'"{c}"' if c else "NULL" for c in chosen.values())
            query = f'SELECT {columns}, "{geometry_column}" FROM "{table}"'  # nosec B608: names from the file's own schema
            for values in connection.execute(query):
                row = {
                    name: "" if value is None else str(value) for name, value in zip(chosen, values[:-1], strict=True)
                }
                point = _gpkg_point(values[-1])
                if point is None:
                    row["x"] = row["y"] = ""
                else:
                    x, y = point if to_rd is None else to_rd.transform(*point)
                    row["x"], row["y"] = str(x), str(y)
                yield row
    finally:
        connection.close()


ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


def _gpkg_point(blob: bytes | None) -> tuple[float, float] | None:
    """The point of a GeoPackage geometry blob (header "GP", version, flags, srs id, envelope,
    then WKB); for an outline, a point inside it."""
    from shapely import wkb

    if not blob or blob[:2] != b"GP" or len(blob) < 8:
        return None
    flags = blob[3]
    if flags & 0b10000:  # an empty geometry
        return None
    start = 8 + ENVELOPE_BYTES.get((flags >> 1) & 0b111, 0)
    geometry = wkb.loads(bytes(blob[start:]))
    if geometry.is_empty:
        return None
    point = geometry if geometry.geom_type == "Point" else geometry.representative_point()
    return point.x, point.y


def _record(row: dict, rd) -> dict:
    postcode = re.sub(r"\s+", "", row["postcode"] or "").upper()
    if not re.fullmatch(r"\d{4}[A-Z]{2}", postcode):
        raise ValueError(f"postcode {row['postcode']!r}")
    street = (row["openbareruimte"] or "").strip()
    if not street:
        raise ValueError("geen straatnaam")
    if not row["x"] or not row["y"]:
        raise ValueError("geen ligging")
    lon, lat = rd.transform(float(row["x"].replace(",", ".")), float(row["y"].replace(",", ".")))
    return {
        "postcode": postcode,
        "number": int(row["huisnummer"]),
        "letter": (row.get("huisletter") or "").strip()[:1].upper(),
        "addition": (row.get("huisnummertoevoeging") or "").strip()[:4].upper(),
        "street": street[:80],
        "street_key": fold(street)[:80],
        "place": (row["woonplaats"] or "").strip()[:80],
        "lon": round(lon, 7),
        "lat": round(lat, 7),
    }


def _flush(batch: list[dict]) -> int:
    if batch:
        db.session.execute(insert(Address), batch)
    count = len(batch)
    batch.clear()
    return count


def held() -> bool:
    return db.session.scalar(select(Address.id).limit(1)) is not None


def search(query: str, limit: int = 8) -> tuple[list[dict], bool]:
    """(results, exact): addresses matching the query; ``exact`` False when they are suggestions
    for a street that was not found as typed."""
    query, place = _without_place(query)
    postcode = _POSTCODE.match(query)
    if postcode:
        digits, letters, number, letter, addition = postcode.groups()
        code = f"{digits}{letters.upper()}"
        if not number:  # a postcode is a stretch of street: the map goes to its middle
            lon, lat, place = db.session.execute(
                select(func.avg(Address.lon), func.avg(Address.lat), func.min(Address.place)).where(
                    Address.postcode == code
                )
            ).one()
            if lon is None:
                return [], True
            return [{"label": f"{digits} {letters.upper()} {place}", "type": "postcode", "lon": lon, "lat": lat,
                     "source": "bag"}], True  # fmt: skip
        stmt = select(Address).where(Address.postcode == code)
        return _found(_narrow(stmt, number, letter, addition), limit), True
    street = _STREET.match(query)
    if not street:
        return [], True
    name, number, letter, addition = street.groups()
    key = fold(name)
    stmt = _narrow(select(Address).where(Address.street_key == key), number, letter, addition)
    if place:
        stmt = stmt.where(func.lower(Address.place) == place.strip().lower())
    found = _found(stmt, limit)
    if found:
        return found, True
    # a small misspelling: the nearest street names held, each at this number
    names = _streets_like(key)
    if not names:
        return [], True
    stmt = _narrow(select(Address).where(Address.street_key.in_(names)), number, letter, addition)
    return _found(stmt, limit), False


def _without_place(query: str) -> tuple[str, str | None]:
    """The place held at the end comes off: "Oudegracht 1, Utrecht", "3511 AB Utrecht"."""
    text = query.strip().rstrip(",").strip()
    if "," in text:
        head, tail = text.rsplit(",", 1)
        return head.strip(), tail.strip() or None
    words = text.split()
    for size in (3, 2, 1):  # a place is the last one to three words: look each candidate up by index
        if len(words) > size:
            candidate = " ".join(words[-size:])
            if db.session.scalar(select(Address.id).where(func.lower(Address.place) == candidate.lower()).limit(1)):
                return " ".join(words[:-size]), candidate
    return text, None


def _narrow(stmt, number: str | None, letter: str | None, addition: str | None):
    if number:
        stmt = stmt.where(Address.number == int(number))
        if letter or addition:
            stmt = stmt.where(Address.letter == (letter or "").upper(), Address.addition == (addition or "").upper())
        else:  # "Oudegracht 1" is number 1 itself when it exists, not also 1A and 1-BIS
            plain = stmt.where(Address.letter == "", Address.addition == "")
            if db.session.scalar(plain.with_only_columns(Address.id).limit(1)) is not None:
                return plain
    return stmt


def _found(stmt, limit: int) -> list[dict]:
    rows = db.session.scalars(
        stmt.order_by(Address.street, Address.number, Address.letter, Address.addition).limit(limit)
    )
    return [{"label": a.label, "type": "adres", "lon": a.lon, "lat": a.lat, "source": "bag"} for a in rows]


def _streets_like(key: str) -> list[str]:
    """Street names within a small edit distance of what was typed (same first letter: a typo
    rarely hits the first one, and it keeps the candidates to one letter's streets)."""
    if len(key) < 4:
        return []
    # a range on the indexed column (a LIKE would not use the index on SQLite)
    first = key[0]
    candidates = db.session.scalars(
        select(Address.street_key)
        .where(Address.street_key >= first, Address.street_key < chr(ord(first) + 1))
        .distinct()
    ).all()
    return difflib.get_close_matches(key, candidates, n=3, cutoff=0.82)
