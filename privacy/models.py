"""Records kept for residents' rights and for the public record."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from platform_core.extensions import db
from platform_core.models import utcnow


class ArchiveEntry(db.Model):
    """One entry of the public record, chained to the one before it by SHA-256.

    ``payload`` (canonical JSON) is hashed as it is. Names and words a person may have erased
    live in :class:`ArchiveErasable`; the chain holds only a salted digest of each, so erasing
    them later leaves every hash intact (a redaction entry says what was erased and why).
    """

    __tablename__ = "archive_entry"
    __table_args__ = (Index("ix_archive_entry_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    subject_type: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
    payload: Mapped[str] = mapped_column(Text)
    erasable_digests: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class ArchiveErasable(db.Model):
    """A name or text in an archive entry that its person may have erased (AVG art. 17)."""

    __tablename__ = "archive_erasable"
    __table_args__ = (UniqueConstraint("entry_seq", "field"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_seq: Mapped[int] = mapped_column(Integer, index=True)
    field: Mapped[str] = mapped_column(String(30))
    salt: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(Text)
    # Whose it is, so an erasure finds it; not part of the record itself.
    person_id: Mapped[int | None] = mapped_column(Integer, index=True)


class ArchiveHead(db.Model):
    """The chain's newest entry: one row, locked while entries are appended."""

    __tablename__ = "archive_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64))


class DataExport(db.Model):
    """A single-use link to a person's own data; only the token's digest is kept. The data is
    gathered by a job (``privacy.export.prepare``) into ``body`` (``ready_at``), which is emptied
    when the link is used; the retention purge removes the row after a day."""

    __tablename__ = "data_export"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    fmt: Mapped[str] = mapped_column(String(4))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
    ready_at: Mapped[datetime | None] = mapped_column(DateTime)
    body: Mapped[str | None] = mapped_column(Text)


class ArchivePackage(db.Model):
    """An e-depot package of the public record (``archive.export`` zipped), made by the job
    ``archive.package`` when an administrator asks for it in Beheer and downloaded from there.
    Packages hold erasable values, so an erasure removes every stored package (a new one is made
    on request); only the newest ``privacy.package.KEPT`` are kept."""

    __tablename__ = "archive_package"

    id: Mapped[int] = mapped_column(primary_key=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    ready_at: Mapped[datetime | None] = mapped_column(DateTime)
    entries: Mapped[int | None] = mapped_column(Integer)
    head_seq: Mapped[int | None] = mapped_column(Integer)
    head_hash: Mapped[str | None] = mapped_column(String(64))
    sha256: Mapped[str | None] = mapped_column(String(64))
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    data: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
