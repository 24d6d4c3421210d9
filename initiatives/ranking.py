"""Which matches a search shows first, and how many: the newest window of matches, a count that
stops where the list stops counting, and relevance worked out once per match from the stored
document (FTS5's bm25 on SQLite, ``ts_rank`` over ``search_vector`` on PostgreSQL).

The matching itself (which initiatives a question finds, the filters) is ``initiatives.search``."""

from __future__ import annotations

import math
import time

from flask import g
from sqlalchemy import Select, func, literal_column, select, text

from platform_core.extensions import db
from platform_core.spatial import is_sqlite

from .models import Initiative
from .search import _DOC_FREQ, _TOKEN, FTS, FTS_JOINED, Filters, _expanded, _fts_words, ts_query

# Relevance is worked out for the newest this many matches; older matches follow, newest first.
# The list shows at most its first thousand results (``views.COUNT_CAP``), so what is ranked always
# covers them, and a word in most initiatives costs what a rare one does.
RANK_WINDOW = 1000


#: How many of the newest initiatives PostgreSQL looks among first (``newest_matches``).
RECENT = 20_000


def _count_to(connection, among: Select, limit: int) -> int:
    """How many ``among`` matches, counting no further than ``limit`` + 1."""
    probe = select(func.count()).select_from(among.with_only_columns(Initiative.id).limit(limit + 1).subquery())
    return connection.execute(probe).scalar_one()


def _recent(connection, base: Select, limit: int) -> Select | None:
    """On PostgreSQL, ``base`` among the newest ``RECENT`` initiatives when more than ``limit`` of
    them match there (a common word), else None.

    PostgreSQL estimates every prefix question alike, so it cannot tell a common word from a rare
    one, and read all of a common word's matches from the GIN index (half a million at a million
    initiatives) to AND or sort them. Among the newest initiatives the range of the primary key
    is read instead, with bitmaps off for that one statement (so the GIN index is not used)."""
    if connection.dialect.name != "postgresql":
        return None
    # The list asks twice for one question (its count, its page): the look is taken once per
    # request, counting as far as either needs.
    looked = g.setdefault("recent_looks", {})
    key = (id(base), RECENT)
    if key not in looked or looked[key][0] is not base or looked[key][2] < limit:
        bound = connection.execute(
            select(Initiative.id).order_by(Initiative.id.desc()).offset(RECENT - 1).limit(1)
        ).scalar()
        recent = None if bound is None else base.where(Initiative.id >= bound)
        upto = max(limit, RANK_WINDOW)
        found = 0 if recent is None else _along_the_key(connection, lambda: _count_to(connection, recent, upto))
        looked[key] = (base, recent, upto, found)  # the base kept with it, so its id is not reused
    _base, recent, _upto, found = looked[key]
    return recent if found > limit else None


def _along_the_key(connection, run):
    """``run()`` with bitmap scans off for this transaction, and on again after it. Set for the
    transaction only (``set_config(…, true)``): if ``run`` fails (the time limit), the rollback
    that follows restores it, and no statement is sent on the failed transaction."""
    connection.execute(text("SELECT set_config('enable_bitmapscan', 'off', true)"))
    result = run()
    connection.execute(text("SELECT set_config('enable_bitmapscan', 'on', true)"))
    return result


def bounded_count(base: Select, cap: int) -> int:
    """How many ``base`` matches, up to ``cap`` + 1 (the list says "more than ``cap``" beyond)."""
    connection = db.session.connection()
    if _recent(connection, base, cap) is not None:
        return cap + 1
    return _count_to(connection, base, cap)


def newest_matches(base: Select, columns: tuple, limit: int) -> tuple[list, bool]:
    """At most ``limit`` rows of these columns for what ``base`` matches: all of them when there
    are no more, else the newest ``limit``; and whether more matched.

    Unordered first: a rare word's matches come from the index at once (ordered by id, the
    database would walk every initiative from the newest down looking for them). Only a word
    with more matches than the limit is read newest first, where its matches lie close; on
    PostgreSQL among the newest initiatives first (``_recent``)."""
    stmt = base.with_only_columns(*columns)
    connection = db.session.connection()  # plain rows: no ORM bookkeeping for a thousand of them
    recent = _recent(connection, base, limit)
    if recent is not None:
        newest_recent = recent.with_only_columns(*columns).order_by(Initiative.id.desc()).limit(limit)
        return _along_the_key(connection, lambda: connection.execute(newest_recent).all()), True
    if base.get_execution_options().get(FTS_JOINED):
        # SQLite's full-text index hands its matches over in rowid order, newest first as cheaply
        # as any other way, for a rare word as for a common one: one statement, no count first.
        rows = connection.execute(stmt.order_by(FTS.c.rowid.desc()).limit(limit + 1)).all()
        return rows[:limit], len(rows) > limit
    if _count_to(connection, base, limit) <= limit:
        return connection.execute(stmt).all(), False
    return connection.execute(stmt.order_by(Initiative.id.desc()).limit(limit)).all(), True


def results(base: Select, filters: Filters, offset: int, size: int, options: tuple = ()) -> list[Initiative]:
    """One page of the list in the order asked for.

    By relevance, ranking every match would cost as much as there are matches (a word in 80 % of
    a million initiatives), so only the newest ``RANK_WINDOW`` matches that pass the filters are
    ranked, each once, from the stored document: FTS5's bm25 over the matches in that id range
    on SQLite, ``ts_rank`` over the stored ``search_vector`` on PostgreSQL. Matches older than
    the window come after, newest first. Which initiatives match is never limited: the count
    and every page hold all of them."""
    if not (filters.sort == "relevantie" and filters.q):
        return list(db.session.scalars(order(base, filters).options(*options).limit(size).offset(offset)))
    newest = FTS.c.rowid.desc() if base.get_execution_options().get(FTS_JOINED) else Initiative.id.desc()
    rows, _more = newest_matches(base, (Initiative.id,), RANK_WINDOW)
    window = sorted((row[0] for row in rows), reverse=True)
    if not window:
        return []
    lowest = window[-1]
    score = _scores(filters.q, window)
    ranked = sorted(window, key=lambda i: (-score.get(i, 0.0), -i))[offset : offset + size]
    loaded = {
        i.id: i for i in db.session.scalars(select(Initiative).where(Initiative.id.in_(ranked)).options(*options))
    }
    page = [loaded[i] for i in ranked if i in loaded]
    if len(page) == size or len(window) < RANK_WINDOW:
        return page  # a full page, or every match was ranked
    older = (
        base.where(Initiative.id < lowest)
        .order_by(newest)
        .options(*options)
        .limit(size - len(page))
        .offset(max(0, offset - len(window)))
    )
    return page + list(db.session.scalars(older))


def _scores(q: str, ids: list[int]) -> dict[int, float]:
    """How well each of these initiatives matches, larger is better, each computed once from the
    stored document: bm25 as FTS5 computes it (``_bm25``) on SQLite; ts_rank over
    ``search_vector`` (title weighted A) on PostgreSQL."""
    if is_sqlite(db.session.get_bind()):
        return _bm25(q, ids)
    rows = db.session.execute(
        select(
            Initiative.id,
            func.ts_rank(literal_column("initiative.search_vector"), func.to_tsquery("simple", ts_query(q) or "x")),
        ).where(Initiative.id.in_(ids))
    )
    return dict(rows.all())


#: FTS5's bm25: its constants, and the weights we give the title, the summary and the description.
BM25_K1, BM25_B, BM25_WEIGHTS = 1.2, 0.75, (10.0, 3.0, 1.0)


def _bm25(q: str, ids: list[int]) -> dict[int, float]:
    """FTS5's ``bm25(initiative_fts, 10, 3, 1)`` for the question's prefixes, worked out here from
    the stored columns of these rows only.

    FTS5 computes it by first counting, for each prefix of the question, every row in the index
    that holds it (a word in 80 % of a million initiatives: 20 ms per question, whatever the rows
    asked for). Here the counts it needs are the index's totals (``_fts_totals``: one record) and,
    only when the question has more than one prefix (so their weights differ), how many rows hold
    each prefix: counted at most to half the rows (beyond half, FTS5's weight is the same tiny
    constant), kept for five minutes per process. The result equals FTS5's (``tests/test_search``)."""
    prefixes = [t for alternatives in _expanded(q) for t in alternatives]
    rows, total_tokens = _fts_totals()
    if not prefixes or not rows:
        return {}
    avgdl = total_tokens / rows

    def idf(prefix: str) -> float:
        if len(prefixes) == 1:
            return 1.0  # one prefix: its weight scales every score alike
        counted = _DOC_FREQ.get(prefix)
        if counted is None or time.monotonic() - counted[0] > 300.0:
            match = _fts_words(prefix)
            n = (
                0
                if not match
                else db.session.scalar(
                    text(
                        "SELECT count(*) FROM (SELECT 1 FROM initiative_fts WHERE initiative_fts MATCH :m LIMIT :cap)"
                    ),
                    {"m": match, "cap": rows // 2 + 1},
                )
            )
            counted = _DOC_FREQ[prefix] = (time.monotonic(), n)
        return max(math.log((rows - counted[1] + 0.5) / (counted[1] + 0.5)), 1e-6)

    weights = [idf(p) for p in prefixes]
    asked = [(" " + p, w) for p, w in zip(prefixes, weights, strict=True)]
    # FTS5 keeps each row's columns in its content table (``initiative_fts_content``: c0 the title,
    # c1 the summary, c2 the description), an ordinary table read by id; the full-text table
    # itself would look each id up as a question of its own.
    marks = ", ".join("?" * len(ids))  # placeholders only: the ids are bound
    cursor = db.session.connection().connection.cursor()  # plain tuples: a thousand rows, no wrappers
    try:
        cursor.execute(f"SELECT id, c0, c1, c2 FROM initiative_fts_content WHERE id IN ({marks})", ids)  # nosec B608
        found = cursor.fetchall()
    finally:
        cursor.close()
    k1, b = BM25_K1, BM25_B
    wt, ws, wd = BM25_WEIGHTS
    out = {}
    for rowid, title, summary, description in found:
        title, summary, description = _spaced(title), _spaced(summary), _spaced(description)
        # " a b " holds two tokens; those that start with a prefix are counted in C: " buurt"
        length = title.count(" ") + summary.count(" ") + description.count(" ")
        length -= bool(title) + bool(summary) + bool(description)
        norm = k1 * (1 - b + b * length / avgdl)
        score = 0.0
        for prefix, weight in asked:
            freq = wt * title.count(prefix) + ws * summary.count(prefix) + wd * description.count(prefix)
            if freq:
                score += weight * freq * (k1 + 1.0) / (freq + norm)
        out[rowid] = score
    return out


def _spaced(column: str | None) -> str:
    """A stored column as its tokens between single spaces, with one before and after (``""``
    when it has none). Our stems are stored so (``terms``), unless one holds what FTS5 splits on."""
    if not column:
        return ""
    if column.isascii() and "_" not in column and "  " not in column:
        return f" {column} "
    tokens = _TOKEN.findall(column)
    return f" {' '.join(tokens)} " if tokens else ""


def _fts_totals() -> tuple[int, int]:
    """How many rows FTS5's index holds and how many tokens in all: the first varints of its
    averages record (``initiative_fts_data`` row 1, SQLite varints: the number of rows, then the
    tokens of each column)."""
    block = db.session.scalar(text("SELECT block FROM initiative_fts_data WHERE id = 1"))
    values = _varints(bytes(block or b""))
    return (values[0], sum(values[1:])) if values else (0, 0)


def _varints(data: bytes) -> list[int]:
    """SQLite's variable-length integers: seven bits a byte, big end first, while the high bit is
    set; a ninth byte gives all eight."""
    out, at = [], 0
    while at < len(data):
        value = 0
        for i in range(9):
            byte = data[at]
            at += 1
            if i == 8:
                value = (value << 8) | byte
                break
            value = (value << 7) | (byte & 0x7F)
            if not byte & 0x80 or at >= len(data):
                break
        out.append(value)
    return out


def order(stmt: Select, filters: Filters) -> Select:
    """The order of every sort but relevance (which :func:`results` ranks in a window)."""
    if filters.sort == "activiteit":
        return stmt.order_by(Initiative.last_activity_at.desc(), Initiative.id.desc())
    if filters.sort == "titel":
        return stmt.order_by(func.lower(Initiative.title), Initiative.id)
    if filters.sort == "oud":
        return stmt.order_by(Initiative.created_at, Initiative.id)
    return stmt.order_by(Initiative.created_at.desc(), Initiative.id.desc())
