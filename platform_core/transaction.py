"""One transaction discipline: services change state and flush; the request (or CLI command)
commits once; effects outside the database (mail) leave after that commit.

Services call :func:`after_commit` for anything that must not happen for a rolled-back change.
Work that must happen inside the transaction but as its very last step (the public record's
append, which takes one lock that every action shares) is collected with :func:`defer` and
run by the hook its package registered with :func:`before_commit`, so nothing is appended for
an action that rolls back and the shared lock is held only for the commit itself.
The request's ``after_request`` hook calls :func:`commit` for a successful response and
:func:`rollback` for any other, so a form error re-rendered with 400 never half-saves.
Everything rolls back through :func:`rollback` (never the session's own), which also forgets
what was collected; a savepoint rolled back inside a service keeps it, as it should.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from .extensions import db

_KEY = "after_commit"
_DEFERRED = "deferred"
_BEFORE_COMMIT: dict[str, Callable[[Session, list], None]] = {}


def before_commit(name: str, hook: Callable[[Session, list], None]) -> None:
    """Register the hook that receives everything :func:`defer`-ed under ``name`` at commit."""
    _BEFORE_COMMIT[name] = hook


def defer(name: str, item: object) -> None:
    """Hand ``item`` to the ``name`` hook as the last step before this transaction commits."""
    if name not in _BEFORE_COMMIT:
        raise LookupError(f"no before-commit hook registered for {name!r}")
    db.session().info.setdefault(_DEFERRED, {}).setdefault(name, []).append(item)


def after_commit(callback: Callable[[], object]) -> None:
    """Run ``callback`` once the current transaction has committed (never after a rollback)."""
    db.session().info.setdefault(_KEY, []).append(callback)


def commit() -> None:
    session = db.session()
    callbacks = session.info.pop(_KEY, [])
    waiting = session.info.pop(_DEFERRED, {})
    try:
        for name, items in waiting.items():
            _BEFORE_COMMIT[name](session, items)
        session.commit()
    except Exception:
        session.rollback()
        raise
    for callback in callbacks:
        callback()


def rollback() -> None:
    session = db.session()
    session.info.pop(_KEY, None)
    session.info.pop(_DEFERRED, None)
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
