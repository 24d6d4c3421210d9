"""Filters shared by the map API and the gallery, so both show the same initiatives.

Keyword search finds what people type: words are folded (``coöperatie`` = ``cooperatie``) and
reduced to their Dutch stem by the Snowball Dutch stemmer (``moestuinen`` and ``moestuintje``
→ ``moestuin``), for the text and for the question alike, and each word of the question
matches as a prefix of a stem. The same stems go to SQLite's FTS5 table (ranked by bm25,
the title weighing most) and to PostgreSQL's ``search_text`` column with a GIN index on its
``simple`` tsvector, the title's words weighted A (ranked by ts_rank), so both databases
answer the same.
``index_initiative`` keeps both in step; ``highlight`` marks the matches in a text.
"""

from __future__ import annotations

import re
import time
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer
from flask import g, has_request_context
from markupsafe import Markup, escape
from sqlalchemy import Select, bindparam, column, func, or_, select, table, text
from sqlalchemy.dialects import postgresql as pg_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect

from maps.geocoder import local_sources
from maps.models import Area
from platform_core.codes import current
from platform_core.extensions import db
from platform_core.policy import MAX_ID
from platform_core.spatial import is_sqlite

from . import activity
from .models import LETTERS_ONLY, TYPES, Initiative, SearchWord, Theme, initiative_theme

SORTS = ("relevantie", "nieuw", "activiteit", "titel", "oud")
# The title's stems before the '|', the rest after it: the title weighs most in the ranking.
# On PostgreSQL this is the stored column ``search_vector`` (GENERATED ALWAYS AS ... STORED,
# migration 0026) with a GIN index: matched and ranked without parsing any text again.
PG_DOCUMENT = (
    "(setweight(to_tsvector('simple', split_part(coalesce(search_text, ''), '|', 1)), 'A')"
    " || to_tsvector('simple', split_part(coalesce(search_text, ''), '|', 2)))"
)
_WORD = re.compile(r"\w+", re.UNICODE)
_STEMMER = snowballstemmer.stemmer("dutch")


def fold(value: str) -> str:
    """Lower case without accents: ``Coöperatie`` → ``cooperatie``, ``café`` → ``cafe``."""
    decomposed = unicodedata.normalize("NFKD", value.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    return _STEMMER.stemWord(word)


def terms(value: str | None) -> list[str]:
    """The searchable stems of a text, in order."""
    return [stem(word) for word in _WORD.findall(fold(value or ""))]


def search_text(title: str | None, summary: str | None, description: str | None) -> str:
    return " ".join(terms(title)) + " | " + " ".join(terms(summary) + terms(description))


@dataclass
class Filters:
    types: list[str] = field(default_factory=list)
    theme: str | None = None
    area: str | None = None
    q: str | None = None
    active_days: int | None = None
    sort: str = "nieuw"

    @classmethod
    def from_args(cls, args) -> Filters:
        raw_types = [t for v in args.getlist("type") for t in v.split(",")]
        types = [t for t in (current("type", t) for t in raw_types) if t in TYPES]  # shared links may use old codes
        q = (args.get("q") or "").strip()[:100] or None
        sort = args.get("sort") if args.get("sort") in SORTS else ("relevantie" if q else "nieuw")
        if sort == "relevantie" and not q:
            sort = "nieuw"
        active = args.get("actief")
        active_days = int(active) if active in {str(days) for days in activity.PERIODS} else None
        return cls(
            types=types,
            theme=args.get("theme") or None,
            area=args.get("area") or None,
            q=q,
            active_days=active_days,
            sort=sort,
        )

    def as_args(self) -> dict:
        out: dict = {}
        if self.types:
            out["type"] = ",".join(self.types)
        for key in ("theme", "area", "q"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        if self.active_days:
            out["actief"] = str(self.active_days)
        return out


def query_terms(q: str) -> list[str]:
    return [t for t in terms(q) if t][:10]


def fts_query(q: str) -> str:
    """Turn free text into a safe FTS5 query: every word's stem must match as a prefix, of itself
    or of a compound that ends in it ("tuin" also finds "moestuin" and "geveltuinen"). Each prefix
    is asked as the words the index holds that start with it (``fts_words``); ``""`` when a word
    can match nothing."""
    cache = g.setdefault("fts_queries", {}) if has_request_context() else {}  # count, page, map: once
    if q in cache:
        return cache[q]
    groups = []
    for alternatives in expanded_terms(q):
        asked = [a for a in (fts_words(t) for t in alternatives) if a]
        if not asked:
            groups = []  # this word is in no text: nothing matches every word
            break
        groups.append(" OR ".join(asked))
    cache[q] = query = " AND ".join(f"({group})" if " OR " in group else group for group in groups)
    return query


#: A prefix that at most this many of the index's words start with is asked as those words;
#: beyond it, as a prefix.
EXPAND_AT_MOST = 32
TOKEN = re.compile(r"[^\W_]+", re.UNICODE)  # what FTS5's unicode61 calls a token: letters and digits
_LONGEST_WORD = 100  # search_word.word


# Statements asked with every search, built once (building one cost as much as running it).
_STARTING_WITH = (
    select(SearchWord.word)
    .where(SearchWord.word >= bindparam("low"), SearchWord.word < bindparam("high"))
    .order_by(SearchWord.word)
    .limit(EXPAND_AT_MOST + 1)
)
_THEME_NAMES = select(Theme.id, Theme.name, Theme.name_en, Theme.parent_id)


def fts_words(prefix: str) -> str | None:
    """``"prefix"*`` in the form FTS5 answers fastest: the index's words that start with it, each
    asked whole (``"buurt" OR "buurthuis"``), or None when no word does.

    FTS5 answers a prefix by merging the matches of every word that starts with it before it hands
    over the first (a word in 80 % of a million initiatives: 25 ms for any question with it, even
    "the first thousand"); whole words it reads as it needs them (0.1 ms). ``search_word`` holds
    every token the index holds (each write adds its text's, ``_note_words``). A prefix of more
    than ``EXPAND_AT_MOST`` words, or one that is not plain ASCII letters and digits (where FTS5's
    own folding might differ from ours), stays a prefix."""
    if not (prefix.isascii() and TOKEN.fullmatch(prefix)):
        return f'"{prefix}"*'
    bounds = {"low": prefix, "high": prefix + "\U0010ffff"}
    words = db.session.connection().execute(_STARTING_WITH, bounds).scalars().all()
    if len(words) > EXPAND_AT_MOST:
        return f'"{prefix}"*'
    # a word cut to the column's length is asked as a prefix: the index holds it whole
    return " OR ".join(f'"{w}"*' if len(w) >= _LONGEST_WORD else f'"{w}"' for w in words) or None


def ts_query(q: str) -> str:
    """The same for PostgreSQL: stems are \\w only, so nothing in them means anything to tsquery."""
    return " & ".join("(" + " | ".join(f"{t}:*" for t in alternatives) + ")" for alternatives in expanded_terms(q))


def expanded_terms(q: str) -> list[list[str]]:
    """Each word of the question with the compounds the index holds that end in it."""
    out = []
    for t in query_terms(q):
        compounds = [] if len(t) < 4 else [w for w in _endings().get(t[-4:], ()) if w.endswith(t) and w != t]
        out.append([t, *sorted(compounds)[:20]])
    return out


def areas_named(code_or_id: str) -> list[Area]:
    """The areas a filter names: by code ("01" is wijk 01), else by id."""
    areas = list(db.session.scalars(select(Area).where(Area.code == code_or_id)))
    if not areas and code_or_id.isascii() and code_or_id.isdigit() and int(code_or_id) <= MAX_ID:  # not '²', 2**63
        areas = list(db.session.scalars(select(Area).where(Area.id == int(code_or_id))))
    return areas


def area_ids(code_or_id: str) -> list[int]:
    """A buurt, or all buurten of a wijk; accepts an id or an area code."""
    areas = areas_named(code_or_id)
    ids: list[int] = []
    for area in areas:
        if area.level == "neighbourhood":
            ids.append(area.id)
        else:
            ids += db.session.scalars(select(Area.id).where(Area.parent_id == area.id)).all()
            ids.append(area.id)
    return ids


_PUBLISHED = Initiative.visibility == "published"


def apply_filters(stmt: Select, filters: Filters) -> Select:
    stmt = stmt.where(_PUBLISHED)
    if filters.active_days:
        stmt = stmt.where(Initiative.last_activity_at >= activity.since(filters.active_days))
    if filters.types:
        stmt = stmt.where(Initiative.type.in_(filters.types))
    if filters.theme:
        theme_ids = select(Theme.id).where(
            or_(Theme.slug == filters.theme, Theme.parent_id.in_(select(Theme.id).where(Theme.slug == filters.theme)))
        )
        stmt = stmt.where(
            Initiative.id.in_(
                select(initiative_theme.c.initiative_id).where(initiative_theme.c.theme_id.in_(theme_ids))
            )
        )
    if filters.area:
        stmt = stmt.where(Initiative.area_id.in_(area_ids(filters.area) or [-1]))
    if filters.q:
        stmt = _keyword(stmt, filters.q)
    return stmt


# SQLite's full-text table, joined on its rowid (the initiative's id); a statement that joins it
# says so in its execution options, so "newest first" can follow the full-text index's own order.
FTS = table("initiative_fts", column("rowid"))
FTS_JOINED = "schatkaart_fts_joined"
_JOINED = {FTS_JOINED: True}
_FTS_ROW = FTS.c.rowid == Initiative.id
_FTS_MATCH = text("initiative_fts MATCH :fts_q")


def _keyword(stmt: Select, q: str) -> Select:
    """Only what matches the question. On SQLite a question no theme's name answers joins the
    full-text table, so the database reads its matches as it needs them (a bounded count, a page)
    instead of collecting every match of a word most initiatives use first."""
    themes = theme_ids_matching(q)
    if is_sqlite(db.session.get_bind()) and not themes:
        match = fts_query(q)
        if not match:
            return stmt.where(Initiative.id == -1)
        return stmt.join(FTS, _FTS_ROW).where(_FTS_MATCH.bindparams(fts_q=match)).execution_options(**_JOINED)
    return stmt.where(keyword_clause(q, themes))


def keyword_clause(q: str, themes: list[int] | None = None):
    """The text matches (every word), or the initiative is tagged with a theme whose name does
    ("speelplek" finds what is tagged Speelplekken, whatever its text says). ``themes``: those
    themes when the caller already looked them up."""
    clause = _text_clause(q)
    themes = theme_ids_matching(q) if themes is None else themes
    if themes:
        tagged = select(initiative_theme.c.initiative_id).where(initiative_theme.c.theme_id.in_(themes))
        clause = or_(clause, Initiative.id.in_(tagged))
    return clause


def _text_clause(q: str):
    if is_sqlite(db.session.get_bind()):
        match = fts_query(q)
        if not match:
            return Initiative.id == -1
        return Initiative.id.in_(
            text("SELECT rowid FROM initiative_fts WHERE initiative_fts MATCH :fts_q").bindparams(fts_q=match)
        )
    query = ts_query(q)
    if not query:
        return Initiative.id == -1
    # The question parsed once, then given to the match as a tsquery value: the planner sees a
    # constant it can estimate from the column's statistics (to_tsquery() in the statement is only
    # "stable", so it planned for a default 0.5 % of the rows and read a common word's half a
    # million matches from the GIN index before the first 1,000 in id order: 3 s at a million).
    parsed = _parsed(query)
    if not parsed:
        return Initiative.id == -1
    return text("initiative.search_vector @@ CAST(:ts_q AS tsquery)").bindparams(ts_q=parsed)


@lru_cache(maxsize=4096)
def _parsed(query: str) -> str:
    """``to_tsquery('simple', query)`` as text: the same for the same words whenever it is asked
    (the simple configuration has no dictionary that changes), so asked once per process."""
    return db.session.scalar(text("SELECT CAST(to_tsquery('simple', :ts_q) AS text)"), {"ts_q": query}) or ""


def theme_ids_matching(q: str) -> list[int]:
    """Themes (with their sub-themes) whose name holds every word of the question, each as the
    start of one of its words: "speelplek" -> Speelplekken, "groen" -> Groen en natuur and all
    under it. Themes are few (dozens): their names are read, not indexed."""
    wanted = query_terms(q)
    if not wanted:
        return []
    rows = db.session.connection().execute(_THEME_NAMES).all()
    hits = {
        tid
        for tid, name, name_en, _parent in rows
        if any(all(any(t.startswith(w) for t in _name_terms(n)) for w in wanted) for n in (name, name_en) if n)
    }
    hits |= {tid for tid, _name, _en, parent in rows if parent in hits}
    return sorted(hits)


@lru_cache(maxsize=4096)
def _name_terms(name: str) -> tuple[str, ...]:
    """A theme's name as the stems a question is compared with (the same name, the same stems)."""
    return tuple(terms(name))


def suggestion(q: str) -> str | None:
    """For a question that found nothing: the same question with each unknown word replaced by
    the nearest word the published initiatives use ("moestuinn" -> "moestuin"), or None."""
    import difflib

    words = _WORD.findall(fold(q))[:10]
    if not words:
        return None
    known = vocabulary()
    changed, out = False, []
    for word in words:
        s = stem(word)
        if any(k.startswith(s) for k in known.get(s[:1], ())) or len(word) < 4:
            out.append(word)
            continue
        close = difflib.get_close_matches(s, known.get(s[:1], ()), n=1, cutoff=0.8)
        if close:
            out.append(close[0])
            changed = True
        else:
            out.append(word)
    return " ".join(out) if changed else None


_VOCABULARY: dict = {"at": 0.0, "words": {}, "endings": {}}


DOC_FREQ: dict[str, tuple[float, int]] = {}  # prefix -> (when counted, rows holding it)


def forget_vocabulary() -> None:
    """Read the vocabulary and the words' counts afresh at the next search (tests; after a bulk
    import)."""
    _VOCABULARY.update(at=0.0, words={}, endings={})
    DOC_FREQ.clear()


def vocabulary(max_age: float = 300.0) -> dict[str, list[str]]:
    """The stems the index holds, by first letter; read from ``search_word`` (kept by every write)
    at most every five minutes per process."""
    if time.monotonic() - _VOCABULARY["at"] < max_age and _VOCABULARY["words"]:
        return _VOCABULARY["words"]
    connection = db.session.connection()
    stems = connection.execute(_LETTERS_ONLY[connection.dialect.name]).scalars().all()
    words: dict[str, list[str]] = {}
    endings: dict[str, list[str]] = {}
    for s in stems:
        if s and s.isalpha():
            words.setdefault(s[:1], []).append(s)
            endings.setdefault(s[-4:], []).append(s)
    _VOCABULARY.update(at=time.monotonic(), words=words, endings=endings)
    return words


# The index's words of letters only, read through the partial index that holds them (migration
# 0035): every number a text ever held (a house number, a year) is in ``search_word`` as well.
_LETTERS_ONLY = {dialect: select(SearchWord.word).where(text(where)) for dialect, where in LETTERS_ONLY.items()}


def _endings() -> dict[str, list[str]]:
    """The vocabulary's stems by their last four letters: the compounds that end in a word are
    found among those that end as it does, not by reading every stem the index holds (a city's
    vocabulary is tens of thousands of words, and each question asked for every word in it)."""
    vocabulary()
    return _VOCABULARY["endings"]


def index_initiative(initiative: Initiative) -> None:
    """Keep the search in step: the stems in ``search_text`` (PostgreSQL's index reads it) and,
    on SQLite, in the FTS5 table per field so the title can weigh most."""
    initiative.search_text = search_text(initiative.title, initiative.summary, initiative.description)
    _note_words(initiative.search_text)
    if not is_sqlite(db.session.get_bind()):
        return
    db.session.execute(text("DELETE FROM initiative_fts WHERE rowid = :id"), {"id": initiative.id})
    db.session.execute(
        text("INSERT INTO initiative_fts(rowid, title, summary, description) VALUES (:id, :t, :s, :d)"),
        {
            "id": initiative.id,
            "t": " ".join(terms(initiative.title)),
            "s": " ".join(terms(initiative.summary)),
            "d": " ".join(terms(initiative.description)),
        },
    )


def _words_of(stems: str) -> list[dict]:
    """The tokens of these stems as FTS5 splits them (letters and digits): the vocabulary a
    question is widened with (``vocabulary``: the alphabetic ones) and its prefixes asked as
    (``fts_words``: all of them)."""
    return [{"word": w} for w in sorted({w[:_LONGEST_WORD] for w in TOKEN.findall(stems)})]


def _note_words(stems: str, connection=None) -> None:
    """Add a text's stems to ``search_word``; in sorted order, so two writers adding the same new
    words wait for each other instead of deadlocking."""
    rows = _words_of(stems)
    if not rows:
        return
    connection = connection if connection is not None else db.session.connection()
    dialect = pg_dialect if connection.dialect.name == "postgresql" else sqlite_dialect
    connection.execute(dialect.insert(SearchWord).on_conflict_do_nothing(index_elements=["word"]), rows)


def highlight(value: str | None, q: str | None) -> Markup:
    """The text, escaped, with the words that matched the question in ``<mark>``."""
    value = value or ""
    wanted = query_terms(q or "")
    if not wanted:
        return escape(value)
    out, last = [], 0
    for match in _WORD.finditer(value):
        word_stem = stem(fold(match.group()))
        if any(word_stem.startswith(t) for t in wanted):
            out += [escape(value[last : match.start()]), Markup("<mark>"), escape(match.group()), Markup("</mark>")]
            last = match.end()
    out.append(escape(value[last:]))
    return Markup("").join(out)


def _street_names(like: str, limit: int) -> list[dict]:
    """Street names of placed initiatives, for address search when PDOK knows nothing."""
    streets = db.session.execute(
        select(Initiative.address, func.avg(Initiative.lon), func.avg(Initiative.lat))
        .where(func.lower(Initiative.address).like(like), Initiative.visibility == "published")
        .group_by(Initiative.address)
        .order_by(Initiative.address)
        .limit(limit)
    ).all()
    return [{"label": a, "type": "adres", "lon": x, "lat": y, "source": "local"} for a, x, y in streets]


local_sources.append(_street_names)


def rebuild_words(connection) -> int:
    """Fill ``search_word`` from the stems every initiative holds (``search_text``); returns how
    many words. The migration that added the table runs it (``rebuild_index`` does it as well)."""
    connection.execute(text("DELETE FROM search_word"))
    words: set[str] = set()
    for (stems,) in connection.execute(text("SELECT search_text FROM initiative")).yield_per(10_000):
        words.update((stems or "").split())
    _note_words(" ".join(words), connection)
    return connection.execute(text("SELECT count(*) FROM search_word")).scalar_one()


def rebuild_index(connection) -> int:
    """Recompute every initiative's search stems (and SQLite's FTS5 rows) from its text; returns
    how many. Run after a migration changed what the index is made of (migrations/env.py)."""
    sqlite = connection.dialect.name == "sqlite"
    connection.execute(text("DELETE FROM search_word"))
    if sqlite:
        connection.execute(text("DELETE FROM initiative_fts"))
    rows = connection.execute(text("SELECT id, title, summary, description FROM initiative ORDER BY id")).all()
    for start in range(0, len(rows), 2000):
        chunk = rows[start : start + 2000]
        stems = [{"i": i, "s": search_text(t, s, d)} for i, t, s, d in chunk]
        connection.execute(text("UPDATE initiative SET search_text = :s WHERE id = :i"), stems)
        _note_words(" ".join(row["s"] for row in stems), connection)
        if sqlite:
            connection.execute(
                text("INSERT INTO initiative_fts(rowid, title, summary, description) VALUES (:i, :t, :s, :d)"),
                [
                    {"i": i, "t": " ".join(terms(t)), "s": " ".join(terms(s)), "d": " ".join(terms(d))}
                    for i, t, s, d in chunk
                ],
            )
    if sqlite:  # one merged index, not the segments of a delete and a rewrite of every row
        connection.execute(text("INSERT INTO initiative_fts(initiative_fts) VALUES ('optimize')"))
    return len(rows)
