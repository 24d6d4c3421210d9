"""A participatieverslag's files, prepared by a job (``reports.files.prepare``), not in the
request that asks for them: the report reads every contribution to an initiative or a
trajectory, so its cost grows with the audience."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from platform_core.extensions import db
from platform_core.models import utcnow


class ReportFile(db.Model):
    """The HTML file and the CSV annex of one report in one language, as last prepared. A new
    request empties it until its job has run; a moderation decision or withdrawal touching its
    initiative removes its files and its trajectory's, an erasure removes them
    all (a file must not keep what the site no longer shows), and the retention purge removes
    files older than ``REPORT_FILE_HOURS``."""

    __tablename__ = "report_file"
    __table_args__ = (UniqueConstraint("kind", "subject_id", "language", name="uq_report_file_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))  # initiative, trajectory
    subject_id: Mapped[int] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(5))
    requested_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    ready_at: Mapped[datetime | None] = mapped_column(DateTime)
    # read only by the download that hands one out: the report's page asks whether they are ready
    html: Mapped[str | None] = mapped_column(Text, deferred=True)
    csv: Mapped[str | None] = mapped_column(Text, deferred=True)
