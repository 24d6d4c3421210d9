"""Initiatives, their themes and external links."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime

from flask import has_request_context
from flask_babel import lazy_gettext as _l
from geoalchemy2 import Geometry
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from maps.models import Area
from platform_core import settings
from platform_core.extensions import db
from platform_core.i18n import language
from platform_core.models import User, utcnow
from platform_core.workdays import working_days_between


class Labels(Mapping):
    """Labels of stored codes in the page's language; an administrator may reword them
    (settings ``type.<code>.<lang>``), the translated defaults apply otherwise."""

    def __init__(self, kind: str, defaults: dict[str, object]) -> None:
        self.kind, self.defaults = kind, defaults

    def __getitem__(self, key: str) -> object:
        default = self.defaults[key]
        if has_request_context():
            return settings.label(f"{self.kind}.{key}.{language()}") or default
        return default

    def __iter__(self) -> Iterator[str]:
        return iter(self.defaults)

    def __len__(self) -> int:
        return len(self.defaults)


TYPES = {
    "participation": _l("Participatie"),
    "self_management": _l("Zelfbeheer"),
    "initiative": _l("Initiatief"),
    "liveability": _l("Leefbaarheidsinitiatief"),
}
TYPE_EXPLANATIONS = {
    "participation": _l("De gemeente is eigenaar van het project. Bewoners denken en praten mee."),
    "self_management": _l(
        "De grond is van de gemeente. Bewoners richten een plek in en onderhouden die, met een beheerafspraak."
    ),
    "initiative": _l("Een plan van bewoners of anderen. De gemeente heeft in principe geen rol."),
    "liveability": _l(
        "Een plan dat (mede) betaald wordt uit het leefbaarheidsbudget. Op de kaart staat hoeveel geld er is besteed."
    ),
}
TYPES = Labels("type", TYPES)
TYPE_EXPLANATIONS = Labels("type_explanation", TYPE_EXPLANATIONS)
MUNICIPAL_ROLES = {
    "owner": _l("Eigenaar / regisseur"),
    "partner": _l("Partner"),
    "funder": _l("Financier"),
    "none": _l("Geen rol"),
}
STATUSES = {
    "idea": _l("Idee"),
    "preparing": _l("In voorbereiding"),
    "in_progress": _l("In uitvoering"),
    "completed": _l("Afgerond"),
    "stopped": _l("Gestopt"),
}
#: An initiative reaches these only by reporting its outcome with a reason (closing the loop).
ENDED_STATUSES = ("completed", "stopped")
LINK_KINDS = ("website", "facebook", "youtube", "other")

initiative_theme = Table(
    "initiative_theme",
    db.metadata,
    Column("initiative_id", ForeignKey("initiative.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("theme.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Theme(db.Model):
    __tablename__ = "theme"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("theme.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    name_en: Mapped[str | None] = mapped_column(String(80))  # empty: English readers see the Dutch name
    retired_at: Mapped[datetime | None] = mapped_column(DateTime)  # no longer offered; initiatives keep it

    parent: Mapped[Theme | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Theme]] = relationship(back_populates="parent", order_by="Theme.position")

    @property
    def label(self) -> str:
        """The name in the reader's language."""
        return self.name_en if self.name_en and language() == "en" else self.name

    @property
    def offered(self) -> list[Theme]:
        """Its sub-themes that are still offered, in order."""
        return [c for c in self.children if c.retired_at is None]


class Initiative(db.Model):
    __tablename__ = "initiative"
    __table_args__ = (
        # Small: only hidden or held initiatives (the council subtracts them from theme counts).
        Index(
            "ix_initiative_not_published",
            "id",
            sqlite_where=text("visibility != 'published'"),
            postgresql_where=text("visibility != 'published'"),
        ),
        # The list's orders (newest, most recently active) read these backwards: no sort at 1M.
        Index("ix_initiative_created", "created_at", "id"),
        Index("ix_initiative_activity", "last_activity_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    # Folded Dutch stems of title, summary and description (initiatives.search), for search.
    search_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    type: Mapped[str] = mapped_column(String(30), index=True)
    municipal_role: Mapped[str] = mapped_column(String(20), default="none")
    status: Mapped[str] = mapped_column(String(20), default="idea")
    # The shape as placed (point or area) and one representative point for the map.
    geom = mapped_column(Geometry("GEOMETRY", srid=4326, spatial_index=False), nullable=False)
    point = mapped_column(Geometry("POINT", srid=4326, spatial_index=True), nullable=False)
    geom_type: Mapped[str] = mapped_column(String(20), default="POINT")
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    address: Mapped[str | None] = mapped_column(String(200))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    contact_name: Mapped[str | None] = mapped_column(String(80))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    budget_requested: Mapped[int | None] = mapped_column(Integer)
    budget_granted: Mapped[int | None] = mapped_column(Integer)
    budget_spent: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    # Moderation: hidden initiatives leave the map and gallery; the reason is shown in place.
    visibility: Mapped[str] = mapped_column(String(12), default="published", server_default="published")
    hidden_reason: Mapped[str | None] = mapped_column(String(500))
    # Counters kept by the participation services, so cards and the map never count rows.
    participants_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    comments_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    pluim_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_activity_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    # Co-creation: the trajectory and stage it belongs to, and the municipality's first answer.
    trajectory_id: Mapped[int | None] = mapped_column(ForeignKey("trajectory.id", ondelete="SET NULL"), index=True)
    stage_id: Mapped[int | None] = mapped_column(ForeignKey("stage.id", ondelete="SET NULL"))
    first_response_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    # Set with first_response_at by ``record_first_response``: elapsed hours and working days.
    first_response_hours: Mapped[float | None] = mapped_column(Float)
    first_response_workdays: Mapped[float | None] = mapped_column(Float)
    # Placed by a civil servant for the municipality itself: nobody's answer is awaited, so it is not in
    # the response queue nor counted as waiting by the council.
    by_municipality: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Assisted entry by an ambassador for a resident who is not online.
    on_behalf_of: Mapped[str | None] = mapped_column(String(80))
    consent_note: Mapped[str | None] = mapped_column(String(300))
    # The first picture's thumbnail, kept here so cards and map popups need no extra query.
    cover_thumb: Mapped[str | None] = mapped_column(String(64))

    area: Mapped[Area | None] = relationship()
    owner: Mapped[User] = relationship()
    themes: Mapped[list[Theme]] = relationship(secondary=initiative_theme, order_by=Theme.name)
    links: Mapped[list[InitiativeLink]] = relationship(cascade="all, delete-orphan", order_by="InitiativeLink.position")
    images: Mapped[list[InitiativeImage]] = relationship(
        cascade="all, delete-orphan", order_by="InitiativeImage.position", back_populates="initiative"
    )

    @property
    def reachable(self) -> bool:
        """Whether the contact form reaches someone: an initiator who erased their account is gone."""
        if self.contact_email:
            return True
        owner = self.owner
        return owner is not None and owner.is_active_account and not owner.email.endswith("@invalid")

    @property
    def is_area(self) -> bool:
        return self.geom_type != "POINT"

    def record_first_response(self, when: datetime) -> None:
        """The municipality's first answer, with the wait in hours and in working days."""
        created = self.created_at or utcnow()
        self.first_response_at = when
        self.first_response_hours = round((when - created).total_seconds() / 3600, 4)
        self.first_response_workdays = round(working_days_between(created, when), 4)


class InitiativeLink(db.Model):
    __tablename__ = "initiative_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    url: Mapped[str] = mapped_column(String(500))
    position: Mapped[int] = mapped_column(Integer, default=0)


class ContactMessage(db.Model):
    """A message to an initiative's owner, sent by mail; kept for a while (RETENTION_CONTACT_DAYS)
    so abuse can be handled and the sender can see it among their own data."""

    __tablename__ = "contact_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id", ondelete="CASCADE"), index=True)
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    sender_name: Mapped[str] = mapped_column(String(80))
    sender_email: Mapped[str] = mapped_column(String(254))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class InitiativeImage(db.Model):
    """A picture on an initiative: re-encoded, stripped of EXIF/GPS, with a thumbnail, shown once
    a job has made them (``ready_at``)."""

    __tablename__ = "initiative_image"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    thumb_name: Mapped[str] = mapped_column(String(64), unique=True)
    alt: Mapped[str] = mapped_column(String(250))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # set by the job that cleaned the upload and made the picture and its thumbnail (images.derive)
    ready_at: Mapped[datetime | None] = mapped_column(DateTime)

    initiative: Mapped[Initiative] = relationship(back_populates="images")


#: A search word made of letters only, per database: the partial index's condition and the
#: vocabulary's, written alike so the planner reads the index (migration 0035 keeps its own copy).
LETTERS_ONLY = {"sqlite": "word NOT GLOB '*[0-9]*'", "postgresql": "word !~ '[0-9]'"}


class SearchWord(db.Model):
    """A stem the search index holds (``initiatives.search``): compounds and "did you mean" are
    found among these. Added by every write that indexes a text; never removed (a word no text
    uses any more only widens a question by a term that matches nothing)."""

    __tablename__ = "search_word"
    # the words of letters only (``initiatives.search.vocabulary``), not every number a text held
    __table_args__ = (
        Index(
            "ix_search_word_letters",
            "word",
            sqlite_where=text(LETTERS_ONLY["sqlite"]),
            postgresql_where=text(LETTERS_ONLY["postgresql"]),
        ),
    )

    word: Mapped[str] = mapped_column(String(100), primary_key=True)


class MapCell(db.Model):
    """How many published initiatives of one type lie in one grid cell at one zoom level.

    Kept up to date by the write path (:mod:`initiatives.map_grid`), so the clustered map
    reads a number of rows bounded by the screen, however many initiatives there are. The sums
    give a cluster's centre, and for a cell holding one initiative its exact id and position.
    """

    __tablename__ = "map_cell"

    #: '' for every published initiative; ``t<id>`` for those with that theme or a sub-theme of
    #: it, ``a<id>`` for those in that area or a buurt of it (the map's filters, one at a time).
    facet: Mapped[str] = mapped_column(String(24), primary_key=True, default="", server_default="")
    zoom: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    gx: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    gy: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    type: Mapped[str] = mapped_column(String(30), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)
    sum_lon: Mapped[float] = mapped_column(Float, default=0.0)
    sum_lat: Mapped[float] = mapped_column(Float, default=0.0)
    sum_id: Mapped[int] = mapped_column(BigInteger, default=0)
