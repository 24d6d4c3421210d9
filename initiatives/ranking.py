"""Which matches a search shows first, and how many: the newest window of matches, a count that
stops where the list stops counting, and relevance worked out once per match from the stored
document (FTS5's bm25 on SQLite, ``ts_rank`` over ``search_vector`` on PostgreSQL).

The matching itself (which initiatives a question finds, the filters) is ``initiatives.search``."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from functools import lru_cache

from flask import g
from sqlalchemy import Select, func, literal_column, select, text
from sqlalchemy.sql.util import ClauseAdapter
from sqlalchemy.sql.visitors import iterate

from platform_core.extensions import db
from platform_core.spatial import is_sqlite

from .models import Initiative
from .search import DOC_FREQ, FTS, FTS_JOINED, TOKEN, Filters, expanded_terms, fts_words, ts_query

# Relevance is worked out for the newest this many matches; older matches follow, newest first.
# The list shows at most its first thousand results (``views.COUNT_CAP``), so what is ranked always
# covers them, and a word in most initiatives costs what a rare one does.
RANK_WINDOW = 1000


#: How far below the newest id PostgreSQL looks first (``newest_matches``, ``bounded_count``).
RECENT = 20_000


def _count_to(connection, among: Select, limit: int) -> int:
    """How many rows ``among`` (a statement of one column) gives, counting no further than ``limit`` + 1."""
    probe = select(func.count()).select_from(among.limit(limit + 1).subquery())
    return connection.execute(probe).scalar_one()


@lru_cache(maxsize=64)
def _recent_rows(recent: int, names: frozenset[str]):
    """The initiatives whose ids lie within ``recent`` of the newest, newest first, with these
    columns and the stored search document, as a subquery the planner keeps apart
    (``_newest_first``); built once per set of columns."""
    table = Initiative.__table__
    newest = select(func.max(table.c.id)).scalar_subquery()
    return (
        select(*(c for c in table.c if c.key in names), literal_column("search_vector"))
        .where(table.c.id > newest - recent)
        .order_by(table.c.id.desc())
        .offset(0)
        .subquery("initiative")  # the name the conditions use (the full-text one is written out)
    )


def _newest_first(base: Select, *columns) -> Select:
    """These columns for what ``base`` matches among the initiatives whose ids lie within
    ``RECENT`` of the newest one, newest first, read along the primary key (PostgreSQL).

    PostgreSQL estimates every prefix question alike, so it cannot tell a common word from a rare
    one: asked for a common word's newest matches it ANDs the GIN index's half a million matches
    with the range of the key (160 ms at a million). The range is therefore read in a subquery
    the planner keeps apart (``OFFSET 0``: a subquery with an offset is planned on its own and
    nothing of the outer WHERE is pushed into it), so the key is walked from the newest down and
    each row is tested as it comes (2 ms for a word in half the initiatives), in one statement with
    no setting changed for it. ``base`` reads the initiative table alone; its conditions are asked
    of the subquery's rows, which carry the same names (the subquery holds the columns they and
    ``columns`` use, no more: every column of 2,000 rows cost a third more)."""
    table = Initiative.__table__
    names = {c.key for c in columns} | {"id"}
    names |= {c.key for c in iterate(base.whereclause) if getattr(c, "table", None) is table}
    recent = _recent_rows(RECENT, frozenset(names))
    where = ClauseAdapter(recent).traverse(base.whereclause)
    return select(*(recent.c[c.key] for c in columns)).where(where).order_by(recent.c.id.desc())


def _common_recently(connection, base: Select, limit: int) -> bool:
    """On PostgreSQL, whether more than ``limit`` of the newest initiatives match ``base`` (a
    common word): then the list need not count further. The list asks twice for one question (its
    count, its page): the look is taken once per request, counting as far as either needs."""
    if connection.dialect.name != "postgresql":
        return False
    looked = g.setdefault("recent_looks", {})
    key = (id(base), RECENT)
    if key not in looked or looked[key][0] is not base or looked[key][1] < limit:
        upto = max(limit, RANK_WINDOW)
        found = _count_to(connection, _newest_first(base, Initiative.id), upto)
        looked[key] = (base, upto, found)  # the base kept with it, so its id is not reused
    return looked[key][2] > limit


def _rare_recently(base: Select, limit: int) -> bool:
    """Whether this request already counted ``base`` among the newest initiatives (the list's
    count) and found no more than ``limit`` there: then they need not be read again."""
    looked = g.get("recent_looks", {}).get((id(base), RECENT))
    return looked is not None and looked[0] is base and looked[1] >= limit and looked[2] <= limit


def bounded_count(base: Select, cap: int) -> int:
    """How many ``base`` matches, up to ``cap`` + 1 (the list says "more than ``cap``" beyond)."""
    connection = db.session.connection()
    if _common_recently(connection, base, cap):
        return cap + 1
    return _count_to(connection, base.with_only_columns(Initiative.id), cap)


def newest_matches(
    base: Select, columns: tuple, limit: int, elsewhere: Callable[[], Select] | None = None
) -> tuple[list, bool]:
    """At most ``limit`` rows of these columns for what ``base`` matches: all of them when there
    are no more, else the newest ``limit``; and whether more matched.

    On PostgreSQL the newest initiatives are looked among first (``_newest_first``): when more
    than ``limit`` of them match (a common word), that is the answer. Else, and on SQLite, the
    matches are read unordered first: a rare word's come from the index at once (ordered by id,
    the database would walk every initiative from the newest down looking for them); only with
    more matches than the limit newest first, where they lie close. ``elsewhere``: the statement
    to ask the whole index with, when it is not ``base`` (the map: the box as the spatial index
    sees it, when the box holds little of the map)."""
    connection = db.session.connection()  # plain rows: no ORM bookkeeping for a thousand of them
    if connection.dialect.name == "postgresql" and not _rare_recently(base, limit):
        rows = connection.execute(_newest_first(base, *columns).limit(limit + 1)).all()
        if len(rows) > limit:
            return rows[:limit], True
    if elsewhere is not None:
        base = elsewhere()
    stmt = base.with_only_columns(*columns)
    if base.get_execution_options().get(FTS_JOINED):
        # SQLite's full-text index hands its matches over in rowid order, newest first as cheaply
        # as any other way, for a rare word as for a common one: one statement, no count first.
        rows = connection.execute(stmt.order_by(FTS.c.rowid.desc()).limit(limit + 1)).all()
        return rows[:limit], len(rows) > limit
    if _count_to(connection, base.with_only_columns(Initiative.id), limit) <= limit:
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
    prefixes = [t for alternatives in expanded_terms(q) for t in alternatives]
    rows, total_tokens = _fts_totals()
    if not prefixes or not rows:
        return {}
    avgdl = total_tokens / rows

    def idf(prefix: str) -> float:
        if len(prefixes) == 1:
            return 1.0  # one prefix: its weight scales every score alike
        counted = DOC_FREQ.get(prefix)
        if counted is None or time.monotonic() - counted[0] > 300.0:
            match = fts_words(prefix)
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
            counted = DOC_FREQ[prefix] = (time.monotonic(), n)
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
    tokens = TOKEN.findall(column)
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
