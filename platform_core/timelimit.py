"""A time limit for one piece of database work that could grow with what people type (a search
word in most initiatives, a filter that matches little of a large city): past it the database
stops the statement and the caller says so in plain Dutch, instead of a worker thread being held
for minutes while others queue.

SQLite: a progress handler on the connection, asked every ``STEPS`` virtual-machine steps,
interrupts the statement once the deadline passed. PostgreSQL: ``statement_timeout`` set for this
transaction only (``set_config(..., true)``) and put back afterwards. A statement that runs out of
time leaves the transaction to be rolled back by the caller.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from .extensions import db

STEPS = 1000


class TooSlow(Exception):
    """The work took longer than it may; nothing of it was kept."""


@contextmanager
def at_most(seconds: float) -> Iterator[None]:
    session = db.session
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        raw = connection.connection.dbapi_connection
        deadline = time.monotonic() + seconds
        raw.set_progress_handler(lambda: int(time.monotonic() > deadline), STEPS)
        try:
            yield
        except DBAPIError as exc:
            if "interrupted" in str(exc.orig):
                raise TooSlow from exc
            raise
        finally:
            raw.set_progress_handler(None, 0)
        return
    before = session.scalar(text("SELECT current_setting('statement_timeout')"))
    session.execute(text("SELECT set_config('statement_timeout', :ms, true)"), {"ms": f"{max(1, int(seconds * 1000))}"})
    try:
        yield
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) == "57014":  # query_canceled
            raise TooSlow from exc
        raise
    session.execute(text("SELECT set_config('statement_timeout', :ms, true)"), {"ms": before})
