"""One transaction discipline: services change state and flush; the request (or CLI command)
commits once; effects outside the database (mail) leave after that commit.

Services call :func:`after_commit` for anything that must not happen for a rolled-back change.
The request's ``after_request`` hook calls :func:`commit` for a successful response and
:func:`rollback` for any other, so a form error re-rendered with 400 never half-saves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from .extensions import db

_KEY = "after_commit"


def after_commit(callback: Callable[[], object]) -> None:
    """Run ``callback`` once the current transaction has committed (never after a rollback)."""
    db.session().info.setdefault(_KEY, []).append(callback)


def commit() -> None:
    session = db.session()
    callbacks = session.info.pop(_KEY, [])
    try:
        session.commit()
    except Exception:
        session.rollback()
        raise
    for callback in callbacks:
        callback()


def rollback() -> None:
    session = db.session()
    session.info.pop(_KEY, None)
    session.rollback()


@contextmanager
def unit_of_work() -> Iterator[None]:
    """For CLI commands, jobs and tests: commit when the block succeeds, roll back otherwise."""
    try:
        yield
    except BaseException:
        rollback()
        raise
    commit()
