"""The participatieverslag's files (an HTML file to attach, a CSV annex) are made by a job.

Gathering a report reads every contribution to an initiative or a trajectory, so it grows with
the audience; the page that shows the report is read on request, but the files are asked for
(``request_files``, a POST), made by the job ``reports.files`` (``prepare``) and kept, one pair
per subject and language, until they are asked for again, until anything the report could show
is hidden or withdrawn (``forget``: that initiative's files and its trajectory's) or an account
is erased (``forget_all``), or until the retention purge
(``REPORT_FILE_HOURS``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from initiatives.models import Initiative
from platform_core import jobs
from platform_core.csvfile import csv_text
from platform_core.extensions import db
from platform_core.models import utcnow
from platform_core.spatial import begin_write
from trajectories.models import OUTCOMES, Trajectory

from .models import ReportFile
from .report import csv_rows, initiative_report, trajectory_report

KINDS = {"initiative": Initiative, "trajectory": Trajectory}
#: a request whose job has not run after this long may be made again (its job failed or is stuck)
PATIENCE = timedelta(minutes=10)


def gather(kind: str, subject) -> dict:
    """The report of an initiative or a trajectory (``kind``), as the page and the files show it."""
    return initiative_report(subject) if kind == "initiative" else trajectory_report(subject)


def _hours() -> float:
    return float(current_app.config.get("REPORT_FILE_HOURS", 24))


def current(kind: str, subject_id: int, language: str) -> ReportFile | None:
    """The subject's files in this language, ready or being made; None when none were asked
    for, or the ready ones are past their time."""
    row = db.session.scalar(select(ReportFile).filter_by(kind=kind, subject_id=subject_id, language=language))
    if row is not None and row.ready_at is not None and row.ready_at < utcnow() - timedelta(hours=_hours()):
        return None
    return row


def request_files(kind: str, subject_id: int, language: str) -> bool:
    """Ask for the files to be made (again); False when they are being made already. The job is
    written with the request, so it exists exactly when the request committed."""
    begin_write(db.session)
    now = utcnow()
    where = {"kind": kind, "subject_id": subject_id, "language": language}
    row = db.session.scalar(select(ReportFile).filter_by(**where).with_for_update())
    if row is None:
        try:
            with db.session.begin_nested():  # two first requests at once: one row, one job
                row = ReportFile(**where, requested_at=now)
                db.session.add(row)
        except IntegrityError:
            return False
    elif row.ready_at is None and row.requested_at > now - PATIENCE:
        return False
    else:
        row.requested_at, row.ready_at, row.html, row.csv = now, None, None, None
    db.session.flush()
    jobs.later("reports.files", file_id=row.id, requested=now.isoformat())
    return True


def prepare(file_id: int, requested: str) -> bool:
    """The job: gather the report once and render both files in the language asked for. A job
    whose request was replaced by a newer one, or already done, leaves the row alone (a retried
    job does no harm); a subject gone or no longer published takes its row with it."""
    row = db.session.get(ReportFile, file_id)
    if row is None or row.ready_at is not None or row.requested_at != datetime.fromisoformat(requested):
        return False
    subject = db.session.get(KINDS[row.kind], row.subject_id)
    if subject is None or (row.kind == "initiative" and subject.visibility != "published"):
        begin_write(db.session)
        db.session.execute(delete(ReportFile).where(ReportFile.id == file_id))
        return False
    now = utcnow()
    with force_locale(row.language):
        report = gather(row.kind, subject)
        html = render_template("reports/report_file.html", r=report, outcomes=OUTCOMES, standalone=True, now=now)
        rows = csv_rows(report)
        annex = csv_text(rows[0], rows[1:])
    begin_write(db.session)
    done = db.session.execute(
        update(ReportFile)
        .where(ReportFile.id == file_id, ReportFile.requested_at == row.requested_at, ReportFile.ready_at.is_(None))
        .values(ready_at=now, html=html, csv=annex)
        .execution_options(synchronize_session=False)
    )
    return done.rowcount == 1


def forget_all() -> None:
    """Every prepared file goes: something many reports may show was erased (an account)."""
    db.session.execute(delete(ReportFile))


def forget(initiative_ids: Iterable[int]) -> None:
    """The files of these initiatives' reports and of their trajectories' reports go: something
    they may show was hidden, withdrawn or changed visibility. Everyone else's files stay (a
    moderation decision or a withdrawn pluim anywhere in the city does not empty them all)."""
    ids = sorted(set(initiative_ids))
    if not ids:
        return
    trajectories = select(Initiative.trajectory_id).where(Initiative.id.in_(ids), Initiative.trajectory_id.is_not(None))
    db.session.execute(
        delete(ReportFile)
        .where(
            ((ReportFile.kind == "initiative") & ReportFile.subject_id.in_(ids))
            | ((ReportFile.kind == "trajectory") & ReportFile.subject_id.in_(trajectories))
        )
        .execution_options(synchronize_session=False)
    )


def purge(now: datetime | None = None) -> int:
    """Files past ``REPORT_FILE_HOURS`` (the retention purge)."""
    cutoff = (now or utcnow()) - timedelta(hours=_hours())
    return db.session.execute(delete(ReportFile).where(ReportFile.requested_at < cutoff)).rowcount
