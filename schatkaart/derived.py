"""Derived data, rebuilt after a migration changed what it is derived from.

Migrations never run application code: one that changes the tables a derived table is computed
from says so (``REBUILDS = {"council_facts"}`` in the migration module), and ``migrations/env.py``
runs the rebuild named here once the database has reached the head revision, so today's code
only ever meets today's schema. Until then the names wait in ``schema_rebuild_pending``."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.engine import Connection

from council.sources import rebuild as rebuild_council_facts
from initiatives.map_grid import rebuild as rebuild_map_grid
from initiatives.search import rebuild_index, rebuild_words

REBUILDERS: dict[str, Callable[[Connection], object]] = {
    "search": rebuild_index,  # initiatives' search stems (and SQLite's FTS5 table), and their words
    "search_words": rebuild_words,  # the words alone, from the stems kept
    "map_grid": rebuild_map_grid,  # the map's counts per cell
    "council_facts": rebuild_council_facts,  # the council's facts and summaries
}
