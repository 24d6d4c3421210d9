"""Initiative operations: validate, derive the neighbourhood, save, index, and announce it
(``signals``) to the packages above; the request commits."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask_babel import gettext as _
from geoalchemy2.shape import from_shape
from shapely.geometry import Point
from sqlalchemy import func, select

from maps.geometry import ensure_inside, parse_location
from maps.services import neighbourhood_for, require_municipality
from platform_core.accounts.services import normalise_email
from platform_core.extensions import db
from platform_core.models import User, utcnow
from platform_core.policy import can, require
from platform_core.spatial import begin_write, lock_row
from platform_core.validation import ValidationFailed

from . import map_grid
from .markdown import render_markdown
from .models import ENDED_STATUSES, STATUSES, TYPES, Initiative, InitiativeLink, Theme
from .search import index_initiative
from .signals import initiative_changed, initiative_placed

LIMITS = {"title": (3, 120), "summary": (10, 300), "description": (0, 10000)}
MAX_LINKS = 5
MAX_BUDGET = 10_000_000


@dataclass
class InitiativeInput:
    title: str = ""
    summary: str = ""
    description: str = ""
    type: str = ""
    theme_ids: tuple[int, ...] = ()
    lat: str | float | None = None
    lon: str | float | None = None
    area_geojson: str | None = None
    address: str | None = None
    links: str = ""
    budget_requested: str | int | None = None
    status: str = "idea"
    contact_name: str | None = None
    contact_email: str | None = None
    # A civil servant placing a project of the municipality's own (ignored for anyone else).
    by_municipality: bool = False


def link_kind(url: str) -> str:
    host = urlsplit(url).netloc.lower()
    if host.endswith("facebook.com"):
        return "facebook"
    if host.endswith(("youtube.com", "youtu.be")):
        return "youtube"
    return "website"


def parse_links(text: str) -> list[str]:
    urls = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(urls) > MAX_LINKS:
        raise ValidationFailed({"links": _("Geef hoogstens %(n)s links.", n=MAX_LINKS)})
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 500 or " " in url:
            raise ValidationFailed(
                {"links": _("Deze link klopt niet: %(url)s. Een link begint met http:// of https://.", url=url[:80])}
            )
    return urls


def parse_budget(value: str | int | None) -> int | None:
    if value in (None, ""):
        return None
    try:
        amount = int(str(value).replace(".", "").replace("€", "").strip())
    except ValueError as exc:
        raise ValidationFailed({"budget_requested": _("Vul een bedrag in hele euro's in, zonder komma.")}) from exc
    if not 0 <= amount <= MAX_BUDGET:
        raise ValidationFailed({"budget_requested": _("Het bedrag moet tussen 0 en 10 miljoen euro liggen.")})
    return amount


def _check_text(errors: dict, name: str, value: str, label: str) -> str:
    value = (value or "").strip()
    lo, hi = LIMITS[name]
    if len(value) < lo:
        errors[name] = (
            _("%(label)s is te kort: minstens %(n)s tekens.", label=label, n=lo)
            if value
            else _("Vul %(label)s in.", label=label.lower())
        )
    elif len(value) > hi:
        errors[name] = _("%(label)s is te lang: hoogstens %(n)s tekens (nu %(m)s).", label=label, n=hi, m=len(value))
    return value


def validate(data: InitiativeInput) -> dict:
    """Check everything at once so the resident sees every problem in one go."""
    errors: dict[str, str] = {}
    clean: dict = {
        "title": _check_text(errors, "title", data.title, _("Titel")),
        "summary": _check_text(errors, "summary", data.summary, _("Korte beschrijving")),
        "description": _check_text(errors, "description", data.description, _("Uitleg")),
    }
    if data.type not in TYPES:
        errors["type"] = _("Kies wat voor soort initiatief dit is.")
    clean["type"] = data.type
    if data.status not in STATUSES:
        errors["status"] = _("Kies een geldige status.")
    clean["status"] = data.status
    themes = list(db.session.scalars(select(Theme).where(Theme.id.in_(data.theme_ids)))) if data.theme_ids else []
    if len(themes) != len(set(data.theme_ids)):
        errors["theme_ids"] = _("Kies alleen thema's uit de lijst.")
    clean["themes"] = themes
    for step, key in ((parse_links, "links"), (parse_budget, "budget_requested")):
        try:
            clean[key] = step(getattr(data, key))
        except ValidationFailed as exc:
            errors.update(exc.errors)
    try:
        geom = parse_location(data.lat, data.lon, data.area_geojson)
        municipality = require_municipality()
        ensure_inside(geom, municipality)
        clean["geom"] = geom
    except ValidationFailed as exc:
        errors.update(exc.errors)
    contact_name = (data.contact_name or "").strip()
    if len(contact_name) > 80:
        errors["contact_name"] = _("De naam van de contactpersoon is te lang (hoogstens 80 tekens).")
    clean["contact_name"] = contact_name or None
    clean["contact_email"] = None
    if (data.contact_email or "").strip():
        try:
            clean["contact_email"] = normalise_email(data.contact_email)
        except ValidationFailed:
            errors["contact_email"] = _("Vul een geldig e-mailadres in voor de contactpersoon.")
    clean["address"] = (data.address or "").strip()[:200] or None
    if errors:
        raise ValidationFailed(errors)
    return clean


def _apply(initiative: Initiative, clean: dict) -> None:
    geom = clean["geom"]
    point = geom if isinstance(geom, Point) else geom.representative_point()
    initiative.title = clean["title"]
    initiative.summary = clean["summary"]
    initiative.description = clean["description"]
    initiative.description_html = render_markdown(clean["description"])
    initiative.type = clean["type"]
    initiative.status = clean["status"]
    initiative.themes = clean["themes"]
    initiative.geom = from_shape(geom, srid=4326)
    initiative.geom_type = geom.geom_type.upper()
    initiative.point = from_shape(point, srid=4326)
    initiative.lon, initiative.lat = point.x, point.y
    initiative.address = clean["address"]
    initiative.area = neighbourhood_for(geom)
    initiative.budget_requested = clean["budget_requested"]
    initiative.contact_name = clean["contact_name"]
    initiative.contact_email = clean["contact_email"]
    initiative.links = [
        InitiativeLink(kind=link_kind(url), url=url, position=i) for i, url in enumerate(clean["links"])
    ]


def create_initiative(actor: User, data: InitiativeInput) -> Initiative:
    """Residents and civil servants place initiatives through the same flow."""
    require(actor, "logged_in")
    clean = validate(data)
    _not_ended_here(clean["status"], None)
    begin_write(db.session)
    initiative = Initiative(owner=actor)
    _apply(initiative, clean)
    initiative.by_municipality = _for_municipality(actor, data)
    db.session.add(initiative)
    db.session.flush()
    index_initiative(initiative)
    if initiative.visibility == "published":
        map_grid.add(map_grid.placement(initiative))
    initiative_placed.send(initiative)
    return initiative


def _for_municipality(actor: User, data: InitiativeInput) -> bool:
    """Only someone who speaks for the municipality can say a project is the municipality's own."""
    return bool(data.by_municipality) and can("speak_for_municipality", user=actor)


def _not_ended_here(status: str, current: str | None) -> None:
    """Afgerond or gestopt only through "Afronden: vertel hoe het afliep": with an outcome and
    its reason, which everyone who took part hears."""
    if status in ENDED_STATUSES and status != current:
        raise ValidationFailed(
            {
                "status": _(
                    "Een initiatief rondt u af met ‘Afronden: vertel hoe het afliep’, met een reden, zodat "
                    "iedereen die meedeed hoort wat ermee gebeurd is."
                )
            }
        )


def can_edit(actor: User | None, initiative: Initiative) -> bool:
    return can("steer_initiative", initiative, user=actor)


# Fields whose change others act on: the council's facts, followers hearing of a new status.
WATCHED = (
    "title",
    "type",
    "status",
    "area_id",
    "trajectory_id",
    "budget_requested",
    "visibility",
    "by_municipality",
)


def update_initiative(actor: User, initiative: Initiative, data: InitiativeInput) -> Initiative:
    require(actor, "steer_initiative", initiative)
    clean = validate(data)
    _not_ended_here(clean["status"], initiative.status)
    begin_write(db.session)
    lock_row(db.session, Initiative, initiative.id)
    before = {name: getattr(initiative, name) for name in WATCHED}
    placed = map_grid.placement(initiative)
    _apply(initiative, clean)
    if can("speak_for_municipality", user=actor):
        initiative.by_municipality = _for_municipality(actor, data)
    db.session.flush()
    index_initiative(initiative)
    now_placed = map_grid.placement(initiative)  # moved, another type, other themes or buurt
    if now_placed != placed and initiative.visibility == "published":
        map_grid.remove(placed)
        map_grid.add(now_placed)
    changed = {name for name in WATCHED if getattr(initiative, name) != before[name]}
    if changed:
        initiative_changed.send(initiative, changed=changed, old_status=before["status"], actor_id=actor.id)
    return initiative


_KEEP = object()


def set_visibility(initiative: Initiative, visibility: str, hidden_reason: str | None | object = _KEEP) -> bool:
    """Publish, hold or hide an initiative (moderation, erasure); the map follows. Returns whether
    the visibility changed; the caller tells the others with ``initiative_changed``."""
    before = initiative.visibility
    if hidden_reason is not _KEEP:
        initiative.hidden_reason = hidden_reason
    if visibility == before:
        return False
    initiative.visibility = visibility
    db.session.flush()
    if before == "published":
        map_grid.remove(map_grid.placement(initiative))
    elif visibility == "published":
        map_grid.add(map_grid.placement(initiative))
    return True


def theme_tree() -> list[Theme]:
    """The main themes still offered, in order (their offered sub-themes: ``Theme.offered``)."""
    stmt = select(Theme).where(Theme.parent_id.is_(None), Theme.retired_at.is_(None)).order_by(Theme.position)
    return list(db.session.scalars(stmt))


def update_theme(admin: User, theme: Theme, name: str, name_en: str) -> Theme:
    """Rename a theme (its address, the slug in shared links, stays) and give it an English name."""
    require(admin, "administer")
    name, name_en = (name or "").strip(), (name_en or "").strip()
    errors = {}
    if not 2 <= len(name) <= 80:
        errors["name"] = _("Geef het thema een naam van 2 tot 80 tekens.")
    if name_en and not 2 <= len(name_en) <= 80:
        errors["name_en"] = _("Geef de Engelse naam 2 tot 80 tekens, of laat hem leeg.")
    taken = select(Theme.id).where(func.lower(Theme.name) == name.lower(), Theme.id != theme.id)
    if not errors and db.session.scalar(taken):
        errors["name"] = _("Er is al een thema met deze naam.")
    if errors:
        raise ValidationFailed(errors)
    theme.name, theme.name_en = name, name_en or None
    db.session.flush()
    return theme


def move_theme(admin: User, theme: Theme, step: int) -> None:
    """One place up (-1) or down (+1) among its siblings."""
    require(admin, "administer")
    siblings = list(
        db.session.scalars(
            select(Theme)
            .where(Theme.parent_id.is_(None) if theme.parent_id is None else Theme.parent_id == theme.parent_id)
            .order_by(Theme.position, Theme.id)
        )
    )
    index = siblings.index(theme)
    other = index + step
    if 0 <= other < len(siblings):
        siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings):
        sibling.position = position
    db.session.flush()


def retire_theme(admin: User, theme: Theme, retired: bool) -> None:
    """A retired theme is no longer offered in forms and filters; initiatives keep it, and the
    council's figures still count it. Its sub-themes go with it."""
    require(admin, "administer")
    when = utcnow() if retired else None
    for t in [theme, *theme.children]:
        t.retired_at = when
    db.session.flush()


def fold_accents(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def theme_slug(name: str) -> str:
    """A new theme's address in links (``?theme=...``): its name in lower case and hyphens, made
    unique; it stays when the theme is renamed, so shared links keep working."""
    base = re.sub(r"[^a-z0-9]+", "-", fold_accents(name.lower())).strip("-")[:50] or "thema"
    slug, n = base, 1
    while db.session.scalar(select(Theme.id).where(Theme.slug == slug)):
        n += 1
        slug = f"{base}-{n}"
    return slug


def create_theme(name: str, slug: str, parent: Theme | None = None, position: int = 0) -> Theme:
    theme = Theme(name=name, slug=slug, parent=parent, position=position)
    db.session.add(theme)
    db.session.flush()
    return theme
