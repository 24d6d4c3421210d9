"""The council's figures from memory: a column snapshot of the fact tables, per process.

The figures about people (how often each person contributed, how many distinct people per buurt,
who came back) group every matching fact by person; at a million contributions no index makes
that cheap for a broad filter (a type, a year), on either database. So each process keeps the
council's facts as a handful of integer columns (about 30 bytes per contribution, 30 MB at a
million) and answers every filter combination by scanning them: a filter is a boolean mask,
a grouping a ``bincount``.

Freshness: a snapshot is used for ``COUNCIL_FIGURES_SECONDS`` (60 by default), or twenty times as
long as it took to read when that is longer (a million contributions take 2-4 s to read, so
reading costs a process at most 5 % of a core). The first request after that is still answered
from it while one background thread per process reads a new one; without any snapshot (a new
process), or when ``COUNCIL_FIGURES_SECONDS`` is 0, the request reads one itself. The dashboard
says when its figures were read. A snapshot is read in one transaction (repeatable read on
PostgreSQL, one deferred read transaction on SQLite), so its tables agree.

The fact tables stay the source; ``council.sources`` can verify and rebuild them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from flask import Flask, current_app
from sqlalchemy import Integer, cast, func, literal, select
from sqlalchemy.exc import OperationalError

from credits.models import CreditTotal
from initiatives.models import Theme, initiative_theme
from platform_core.extensions import db
from platform_core.models import utcnow

from .models import EPOCH, ContributionFact, InitiativeFact

clock: Callable[[], float] = time.monotonic
#: A snapshot that took s seconds to read is kept at least this many times s.
READS_APART = 20
wall_clock: Callable[[], datetime] = utcnow  # naive UTC, as everywhere in the database


@dataclass
class Snapshot:
    read_at: datetime  # when it was read (UTC), for the page
    taken: float  # ``clock()`` when read
    cost: float  # seconds it took to read
    # Contribution facts, sorted by (buurt, person); 0 where a dimension is empty.
    person: np.ndarray  # dense index into the people of this snapshot
    day: np.ndarray
    kind: np.ndarray
    month: np.ndarray  # months since the epoch month
    area: np.ndarray
    trajectory: np.ndarray
    type: np.ndarray
    initiative: np.ndarray
    first_day: np.ndarray  # per person (dense index), the first contribution's day
    # Initiative facts, one per published initiative.
    i: dict[str, np.ndarray]
    # Theme links of initiatives with a fact: the initiative's row in ``i`` and the theme.
    link_row: np.ndarray
    link_theme: np.ndarray
    link_initiative: np.ndarray
    theme_names: dict[int, str]
    # Credit standings as a frequency table: (trajectory, total) -> people, totals above zero.
    credits: list[tuple[int, int, int]]
    # Figures that depend on no filter but the trajectory, computed once per snapshot.
    memo: dict = field(default_factory=dict)

    @property
    def nbytes(self) -> int:
        """What the snapshot's arrays hold in memory: about 22 bytes per contribution, 4 per person
        and 8 per initiative column and theme link (the figures a worker keeps; bench_council)."""
        arrays = [self.person, self.day, self.kind, self.month, self.area, self.trajectory, self.type,
                  self.initiative, self.first_day, self.link_row, self.link_theme, self.link_initiative,
                  *self.i.values()]  # fmt: skip
        return sum(a.nbytes for a in arrays)


_MONTH0 = np.datetime64(EPOCH, "M")
_DAY0 = np.datetime64(EPOCH, "D")


def month_label(month: int) -> str:
    return str(_MONTH0 + month)  # 'YYYY-MM'


def _column(rows: list, index: int, dtype: str, missing: float = 0) -> np.ndarray:
    return np.fromiter((missing if row[index] is None else row[index] for row in rows), dtype=dtype, count=len(rows))


_FACT_COLUMNS = ("person_id", "day", "kind", "area_id", "trajectory_id", "type", "initiative_id")
_INITIATIVE_COLUMNS = ("initiative_id", "day", "trajectory_id", "area_id", "type", "status", "outcome", "two_way")
_INITIATIVE_COLUMNS += ("budget_requested", "budget_granted", "budget_spent", "own")
_HOURS = ("response_hours", "response_workdays")  # NaN in the snapshot where unanswered
_UNANSWERED = -(10**9)  # read for a missing answer time, then NaN
_CHUNK = 100_000


def _matrix(connection, table: str, columns: tuple[str, ...], dtype: str, missing: int = 0) -> np.ndarray:
    """A table's columns as an (n, k) matrix, ``missing`` where a value is (the first column, the
    key, never is).

    Read through the driver a chunk at a time (a million rows as Python tuples would take hundreds
    of MB). PostgreSQL packs integer rows into one binary string server-side (``int4send``), which
    numpy reads without a Python object per row.
    """
    source = db.metadata.tables[table]
    listed = [source.c[columns[0]], *(func.coalesce(source.c[name], missing) for name in columns[1:])]
    if connection.dialect.name == "postgresql" and dtype == "int32":
        packed = func.int4send(cast(listed[0], Integer))
        for column in listed[1:]:
            packed = packed.op("||")(func.int4send(cast(column, Integer)))
        data = connection.execute(select(func.string_agg(packed, literal(b"")))).scalar() or b""
        return np.frombuffer(data, dtype=">i4").reshape(-1, len(columns)).astype(np.int32)
    query = select(*listed).compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
    cursor = connection.connection.dbapi_connection.cursor()
    try:
        cursor.execute(str(query))
        chunks = [np.empty((0, len(columns)), dtype=dtype)]
        while rows := cursor.fetchmany(_CHUNK):
            chunks.append(np.array(rows, dtype=dtype))
    finally:
        cursor.close()
    return np.concatenate(chunks)


def read(connection) -> Snapshot:
    """Read a snapshot through ``connection``, inside the transaction the caller opened."""
    taken, read_at = clock(), wall_clock()
    connection.execute(select(literal(1)))  # the transaction begins here, before the driver-level read
    facts = _matrix(connection, ContributionFact.__tablename__, _FACT_COLUMNS, "int32")
    person_ids, day, kind, area, trajectory, type_, initiative = facts.T
    order = np.lexsort((person_ids, area))  # (buurt, person) pairs next to each other
    people, person = np.unique(person_ids[order], return_inverse=True)
    day = day[order]
    first_day = np.full(len(people), np.iinfo(np.int32).max, dtype=np.int32)
    np.minimum.at(first_day, person, day)
    month = ((_DAY0 + day.astype("timedelta64[D]")).astype("datetime64[M]") - _MONTH0).astype(np.int32)

    numbers = _matrix(connection, InitiativeFact.__tablename__, _INITIATIVE_COLUMNS, "int64")
    by_id = np.argsort(numbers[:, 0], kind="stable")
    i = {name: np.ascontiguousarray(numbers[by_id, n]) for n, name in enumerate(_INITIATIVE_COLUMNS)}
    hours = _matrix(connection, InitiativeFact.__tablename__, ("initiative_id", *_HOURS), "float64", _UNANSWERED)
    hours = hours[np.argsort(hours[:, 0], kind="stable")]
    for n, name in enumerate(_HOURS, start=1):
        i[name] = np.where(hours[:, n] == _UNANSWERED, np.nan, hours[:, n])
    links = connection.execute(select(initiative_theme.c.initiative_id, initiative_theme.c.theme_id)).all()
    link_initiative = _column(links, 0, "int64")
    link_row = np.searchsorted(i["initiative_id"], link_initiative)
    found = link_row < len(i["initiative_id"])
    found[found] = i["initiative_id"][link_row[found]] == link_initiative[found]
    credits = connection.execute(
        select(CreditTotal.trajectory_id, CreditTotal.total, db.func.count())
        .where(CreditTotal.total > 0)
        .group_by(CreditTotal.trajectory_id, CreditTotal.total)
    ).all()
    return Snapshot(
        read_at=read_at,
        taken=taken,
        cost=clock() - taken,
        person=person.astype(np.int32),
        day=np.ascontiguousarray(day),
        kind=kind[order].astype(np.int8),
        month=month,
        area=area[order].astype(np.int32),
        trajectory=trajectory[order].astype(np.int32),
        type=type_[order].astype(np.int8),
        initiative=initiative[order].astype(np.int32),
        first_day=first_day,
        i=i,
        link_row=np.where(found, link_row, -1),
        link_theme=_column(links, 1, "int64"),
        link_initiative=link_initiative,
        theme_names=dict(connection.execute(select(Theme.id, Theme.name)).all()),
        credits=[tuple(row) for row in credits],
    )


def read_fresh() -> Snapshot:
    """A snapshot in a transaction of its own, on its own connection (committed data only)."""
    engine = db.engine
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection:
            return read(connection)
    with engine.connect() as connection:  # one read transaction (platform_core.spatial begins it)
        return read(connection)


class Holder:
    """The process's snapshot and whether a new one is being read; ``read`` gives a new one (the
    app gives ``council.shared.read``: the snapshot a job worker shared, else one read here)."""

    def __init__(self, read: Callable[[], Snapshot] = read_fresh) -> None:
        self.read = read
        self.snapshot: Snapshot | None = None
        self.lock = threading.Lock()
        self.reading = False
        # The first read of a process: one thread reads, the others that arrive meanwhile wait for
        # it and share what it read (several first requests at once read one snapshot, not one each).
        self.first = threading.Lock()

    def clear(self) -> None:
        with self.lock:
            self.snapshot = None

    def _refresh(self, app: Flask) -> None:
        try:
            with app.app_context():
                snapshot = self.read()
            with self.lock:
                if self.snapshot is None or snapshot.taken > self.snapshot.taken:
                    self.snapshot = snapshot
        except Exception:  # the old snapshot stays; the next request past its age tries again
            app.logger.exception("council figures: reading a snapshot failed")
        finally:
            with self.lock:
                self.reading = False

    def get(self) -> Snapshot:
        seconds = current_app.config["COUNCIL_FIGURES_SECONDS"]
        with self.lock:
            snapshot = self.snapshot
            # Reading in the background takes at most a twentieth of the time (a large set is read less often).
            stale = snapshot is None or clock() - snapshot.taken >= max(seconds, READS_APART * snapshot.cost)
            start = stale and snapshot is not None and seconds > 0 and not self.reading
            if start:
                self.reading = True
        if not stale:
            return snapshot
        if start:  # answer from the snapshot we have; a new one is read beside it
            threading.Thread(
                target=self._refresh, args=(current_app._get_current_object(),), name="council-figures", daemon=True
            ).start()
            return snapshot
        if snapshot is not None and seconds > 0:  # already being read
            return snapshot
        if seconds > 0:
            with self.first:
                with self.lock:
                    if self.snapshot is not None:  # read while this thread waited
                        return self.snapshot
                fresh = self.read()
                with self.lock:
                    if self.snapshot is None or fresh.taken > self.snapshot.taken:
                        self.snapshot = fresh
                return fresh
        return read_fresh()  # figures read afresh for every request (COUNCIL_FIGURES_SECONDS = 0)


def init_app(app: Flask, read: Callable[[], Snapshot] = read_fresh) -> None:
    app.extensions["council_figures"] = Holder(read)


def warm(app: Flask) -> threading.Thread | None:
    """Read the first snapshot beside the server starting up (``wsgi.py``: in each worker), so no
    request pays for it; requests that arrive before it is read wait for this one read."""
    if float(app.config["COUNCIL_FIGURES_SECONDS"]) <= 0:
        return None

    def read() -> None:
        try:
            with app.app_context():
                app.extensions["council_figures"].get()
        except OperationalError as error:  # the database is away or ended the connection: expected, said once
            app.logger.warning("council figures: the first read at start failed, the first request tries again: %s",
                               str(error).splitlines()[0])  # fmt: skip
        except Exception:  # anything else is a fault: with its traceback (the first request tries again)
            app.logger.exception("council figures: the first read at start failed")

    thread = threading.Thread(target=read, name="council-figures-warm", daemon=True)
    thread.start()
    return thread


def snapshot() -> Snapshot:
    return current_app.extensions["council_figures"].get()
