"""Boundaries of the municipality, its wijken and buurten: read from GeoJSON, previewed before
they apply, and undone while nothing depends on what they changed.

A file the administrator uploads becomes a :class:`BoundaryImport` in ``preview``: it is read
exactly as it would be applied, inside a savepoint that is rolled back, so the preview shows
what will be new, what changes and what is refused, and nothing changes yet. Applying keeps,
per area it touched, what it takes to go back: the areas it created, and the name, outline and
parent of those it changed. Undo is offered for the latest applied import only, and refused
while anything refers to an area it created (an initiative placed in a new buurt, a wijk's
buurten, a trajectory's area): taking it away would move them, so the administrator is told
what holds it instead.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from geoalchemy2.shape import from_shape, to_shape
from shapely import wkt
from shapely.geometry import mapping, shape
from sqlalchemy import delete, func, select, text

from platform_core import settings
from platform_core.extensions import db
from platform_core.models import utcnow
from platform_core.spatial import begin_write, lock_row
from platform_core.validation import ValidationFailed

from .geometry import repair
from .models import LEVEL_LABELS, LEVELS, Area, BoundaryImport, Municipality

CODE_KEYS = (
    "code",
    "KODE",
    "CODE",
    "statcode",
    "buurtcode",
    "wijkcode",
    "gemeentecode",
    "GM_CODE",
    "WK_CODE",
    "BU_CODE",
)
NAME_KEYS = (
    "name",
    "naam",
    "NAAM",
    "NAME",
    "statnaam",
    "buurtnaam",
    "wijknaam",
    "gemeentenaam",
    "GM_NAAM",
    "WK_NAAM",
    "BU_NAAM",
)
PARENT_KEYS = ("parent", "WIJKKODE", "wijkcode", "GEMEENTECODE", "gemeentecode")
DISPLAY_TOLERANCE = 0.00005  # ~5 m: outlines stay recognisable, files stay small


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    repaired: int = 0
    skipped: list[str] = field(default_factory=list)
    created_names: list[str] = field(default_factory=list)
    updated_names: list[str] = field(default_factory=list)
    missing_names: list[str] = field(default_factory=list)  # held before, not in this file: they stay
    undo: dict = field(default_factory=lambda: {"created": [], "updated": [], "municipality": None})

    def summary(self) -> dict:
        return {
            "created": self.created_names,
            "updated": self.updated_names,
            "missing": self.missing_names,
            "repaired": self.repaired,
            "skipped": self.skipped,
        }


def _outline_problem(geometry) -> str | None:
    """What keeps a GeoJSON geometry from being an area's outline, said plainly; None when fine.
    An open ring is refused, not closed for the author: it would replace a good outline with a
    guess."""
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        return _("geen vlak maar %(kind)s; een grens is een (multi)polygoon.", kind=kind or _("niets"))
    polygons = geometry.get("coordinates") or []
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    try:
        for polygon in polygons:
            for ring in polygon:
                if len(ring) < 4:
                    return _("een omtrek heeft minder dan drie hoeken.")
                if list(ring[0][:2]) != list(ring[-1][:2]):
                    return _("een omtrek is niet gesloten (het eerste en laatste punt verschillen).")
    except (TypeError, IndexError):
        return _("de coördinaten zijn geen lijst van ringen.")
    return None


def _pick(props: dict, keys: tuple[str, ...], override: str | None) -> str | None:
    if override:
        return None if props.get(override) is None else str(props[override]).strip()
    for key in keys:
        if props.get(key) not in (None, ""):
            return str(props[key]).strip()
    return None


def _display_geojson(geom) -> str:
    # 5 decimals (~1 m) after simplification is plenty for outlines on a map.
    simple = geom.simplify(DISPLAY_TOLERANCE, preserve_topology=True)
    data = json.loads(json.dumps(mapping(simple)), parse_float=lambda v: round(float(v), 5))
    return json.dumps(data, separators=(",", ":"))


def _parent_for(level: str, code_parent: str | None, geom) -> Area | None:
    if level == "municipality":
        return None
    parent_level = "municipality" if level == "district" else "district"
    if code_parent:
        found = db.session.scalar(select(Area).where(Area.level == parent_level, Area.code == code_parent))
        if found:
            return found
    pt = geom.representative_point()
    return db.session.scalar(
        select(Area)
        .where(Area.level == parent_level, func.ST_Intersects(Area.geom, func.ST_GeomFromText(pt.wkt, 4326)))
        .limit(1)
    )


def read_collection(source: str | Path | dict, level: str) -> list[dict]:
    """The features of a GeoJSON FeatureCollection that can be ``level``; refused in plain Dutch."""
    if level not in LEVELS:
        raise ValidationFailed({"level": _("Kies het niveau: gemeente, wijk of buurt.")})
    data = source if isinstance(source, dict) else json.loads(Path(source).read_text(encoding="utf-8"))
    features = data.get("features") if isinstance(data, dict) and data.get("type") == "FeatureCollection" else None
    if not features or not isinstance(features, list):
        raise ValidationFailed({"file": _("Dit is geen GeoJSON-bestand met vlakken (een FeatureCollection).")})
    if level == "municipality" and len(features) > 1:  # a buurt file read as the municipality's outline
        raise ValidationFailed(
            {"file": _("Een gemeentegrens is één vlak; dit bestand heeft er %(n)s. Is het een wijk- of buurtbestand?",
                       n=len(features))}
        )  # fmt: skip
    return [feature if isinstance(feature, dict) else {} for feature in features]


def _as_it_was(area: Area) -> dict:
    return {
        "id": area.id,
        "name": area.name,
        "wkt": to_shape(area.geom).wkt,
        "display": area.display_geojson,
        "parent_id": area.parent_id,
    }


def _upsert(features: list[dict], level: str, code_field: str | None, name_field: str | None) -> ImportReport:
    """Create or change the areas of one level; a gemeente also sets up the municipality. The
    report says what happened and holds what it takes to go back."""
    report = ImportReport()
    seen: set[str] = set()
    for index, feature in enumerate(features):
        props = feature.get("properties") if isinstance(feature.get("properties"), dict) else {}
        code = _pick(props, CODE_KEYS, code_field)
        name = _pick(props, NAME_KEYS, name_field) or code
        problem = _outline_problem(feature.get("geometry"))
        if problem:
            report.skipped.append(
                _("Vlak %(n)s (%(code)s): %(problem)s", n=index + 1, code=code or "?", problem=problem)
            )
            continue
        try:
            geom = shape(feature["geometry"])
        except (KeyError, TypeError, ValueError, AttributeError):
            report.skipped.append(_("Vlak %(n)s: geen leesbare geometrie.", n=index + 1))
            continue
        if not code:
            report.skipped.append(_("Vlak %(n)s: geen code.", n=index + 1))
            continue
        if len(code) > 20:  # the column's width: a longer code is refused, never cut or crashed on
            report.skipped.append(_("Vlak %(n)s: de code is langer dan 20 tekens.", n=index + 1))
            continue
        if code in seen:
            report.skipped.append(
                _("Vlak %(n)s: de code %(code)s staat al eerder in dit bestand.", n=index + 1, code=code)
            )
            continue
        seen.add(code)
        geom, was_repaired = repair(geom)
        if geom is None:
            report.skipped.append(_("%(code)s: de geometrie heeft geen oppervlakte.", code=code))
            continue
        report.repaired += was_repaired
        area = db.session.scalar(select(Area).where(Area.level == level, Area.code == code))
        if area is None:
            area = Area(level=level, code=code)
            db.session.add(area)
            report.created += 1
            report.created_names.append(f"{code} {name[:120]}")
        else:
            report.undo["updated"].append(_as_it_was(area))
            report.updated += 1
            report.updated_names.append(f"{code} {name[:120]}" + ("" if area.name == name[:120] else f" ({area.name})"))
        area.name = name[:120]
        area.geom = from_shape(geom, srid=4326)
        area.display_geojson = _display_geojson(geom)
        db.session.flush()
        if area.id not in [row["id"] for row in report.undo["updated"]]:
            report.undo["created"].append(area.id)
        area.parent = _parent_for(level, _pick(props, PARENT_KEYS, None), geom)
        if level == "municipality":
            municipality = db.session.scalar(select(Municipality).where(Municipality.code == code))
            if municipality is None:
                municipality = Municipality(code=code, name=name[:120], area=area)
                db.session.add(municipality)
                db.session.flush()
                report.undo["municipality"] = {"created": municipality.id}
            else:
                report.undo["municipality"] = {
                    "id": municipality.id, "name": municipality.name, "area_id": municipality.area_id
                }  # fmt: skip
            municipality.name, municipality.area = name[:120], area
    held = db.session.execute(select(Area.code, Area.name).where(Area.level == level).order_by(Area.name)).all()
    report.missing_names = [f"{code} {name}" for code, name in held if code not in seen]
    db.session.flush()
    return report


def import_boundaries(
    source: str | Path | dict,
    level: str,
    code_field: str | None = None,
    name_field: str | None = None,
    file_name: str = "",
) -> ImportReport:
    """Apply a GeoJSON file of one level at once (the command line, the demo, tests); recorded
    like one applied from Beheer, so it can be undone there."""
    features = read_collection(source, level)
    name = file_name or ("" if isinstance(source, dict) else Path(source).name)
    record = BoundaryImport(level=level, file_name=name[:120])
    _serialise()
    return _apply(record, features, code_field, name_field)


def _apply(record: BoundaryImport, features: list[dict], code_field=None, name_field=None) -> ImportReport:
    """Apply the features and record what it takes to go back; the caller holds the boundary lock."""
    report = _upsert(features, record.level, code_field, name_field)
    record.status, record.applied_at = "applied", utcnow()
    record.summary, record.undo, record.source = json.dumps(report.summary()), json.dumps(report.undo), ""
    db.session.add(record)
    db.session.flush()
    settings.store(BOUNDARIES_VERSION, secrets.token_hex(8))
    return report


def _serialise() -> None:
    """One boundary change at a time: two administrators applying files of the same level at once
    would both create the same code."""
    begin_write(db.session)
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(hashtext('schatkaart.boundaries'))"))


def preview(source: dict, level: str, file_name: str) -> BoundaryImport:
    """Read the file exactly as it would apply, inside a savepoint that is rolled back; keep it,
    with what it would do, until the administrator applies or cancels it."""
    features = read_collection(source, level)
    savepoint = db.session.begin_nested()
    try:
        report = _upsert(features, level, None, None)
    finally:
        savepoint.rollback()
    if report.created + report.updated == 0:
        raise ValidationFailed(
            {
                "file": " ".join(
                    [_("Er is niets ingelezen: geen enkel vlak in dit bestand is bruikbaar."), *report.skipped]
                )
            }
        )
    stale = utcnow() - timedelta(days=1)
    db.session.execute(
        delete(BoundaryImport).where(BoundaryImport.status == "preview", BoundaryImport.created_at < stale)
    )
    record = BoundaryImport(
        level=level, file_name=file_name[:120], status="preview", source=json.dumps(source),
        summary=json.dumps(report.summary()),
    )  # fmt: skip
    db.session.add(record)
    db.session.flush()
    return record


def apply(record: BoundaryImport) -> ImportReport:
    """Apply a previewed file: what it does now (another import may have come in between)."""
    _serialise()
    lock_row(db.session, BoundaryImport, record.id)
    db.session.refresh(record)
    if record.status != "preview":
        raise ValidationFailed({"file": _("Dit bestand is al toegepast of geannuleerd.")})
    return _apply(record, read_collection(json.loads(record.source), record.level))


def cancel(record: BoundaryImport) -> None:
    if record.status == "preview":
        db.session.delete(record)
        db.session.flush()


# What can refer to an area, in words an administrator knows; any other table is named as it is.
HOLDERS = {
    "initiative": _l("initiatieven"),
    "challenge": _l("uitdagingen"),
    "area": _l("gebieden die erin liggen"),
    "trajectory_area": _l("trajecten"),
    "ambassador_area": _l("ambassadeurs"),
    "meeting": _l("bijeenkomsten"),
}


def _holders(area_ids: list[int]) -> list[str]:
    """What refers to any of these areas, counted per kind: every foreign key to ``area.id`` the
    application knows, so a package added later is counted without being named here."""
    if not area_ids:
        return []
    found = []
    for table in db.metadata.sorted_tables:
        if table.name == "municipality":
            continue  # undo puts the municipality back itself
        for fk in table.foreign_keys:
            if fk.column.table.name != "area" or fk.column.name != "id":
                continue
            stmt = select(func.count()).select_from(table).where(fk.parent.in_(area_ids))
            if table.name == "area":
                stmt = stmt.where(table.c.id.not_in(area_ids))
            count = db.session.scalar(stmt)
            if count:
                found.append(f"{HOLDERS.get(table.name, table.name)} ({count})")
    return found


def undo_problem(record: BoundaryImport) -> str | None:
    """Why this import cannot be undone now, in plain Dutch; None when it can."""
    if record.status != "applied" or not record.undo:
        return _("Deze import is niet meer toegepast.")
    later = db.session.scalar(
        select(func.count()).where(BoundaryImport.status == "applied", BoundaryImport.id > record.id)
    )
    if later:
        return _("Er is daarna nog een bestand ingelezen; maak dat eerst ongedaan.")
    held = _holders(json.loads(record.undo)["created"])
    if held:
        return _("Dit kan niet meer ongedaan worden: aan de nieuwe gebieden hangen al %(what)s.", what=", ".join(held))
    return None


def undo(record: BoundaryImport) -> None:
    """Take an applied import back: areas it created go, areas it changed get their name, outline
    and parent back, and the municipality is as it was."""
    _serialise()
    lock_row(db.session, BoundaryImport, record.id)
    db.session.refresh(record)
    problem = undo_problem(record)
    if problem:
        raise ValidationFailed({"undo": problem})
    steps = json.loads(record.undo)
    municipality = steps.get("municipality")
    if municipality and "created" in municipality:
        db.session.execute(delete(Municipality).where(Municipality.id == municipality["created"]))
    elif municipality:
        held = db.session.get(Municipality, municipality["id"])
        if held is not None:
            held.name, held.area_id = municipality["name"], municipality["area_id"]
    for before in steps["updated"]:
        area = db.session.get(Area, before["id"])
        if area is not None:
            area.name, area.parent_id, area.display_geojson = before["name"], before["parent_id"], before["display"]
            area.geom = from_shape(wkt.loads(before["wkt"]), srid=4326)
    db.session.flush()
    if steps["created"]:
        db.session.execute(delete(Area).where(Area.id.in_(steps["created"])))
    record.status, record.undone_at, record.undo = "undone", utcnow(), ""
    db.session.flush()
    settings.store(BOUNDARIES_VERSION, secrets.token_hex(8))


def recent(limit: int = 10) -> list[BoundaryImport]:
    """The latest imports applied or undone, newest first (previews are the administrator's own)."""
    return list(
        db.session.scalars(
            select(BoundaryImport)
            .where(BoundaryImport.status != "preview")
            .order_by(BoundaryImport.id.desc())
            .limit(limit)
        )
    )


def level_label(level: str) -> str:
    return str(LEVEL_LABELS.get(level, level))


BOUNDARIES_VERSION = "boundaries_version"


def boundaries_version() -> str:
    """Changes whenever boundaries are imported or undone: what pages built from them are cached by."""
    return settings.stored(BOUNDARIES_VERSION) or "0"
