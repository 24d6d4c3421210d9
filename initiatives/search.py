"""Filters shared by the map API and the gallery, so both show the same initiatives.

Keyword search uses SQLite FTS5 or PostgreSQL full text with the Dutch
configuration; both are kept in step by ``index_initiative``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import Select, func, or_, select, text

from maps.geocoder import local_sources
from maps.models import Area
from platform_core.extensions import db
from platform_core.models import utcnow
from platform_core.policy import MAX_ID
from platform_core.spatial import is_sqlite

from .models import TYPES, Initiative, Theme, initiative_theme

SORTS = ("nieuw", "activiteit", "titel", "oud")
PG_DOCUMENT = (
    "to_tsvector('dutch', coalesce(title,'') || ' ' || coalesce(summary,'') || ' ' || coalesce(description,''))"
)
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class Filters:
    types: list[str] = field(default_factory=list)
    theme: str | None = None
    area: str | None = None
    q: str | None = None
    active_days: int | None = None
    sort: str = "nieuw"

    @classmethod
    def from_args(cls, args) -> Filters:  # noqa: ANN001
        raw_types = [t for v in args.getlist("type") for t in v.split(",")]
        types = [t for t in raw_types if t in TYPES]
        q = (args.get("q") or "").strip()[:100] or None
        sort = args.get("sort") if args.get("sort") in SORTS else "nieuw"
        active = args.get("actief")
        active_days = int(active) if active in ("7", "30", "90") else None
        return cls(
            types=types,
            theme=args.get("theme") or None,
            area=args.get("area") or None,
            q=q,
            active_days=active_days,
            sort=sort,
        )

    def as_args(self) -> dict:
        out: dict = {}
        if self.types:
            out["type"] = ",".join(self.types)
        for key in ("theme", "area", "q"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        if self.active_days:
            out["actief"] = str(self.active_days)
        return out


def fts_query(q: str) -> str:
    """Turn free text into a safe FTS5 query: every word must match as a prefix."""
    return " ".join(f'"{w}"*' for w in _WORD.findall(q.lower())[:10])


def area_ids(code_or_id: str) -> list[int]:
    """A buurt, or all buurten of a wijk; accepts an id or an area code."""
    stmt = select(Area).where(Area.code == code_or_id)
    if code_or_id.isascii() and code_or_id.isdigit() and int(code_or_id) <= MAX_ID:  # not '²', not 2**63
        stmt = select(Area).where(or_(Area.id == int(code_or_id), Area.code == code_or_id))
    areas = db.session.scalars(stmt).all()
    ids: list[int] = []
    for area in areas:
        if area.level == "buurt":
            ids.append(area.id)
        else:
            ids += db.session.scalars(select(Area.id).where(Area.parent_id == area.id)).all()
            ids.append(area.id)
    return ids


def apply_filters(stmt: Select, filters: Filters) -> Select:
    stmt = stmt.where(Initiative.visibility == "published")
    if filters.active_days:
        stmt = stmt.where(Initiative.last_activity_at >= utcnow() - timedelta(days=filters.active_days))
    if filters.types:
        stmt = stmt.where(Initiative.type.in_(filters.types))
    if filters.theme:
        theme_ids = select(Theme.id).where(
            or_(Theme.slug == filters.theme, Theme.parent_id.in_(select(Theme.id).where(Theme.slug == filters.theme)))
        )
        stmt = stmt.where(
            Initiative.id.in_(
                select(initiative_theme.c.initiative_id).where(initiative_theme.c.theme_id.in_(theme_ids))
            )
        )
    if filters.area:
        stmt = stmt.where(Initiative.area_id.in_(area_ids(filters.area) or [-1]))
    if filters.q:
        stmt = stmt.where(keyword_clause(filters.q))
    return stmt


def keyword_clause(q: str):
    if is_sqlite(db.session.get_bind()):
        match = fts_query(q)
        if not match:
            return Initiative.id == -1
        return Initiative.id.in_(
            text("SELECT rowid FROM initiative_fts WHERE initiative_fts MATCH :fts_q").bindparams(fts_q=match)
        )
    return text(f"{PG_DOCUMENT} @@ websearch_to_tsquery('dutch', :fts_q)").bindparams(fts_q=q)


def order(stmt: Select, filters: Filters) -> Select:
    if filters.sort == "activiteit":
        return stmt.order_by(Initiative.last_activity_at.desc(), Initiative.id.desc())
    if filters.sort == "titel":
        return stmt.order_by(func.lower(Initiative.title), Initiative.id)
    if filters.sort == "oud":
        return stmt.order_by(Initiative.created_at, Initiative.id)
    return stmt.order_by(Initiative.created_at.desc(), Initiative.id.desc())


def index_initiative(initiative: Initiative) -> None:
    """Keep the SQLite FTS5 table in step (PostgreSQL indexes the expression itself)."""
    if not is_sqlite(db.session.get_bind()):
        return
    db.session.execute(text("DELETE FROM initiative_fts WHERE rowid = :id"), {"id": initiative.id})
    db.session.execute(
        text("INSERT INTO initiative_fts(rowid, title, summary, description) VALUES (:id, :t, :s, :d)"),
        {"id": initiative.id, "t": initiative.title, "s": initiative.summary, "d": initiative.description or ""},
    )


def _street_names(like: str, limit: int) -> list[dict]:
    """Street names of placed initiatives, for address search when PDOK knows nothing."""
    streets = db.session.execute(
        select(Initiative.address, func.avg(Initiative.lon), func.avg(Initiative.lat))
        .where(func.lower(Initiative.address).like(like), Initiative.visibility == "published")
        .group_by(Initiative.address)
        .order_by(Initiative.address)
        .limit(limit)
    ).all()
    return [{"label": a, "type": "adres", "lon": x, "lat": y, "source": "local"} for a, x, y in streets]


local_sources.append(_street_names)
