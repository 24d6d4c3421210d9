"""Municipality and its areas (gemeente > wijk > buurt) with boundaries."""

from __future__ import annotations

import json
from datetime import datetime

from flask_babel import lazy_gettext as _l
from geoalchemy2 import Geometry
from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from platform_core.extensions import db
from platform_core.models import utcnow

LEVELS = ("municipality", "district", "neighbourhood")
LEVEL_LABELS = {"municipality": _l("gemeente"), "district": _l("wijk"), "neighbourhood": _l("buurt")}


class Area(db.Model):
    __tablename__ = "area"
    __table_args__ = (UniqueConstraint("level", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[str] = mapped_column(String(16), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(120))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)
    # The full outline is read only where it is used (containment, the import's undo): a page that
    # names an initiative's buurt must not load a real buurt's thousands of points with it.
    geom = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=True), nullable=False, deferred=True)
    # Simplified GeoJSON for display: the map never ships full-precision outlines.
    display_geojson: Mapped[str] = mapped_column(Text)
    population: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    parent: Mapped[Area | None] = relationship(remote_side=[id])


class Municipality(db.Model):
    __tablename__ = "municipality"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"))
    # Comments from visitors without an account: "pre" (held until a moderator publishes)
    # or "post" (published at once, moderated afterwards).
    anonymous_comments: Mapped[str] = mapped_column(String(4), default="pre", server_default="pre")
    # The open-data export is public only once an administrator publishes it.
    open_data_published: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    area: Mapped[Area] = relationship()


class BoundaryImport(db.Model):
    """One boundary file: ``preview`` (read, shown, nothing changed yet; ``source`` holds the
    file), ``applied`` (``undo`` holds what it takes to go back) or ``undone``."""

    __tablename__ = "boundary_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[str] = mapped_column(String(16))
    file_name: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[str] = mapped_column(String(10), default="applied")
    source: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="{}")
    undo: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    applied_at: Mapped[datetime | None] = mapped_column(DateTime)
    undone_at: Mapped[datetime | None] = mapped_column(DateTime)

    @property
    def report(self) -> dict:
        return json.loads(self.summary or "{}")


class Address(db.Model):
    """An address of the BAG (Basisregistratie Adressen en Gebouwen), imported with
    ``flask geo addresses import``: found offline by postcode and number, or street and number."""

    __tablename__ = "address"
    __table_args__ = (
        Index("ix_address_postcode_number", "postcode", "number"),
        Index("ix_address_street_number", "street_key", "number"),
        Index("ix_address_place", text("lower(place)")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    postcode: Mapped[str] = mapped_column(String(6))  # 3511AB: upper case, no space
    number: Mapped[int] = mapped_column(Integer)
    letter: Mapped[str] = mapped_column(String(1), default="")
    addition: Mapped[str] = mapped_column(String(4), default="")
    street: Mapped[str] = mapped_column(String(80))
    street_key: Mapped[str] = mapped_column(String(80))  # folded: lower case, no accents or punctuation
    place: Mapped[str] = mapped_column(String(80))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)

    @property
    def label(self) -> str:
        suffix = self.letter + (f"-{self.addition}" if self.addition else "")
        return f"{self.street} {self.number}{suffix}, {self.postcode[:4]} {self.postcode[4:]} {self.place}"
