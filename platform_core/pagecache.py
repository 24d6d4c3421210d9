"""Pages for visitors without an account, answered from memory.

Everyone who is not logged in sees the same map, list and initiative page (in their language),
so a page marked :func:`for_visitors` is rendered once and kept in the process. What makes each
answer personal is put back on every request: a fresh CSP nonce and the visitor's own CSRF token
(the language switch and the contact form carry it) replace the ones the page was rendered with.

A page is answered from memory only when all of these hold:

* the request is a GET or HEAD to a view marked :func:`for_visitors`;
* nobody is logged in (no account in the session, no remember-me cookie) and the session holds
  no message waiting to be shown;
* the entry is younger than ``PAGE_CACHE_SECONDS`` and nothing was written to the database by
  this process since it was rendered.

Every transaction that wrote (any statement other than a read) moves a counter, in the process,
when it commits; entries rendered before that no longer count. With several processes or app
servers, set ``PAGE_CACHE_REDIS_URL`` (``JOBS_REDIS_URL`` when not set): every writing commit
also moves a shared counter in Redis, and each request first compares it with the one it saw
last, so another server's write is seen by the next request, not when the entry expires (one
GET to Redis per request; Redis unreachable means nothing is answered from memory). Without
Redis another process's writes are seen when the entry expires, so a visitor without an account
may see a page up to ``PAGE_CACHE_SECONDS`` old; logged-in people always get a fresh one. Only
complete 200 answers without ``no-store``/``private`` are kept, in at most
``PAGE_CACHE_MEGABYTES`` per process (the least recently used go first), none larger than a
sixteenth of that.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from flask import Flask, Response, current_app, g, render_template, request, request_started, session
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db, redis_client
from .i18n import language
from .security import csp_nonce

#: Moved by every committed write in this process (see :func:`watch_writes`).
_writes = itertools.count(1)
_generation = 0
#: Statements that only read; anything else marks the transaction as a writer.
_READS = ("SELECT", "PRAGMA", "BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK", "SHOW", "EXPLAIN", "SET ")
_WRITE_WORDS = ("INSERT", "UPDATE", "DELETE", "MERGE")
_KEPT_HEADERS = frozenset({"content-type", "content-disposition", "content-language", "link"})

clock: Callable[[], float] = time.monotonic


def generation() -> int:
    return _generation


SHARED_KEY = "schatkaart:page-cache:writes"


class _Shared:
    """The write counter shared through Redis by the servers of one installation
    (``PAGE_CACHE_REDIS_URL``), and its value as this process last saw it."""

    def __init__(self, url: str) -> None:
        self.redis = redis_client(url, timeout=0.5)  # asked on every request: a short wait
        self.seen: bytes | None = None

    def move(self) -> None:
        with contextlib.suppress(Exception):  # Redis down: the others see it by their own failure
            self.redis.incr(SHARED_KEY)

    def moved_elsewhere(self) -> bool:
        """Whether another process wrote since this one last looked (or Redis cannot tell)."""
        try:
            now = self.redis.get(SHARED_KEY) or b"0"  # no key yet: nobody wrote since Redis started
        except Exception:  # unknown: nothing kept may be trusted
            now = None
        moved = now is None or now != self.seen
        self.seen = now
        return moved


#: per engine (one per installation), the shared counter its writes move
_SHARED: weakref.WeakKeyDictionary[Engine, _Shared] = weakref.WeakKeyDictionary()


def _moved(shared: _Shared | None = None) -> None:
    global _generation
    _generation = next(_writes)
    if shared is not None:
        shared.move()


def _catch_up() -> None:
    """Move this process's counter when another process wrote since this one last looked."""
    shared = current_app.extensions.get("page_cache_shared")
    if shared is not None and shared.moved_elsewhere():
        _moved()


def _writes_data(statement: str) -> bool:
    head = statement.lstrip()[:10].upper()
    if head.startswith("WITH"):
        return any(word in statement.upper() for word in _WRITE_WORDS)
    return not head.startswith(_READS)


def watch_writes(engine: Engine) -> None:
    """Count committed writes on this engine (idempotent)."""
    if event.contains(engine, "before_cursor_execute", _on_execute):
        return
    event.listen(engine, "before_cursor_execute", _on_execute)
    event.listen(engine, "commit", _on_commit)
    event.listen(engine, "rollback", _on_rollback)
    event.listen(engine.pool, "checkin", _on_checkin)


def _on_execute(conn, cursor, statement, parameters, context, executemany) -> None:
    if _writes_data(statement):
        conn.info["wrote"] = True


def _on_commit(conn) -> None:
    # The event comes just before the database commits: move now (a page that started reading
    # earlier is no longer kept) and again when the connection goes back to the pool, after the
    # commit (a page that read just before the commit landed is not kept either).
    if conn.info.pop("wrote", False):
        shared = _SHARED.get(conn.engine)
        conn.info["moved"] = shared or True
        _moved(shared)


def _on_rollback(conn) -> None:
    conn.info.pop("wrote", None)


def _on_checkin(dbapi_connection, record) -> None:
    if record is not None and (moved := record.info.pop("moved", False)):
        _moved(moved if isinstance(moved, _Shared) else None)


@dataclass(frozen=True, slots=True)
class _Entry:
    body: bytes
    status: int
    headers: tuple[tuple[str, str], ...]
    nonce: bytes | None
    token: bytes | None
    generation: int
    born: float

    def response(self) -> Response:
        body = self.body
        if self.nonce:
            body = body.replace(self.nonce, csp_nonce().encode())
        if self.token:
            body = body.replace(self.token, generate_csrf().encode())
        response = Response(body, status=self.status, headers=list(self.headers))
        response.headers["X-Page-Cache"] = "hit"
        return response


class PageCache:
    def __init__(self, seconds: float, budget: int) -> None:
        self.seconds = seconds
        self.budget = budget
        self.max_bytes = budget // 16
        self.bytes = 0
        self._entries: OrderedDict[tuple, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> _Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry.generation != _generation or clock() - entry.born > self.seconds:
                self.bytes -= len(self._entries.pop(key).body)
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key: tuple, entry: _Entry) -> None:
        with self._lock:
            old = self._entries.pop(key, None)
            self.bytes += len(entry.body) - (len(old.body) if old else 0)
            self._entries[key] = entry
            while self.bytes > self.budget:
                self.bytes -= len(self._entries.popitem(last=False)[1].body)

    def keep(self, key: tuple, response: Response, generation: int, born: float, everyone: bool = False) -> None:
        """Keep a view's answer, unless it is personal after all or not a plain complete page."""
        if response.status_code != 200 or response.direct_passthrough or response.is_streamed:
            return
        if not everyone and ("_flashes" in session or "_user_id" in session):  # a login or a message
            return
        control = response.headers.get("Cache-Control", "")
        if "no-store" in control or "private" in control or "Set-Cookie" in response.headers:
            return
        body = response.get_data()
        if len(body) > self.max_bytes:
            return
        nonce = (g.get("csp_nonce") or "").encode()
        token = (g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")) or "").encode()
        headers = tuple((name, value) for name, value in response.headers.items() if name.lower() in _KEPT_HEADERS)
        entry = _Entry(
            body=body,
            status=200,
            headers=headers,
            nonce=nonce if nonce and nonce in body else None,
            token=token if token and token in body else None,
            generation=generation,
            born=born,
        )
        self.put(key, entry)
        response.headers["X-Page-Cache"] = "miss"

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.bytes = 0


def _key(everyone: bool = False) -> tuple | None:
    """The cache key of this request, or None when it must be answered by its view."""
    if request.method not in ("GET", "HEAD"):
        return None
    if everyone:  # the same answer whoever asks: who is logged in does not matter
        return (request.host, request.path, request.query_string, language())
    if "_user_id" in session or "_flashes" in session:
        return None
    if current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies:
        return None
    return (request.host, request.path, request.query_string, language())


def for_visitors(view: Callable) -> Callable:
    """Mark a page whose answer is the same for every visitor without an account. Put it below
    a rate limit: the limit counts answers from memory too."""
    return _kept(view, everyone=False)


def for_everyone(view: Callable) -> Callable:
    """Mark an answer that is the same whoever asks, logged in or not (the map's public JSON: no
    form, no nonce, nothing of the reader in it), so logged-in residents get it from memory too."""
    return _kept(view, everyone=True)


def _kept(view: Callable, everyone: bool) -> Callable:
    @wraps(view)
    def answer(*args, **kwargs):
        cache: PageCache | None = current_app.extensions.get("page_cache")
        key = _key(everyone) if cache is not None else None
        if key is None:
            return view(*args, **kwargs)
        entry = cache.get(key)
        if entry is not None:
            return entry.response()
        born_generation, born = g.get("page_cache_born") or (_generation, clock())
        response = current_app.make_response(view(*args, **kwargs))
        cache.keep(key, response, born_generation, born, everyone)
        return response

    return answer


class Fragments:
    """Rendered pieces of a page that are the same for every reader (a card in the list, the
    public part of an initiative), kept under the same rules as pages: no older than
    ``PAGE_CACHE_SECONDS``, and never across a write in this process. A logged-in reader's page
    is rendered for them, its shared pieces come from here. A piece that holds a form or a script
    gets each page's own CSRF token and nonce in place of the ones it was rendered with, as a kept
    page does (``_Entry.response``)."""

    def __init__(self, seconds: float, most: int) -> None:
        self.seconds = seconds
        self.most = most
        self._entries: OrderedDict[tuple, tuple[int, float, str, str | None, str | None]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, render: Callable[[], str]) -> Markup:
        born_generation, born = g.get("page_cache_born") or (_generation, clock())
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[0] == _generation and clock() - entry[1] <= self.seconds:
                self._entries.move_to_end(key)
                return self._personal(*entry[2:])
        html = str(render())
        token = g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
        nonce = g.get("csp_nonce")
        kept = (html, token if token and token in html else None, nonce if nonce and nonce in html else None)
        with self._lock:
            self._entries[key] = (born_generation, born, *kept)
            self._entries.move_to_end(key)
            while len(self._entries) > self.most:
                self._entries.popitem(last=False)
        return Markup(html)  # noqa: S704 (a rendered template: Jinja escaped what it put in)  # nosec B704

    @staticmethod
    def _personal(html: str, token: str | None, nonce: str | None) -> Markup:
        if token:
            html = html.replace(token, generate_csrf())
        if nonce:
            html = html.replace(nonce, csp_nonce())
        return Markup(html)  # noqa: S704 (a rendered template, with this page's token and nonce)  # nosec B704

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def fragment(key: tuple, render: Callable[[], str]) -> Markup:
    """``render()``'s HTML, from memory when it was rendered since the last write (per language
    and whatever else ``key`` holds), with this page's CSRF token and nonce; rendered every time
    when the page cache is off."""
    fragments: Fragments | None = current_app.extensions.get("fragments")
    if fragments is None:
        return Markup(render())  # noqa: S704 (a rendered template: Jinja escaped what it put in)  # nosec B704
    return fragments.get((*key, language()), render)


def kept(template: str, *key: object) -> Markup:
    """A template that reads nothing but the request's globals, kept per ``key`` and language
    (the menu per roles, the footer): for templates, as ``kept('_site_footer.html')``."""
    return fragment(("kept", template, *key), lambda: render_template(template))


def _note_start(sender: Flask, **extra) -> None:
    # Before anything in the request reads the database: on SQLite a read transaction keeps the
    # snapshot of its first statement, so a page is dated by when its request began.
    _catch_up()
    g.page_cache_born = (_generation, clock())


def register_page_cache(app: Flask) -> None:
    seconds = float(app.config["PAGE_CACHE_SECONDS"])
    if seconds <= 0:
        return
    app.extensions["page_cache"] = PageCache(seconds, int(float(app.config["PAGE_CACHE_MEGABYTES"]) * 1024 * 1024))
    app.extensions["fragments"] = Fragments(seconds, 5000)
    request_started.connect(_note_start, app)
    url = app.config.get("PAGE_CACHE_REDIS_URL") or app.config.get("JOBS_REDIS_URL")
    with app.app_context():
        watch_writes(db.engine)
        if url:
            app.extensions["page_cache_shared"] = _SHARED[db.engine] = _Shared(url)
