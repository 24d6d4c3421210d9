"""Work that leaves the request: an outbox of jobs, handed to a queue after the commit.

A job is a row written in the request's own transaction (``later``), so it exists exactly when
the action that asked for it does: a rolled-back action leaves no job, and a committed one
keeps its job when Redis or every worker is down. After the commit the row is handed over:

* with ``JOBS_REDIS_URL`` set, to an RQ queue on Redis, where ``flask jobs worker`` processes
  take it (several workers on several machines);
* without it (the embedded default of ``make demo`` and of most tests), it runs in this process
  right after the commit, as the work ran before there was a queue.

Running a job first claims its row (``waiting`` → ``running``, one UPDATE that only one claimant
wins), so a job handed over twice (the sweep re-offers what waited too long) still runs once;
a job whose worker died mid-way is re-offered when its lease runs out. A failing job is tried
again with a growing pause (1, 2, 4 … minutes) and after ``MAX_ATTEMPTS`` it stays ``failed``,
listed in Beheer (/beheer/taken) with its error, where an administrator can try it again.
Handlers are idempotent: a notification is mailed only while its ``emailed_at`` is empty, a
digest only to whom it is due, a purge only deletes what is past its time.

``flask jobs scheduler`` adds the periodic jobs (digests, retention) with a key per period:
the key is unique in the table, so three schedulers (or a scheduler restarted) add each
period's job once, and the database, not a lock, is what makes it once.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial

import orjson
from flask import current_app, g, has_request_context
from prometheus_client import Counter, Histogram
from sqlalchemy import DateTime, Index, Row, String, Text, UniqueConstraint, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from .extensions import db, redis_client
from .models import utcnow
from .policy import require
from .spatial import begin_write
from .transaction import after_commit, commit

log = logging.getLogger("schatkaart.jobs")

MAX_ATTEMPTS = 6
#: a running job whose worker has said nothing for this long is offered again (JOBS_LEASE_SECONDS)
LEASE = timedelta(minutes=10)


def _lease() -> timedelta:
    return timedelta(seconds=current_app.config.get("JOBS_LEASE_SECONDS") or LEASE.total_seconds())


#: a waiting job older than this is offered again by the sweep (its hand-over was lost)
STALE = timedelta(seconds=30)
QUEUE_NAME = "schatkaart"

JOBS = Counter("schatkaart_jobs_total", "Jobs run, by name and outcome (done, failed)", ("name", "outcome"))
JOB_SECONDS = Histogram("schatkaart_job_seconds", "Time a job took", ("name",), buckets=(0.01, 0.1, 0.5, 1, 5, 30, 120))
_HANDLERS: dict[str, Callable[..., object]] = {}
#: what each job does, as an administrator reads it (Beheer → Taken)
LABELS: dict[str, object] = {}
#: periodic jobs: name → (period name, seconds); the scheduler adds one per period
PERIODIC: dict[str, tuple[str, int]] = {}


class Job(db.Model):
    __tablename__ = "job"
    __table_args__ = (Index("ix_job_state_due", "state", "not_before"), UniqueConstraint("key", name="uq_job_key"))

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    payload: Mapped[str] = mapped_column(Text, default="{}")
    # once per key: a periodic job's period, or an action's own identity
    key: Mapped[str | None] = mapped_column(String(120))
    state: Mapped[str] = mapped_column(String(10), default="waiting")  # waiting, running, done, failed
    attempts: Mapped[int] = mapped_column(default=0)
    not_before: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    error: Mapped[str | None] = mapped_column(Text)
    # the request that asked for it, so its log lines can be found beside the request's
    request_id: Mapped[str | None] = mapped_column(String(40))

    @property
    def arguments(self) -> dict:
        return _arguments(self.payload)


def _arguments(payload: str | None) -> dict:
    return orjson.loads(payload or "{}")


def register(name: str, handler: Callable[..., object], label: object, every: tuple[str, int] | None = None) -> None:
    """Name a job's handler and what it does (``schatkaart.wiring``); ``every``: (period, seconds)
    for periodic jobs."""
    _HANDLERS[name] = handler
    LABELS[name] = label
    if every:
        PERIODIC[name] = every


def later(name: str, key: str | None = None, **arguments: object) -> Job:
    """Ask for ``name`` to run with ``arguments`` once the current transaction commits."""
    assert name in _HANDLERS, f"no handler for job {name!r}"
    job = Job(
        name=name,
        payload=orjson.dumps(arguments).decode(),
        key=key,
        request_id=g.get("request_id") if has_request_context() else None,
    )
    db.session.add(job)
    db.session.flush()
    after_commit(partial(hand_over, job.id))
    return job


# --- handing over -------------------------------------------------------------------------


def queue():
    """The RQ queue on Redis, or None when jobs run in this process."""
    url = current_app.config.get("JOBS_REDIS_URL")
    if not url:
        return None
    from rq import Queue

    return Queue(QUEUE_NAME, connection=redis_client(url))


def hand_over(job_id: int) -> None:
    """Give a committed job to the queue; without one, run it here and now. A queue that cannot
    be reached loses nothing: the row waits and the sweep offers it again."""
    q = queue()
    if q is None:
        run(job_id)
        return
    try:
        q.enqueue("platform_core.jobs.perform", job_id, job_timeout=int(_lease().total_seconds()))
    except Exception as exc:  # Redis down or refusing: the outbox keeps the job
        log.warning("job %s stays in the outbox: queue unreachable (%s)", job_id, exc.__class__.__name__)


def perform(job_id: int) -> None:
    """The queue's entry point in a worker process (``flask jobs worker``)."""
    try:
        run(job_id)
    finally:
        db.session.remove()


# --- running ------------------------------------------------------------------------------


def _claim(job_id: int, now: datetime) -> Row | None:
    """Mark the job running if it is waiting (or its lease ran out); its name, arguments and
    request, read in the same statement, or None when another worker has it or it is done."""
    begin_write(db.session)
    claimed = db.session.execute(
        update(Job)
        .where(
            Job.id == job_id,
            or_(
                (Job.state == "waiting") & or_(Job.not_before.is_(None), Job.not_before <= now),
                (Job.state == "running") & (Job.started_at < now - _lease()),
            ),
        )
        .values(state="running", attempts=Job.attempts + 1, started_at=now)
        .returning(Job.name, Job.payload, Job.request_id)
        .execution_options(synchronize_session=False)
    ).first()
    db.session.commit()
    return claimed


def run(job_id: int) -> bool:
    """Claim the job and run it; True when this call ran it (to the end or to a failure). What
    the handler writes last and the job's "done" commit together, so a process that dies between
    them leaves neither."""
    session = db.session()
    if session.in_transaction() or session.new or session.dirty or session.deleted:
        session.commit()  # whatever the caller left open is not the job's (a commit expires every object held)
    claimed = _claim(job_id, utcnow())
    if claimed is None:
        return False
    name, arguments, request_id = claimed.name, _arguments(claimed.payload), claimed.request_id
    started = time.perf_counter()
    try:
        # on SQLite a job holds the write lock from its first statement, as a POST does
        # (platform_core.spatial.begin_write): it reads, then writes, beside concurrent requests
        begin_write(db.session)
        _HANDLERS[name](**arguments)
        begin_write(db.session)  # a handler that committed on its way left a read transaction
        db.session.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(state="done", finished_at=utcnow(), error=None)
            .execution_options(synchronize_session=False)  # the commit below expires the row anyway
        )
        commit()
    except Exception:  # any failure is the job's: recorded and retried
        db.session.rollback()
        _failed(job_id, traceback.format_exc(limit=8))
        _observe(name, "failed", started)
        return True
    _observe(name, "done", started)
    log.info("job %s %s done", job_id, name, extra={"request_id": request_id})
    return True


def _failed(job_id: int, error: str) -> None:
    begin_write(db.session)
    job = db.session.get(Job, job_id)
    final = job.attempts >= MAX_ATTEMPTS
    job.state = "failed" if final else "waiting"
    job.not_before = None if final else utcnow() + timedelta(minutes=2 ** (job.attempts - 1))
    job.error = error[-4000:]
    db.session.commit()
    log.error("job %s %s failed (attempt %s)%s", job_id, job.name, job.attempts, " for good" if final else "",
              extra={"request_id": job.request_id})  # fmt: skip


def _observe(name: str, outcome: str, started: float) -> None:
    JOBS.labels(name, outcome).inc()
    JOB_SECONDS.labels(name).observe(time.perf_counter() - started)


def retry(actor: object, job_id: int) -> bool:
    """An administrator tries a failed job again (Beheer → Taken)."""
    require(actor, "administer")
    done = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state == "failed")
        .values(state="waiting", attempts=0, not_before=None)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount:
        after_commit(partial(hand_over, job_id))
    return done.rowcount == 1


# --- the sweep and the scheduler -----------------------------------------------------------


def due(now: datetime | None = None, limit: int = 500) -> list[int]:
    """Jobs to offer again: waiting past their time (a lost hand-over, a retry's pause over) or
    running past their lease (a worker that died)."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(Job.id)
            .where(
                or_(
                    (Job.state == "waiting")
                    & or_(Job.not_before <= now, Job.not_before.is_(None) & (Job.created_at < now - STALE)),
                    (Job.state == "running") & (Job.started_at < now - _lease()),
                )
            )
            .order_by(Job.id)
            .limit(limit)
        )
    )


def sweep(now: datetime | None = None) -> int:
    ids = due(now)
    db.session.commit()
    for job_id in ids:
        hand_over(job_id)
    return len(ids)


def schedule(now: datetime | None = None) -> list[str]:
    """Add each periodic job once per period (the key makes it once across schedulers)."""
    now = now or utcnow()
    added = []
    begin_write(db.session)
    for name, (period, seconds) in PERIODIC.items():
        slot = int(now.timestamp() // seconds)
        key = f"{name}:{period}:{slot}"
        try:
            with db.session.begin_nested():
                job = Job(name=name, payload="{}", key=key)
                db.session.add(job)
                db.session.flush()
        except IntegrityError:
            continue
        after_commit(partial(hand_over, job.id))
        added.append(key)
    commit()
    return added


def backlog() -> dict[str, object]:
    """Jobs waiting and the age of the oldest, for /readyz and the metrics."""
    count, oldest = db.session.execute(
        select(func.count(Job.id), func.min(Job.created_at)).where(Job.state.in_(("waiting", "running")))
    ).one()
    failed = db.session.scalar(select(func.count(Job.id)).where(Job.state == "failed"))
    age = (utcnow() - oldest).total_seconds() if oldest else 0.0
    return {"waiting": count, "oldest_seconds": round(age, 1), "failed": failed}


def tidy(keep: timedelta = timedelta(days=7)) -> int:
    """Forget jobs done more than a week ago (failed ones stay until an administrator acts)."""
    from sqlalchemy import delete

    return db.session.execute(delete(Job).where(Job.state == "done", Job.finished_at < utcnow() - keep)).rowcount


def listing(state: str, limit: int = 50) -> list[Job]:
    """The newest jobs in one state, for Beheer → Taken."""
    return list(db.session.scalars(select(Job).where(Job.state == state).order_by(Job.id.desc()).limit(limit)))
