"""Spatial database setup shared by SpatiaLite (embedded default) and PostGIS.

The pyenv Python is built without ``sqlite3.enable_load_extension``, so SQLite
URLs are opened through ``sqlean`` (a DB-API module with extension loading),
and every new connection loads SpatiaLite, switches to WAL and sets a busy
timeout. Transactions are begun explicitly (SQLAlchemy's pysqlite recipe) so
that read-then-write services can ask for ``BEGIN IMMEDIATE``.
"""

from __future__ import annotations

from typing import Any

from flask import request
from sqlalchemy import event, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from .extensions import db

SRID = 4326


def engine_options(uri: str) -> dict[str, Any]:
    if uri.startswith("sqlite"):
        import sqlean

        return {"module": sqlean, "connect_args": {"timeout": 30, "check_same_thread": False}}
    # Every statement planned for its own values: a prepared statement's generic plan would treat
    # a word in most initiatives like a rare one (psycopg prepares after five executions).
    return {"pool_pre_ping": True, "connect_args": {"options": "-c plan_cache_mode=force_custom_plan"}}


def is_sqlite(bind: Any) -> bool:
    return bind.dialect.name == "sqlite"


SQLITE_MMAP_BYTES = 1 << 30  # address space, not memory: pages come from the OS page cache
SQLITE_CACHE_KIB = 32 * 1024  # per connection, filled only as pages are read


def install_sqlite_hooks(engine: Engine, library: str) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None
        dbapi_conn.enable_load_extension(True)
        dbapi_conn.load_extension(library)
        dbapi_conn.enable_load_extension(False)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA busy_timeout = 30000")
        if cur.execute("PRAGMA journal_mode").fetchone()[0] != "memory":
            cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA synchronous = NORMAL")
        # Reads of large tables (the council's facts) straight from the OS page cache, shared by every
        # connection and process, instead of copied page by page into each connection's own cache.
        cur.execute(f"PRAGMA mmap_size = {SQLITE_MMAP_BYTES}")
        cur.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        has_meta = cur.execute("SELECT count(*) FROM sqlite_master WHERE name = 'spatial_ref_sys'").fetchone()[0]
        if not has_meta:
            cur.execute("SELECT InitSpatialMetaData(1, 'WGS84')")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")
        conn.info["changes_at_begin"] = conn.connection.dbapi_connection.total_changes


def dialect_insert(bind, table):
    """``INSERT`` with ``ON CONFLICT`` for this database (PostgreSQL and SQLite both have it):
    writes that many people make at once upsert instead of colliding on a key."""
    dialect = postgresql if bind.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def bbox_filter(session, column, table: str, geom_column: str, bbox: tuple[float, ...]):
    """A WHERE clause selecting rows whose geometry's box meets ``bbox``, via the index.

    SpatiaLite never uses its R*Tree on its own: the query must go through the
    ``SpatialIndex`` virtual table. PostGIS uses the GiST index for ``&&``.
    """
    minx, miny, maxx, maxy = bbox
    if is_sqlite(session.get_bind()):
        rowids = text(
            "SELECT rowid FROM SpatialIndex WHERE f_table_name = :sk_t "
            "AND f_geometry_column = :sk_c AND search_frame = BuildMbr(:sk_x1, :sk_y1, :sk_x2, :sk_y2, 4326)"
        ).bindparams(sk_t=table, sk_c=geom_column, sk_x1=minx, sk_y1=miny, sk_x2=maxx, sk_y2=maxy)
        return column.table.c.id.in_(rowids)
    return column.intersects(func.ST_MakeEnvelope(minx, miny, maxx, maxy, SRID))


WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def register_write_transactions(app) -> None:
    """On SQLite, a request that may write holds the write lock from its first statement.

    A deferred transaction that read first cannot always become a writer when another
    connection wrote in between (SQLITE_BUSY_SNAPSHOT, answered at once, not after the busy
    timeout), so every POST begins ``BEGIN IMMEDIATE``: writers queue on the lock instead of
    failing. Reads (GET) stay deferred and never wait. PostgreSQL needs nothing here.
    """

    @app.before_request
    def _immediate() -> None:
        if request.method in WRITE_METHODS and db.engine.dialect.name == "sqlite":
            begin_write(db.session)


def begin_write(session) -> None:
    """Start a read-then-write transaction that holds the write lock from its first statement.

    SQLite has no ``SELECT … FOR UPDATE``: a deferred transaction that read first cannot
    always upgrade to a writer under concurrency (SQLITE_BUSY_SNAPSHOT), so services that
    check-then-write begin with ``BEGIN IMMEDIATE``. A read-only transaction already open
    (for instance from loading the logged-in user) is **ended with a rollback** first: it wrote
    nothing, so nothing is lost, and ending it can never commit anything half-way; what it
    loaded is read again inside the new transaction. One that already wrote holds the lock and
    simply continues. PostgreSQL needs nothing here: services lock rows.
    """
    if session.get_bind().dialect.name != "sqlite":
        return
    session = session() if hasattr(session, "registry") else session  # unwrap scoped_session
    if session.in_transaction() and session.info.get("immediate") is session.get_transaction():
        return  # this transaction already holds the write lock
    if session.in_transaction():
        if session.new or session.dirty or session.deleted or _wrote(session):
            return  # a writer already holds the lock (and must not be committed half-way)
        session.rollback()  # the read-only transaction ends; nothing in it was written
    session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
    session.info["immediate"] = session.get_transaction()


def _wrote(session) -> bool:
    connection = session.connection()
    raw = connection.connection.dbapi_connection
    return raw.total_changes != connection.info.get("changes_at_begin", raw.total_changes)


def lock_row(session, model, row_id: int) -> None:
    """Serialise check-then-write on one row: ``FOR UPDATE`` on PostgreSQL; on SQLite the
    ``BEGIN IMMEDIATE`` from ``begin_write`` already holds the database's write lock."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(model.id).where(model.id == row_id).with_for_update())
