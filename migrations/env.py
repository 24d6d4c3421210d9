import logging
from logging.config import fileConfig

import sqlalchemy as sa
from alembic import context
from alembic.script import ScriptDirectory
from flask import current_app
from geoalchemy2 import alembic_helpers

# this is the Alembic Config object, which provides
# access to the values within the .ini file in use.
config = context.config

# Interpret the config file for Python logging.
# This line sets up loggers basically.
fileConfig(config.config_file_name)
logger = logging.getLogger("alembic.env")


def get_engine():
    return current_app.extensions["migrate"].db.engine


def get_engine_url():
    try:
        return get_engine().url.render_as_string(hide_password=False).replace("%", "%%")
    except AttributeError:
        return str(get_engine().url).replace("%", "%%")


# add your model's MetaData object here
# for 'autogenerate' support
# from myapp import mymodel
# target_metadata = mymodel.Base.metadata
config.set_main_option("sqlalchemy.url", get_engine_url())
target_db = current_app.extensions["migrate"].db

# other values from the config, defined by the needs of env.py,
# can be acquired:
# my_important_option = config.get_main_option("my_important_option")
# ... etc.


def get_metadata():
    if hasattr(target_db, "metadatas"):
        return target_db.metadatas[None]
    return target_db.metadata


def run_migrations_offline():
    """Run migrations in 'offline' mode.

    This configures the context with just a URL
    and not an Engine, though an Engine is acceptable
    here as well.  By skipping the Engine creation
    we don't even need a DBAPI to be available.

    Calls to context.execute() here emit the given string to the
    script output.

    """
    url = config.get_main_option("sqlalchemy.url")
    context.configure(url=url, target_metadata=get_metadata(), literal_binds=True)

    with context.begin_transaction():
        context.run_migrations()


SPATIALITE_INTERNALS = {
    "KNN",
    "KNN2",
    "data_licenses",
    "sql_statements_log",
    "ElementaryGeometries",
    "SpatialIndex",
    "initiative_fts",
}


# Derived data (schatkaart/derived.py) named by the migrations that ran, waiting for the head.
PENDING = "schema_rebuild_pending"


def _pending_table(connection):
    connection.execute(sa.text(f"CREATE TABLE IF NOT EXISTS {PENDING} (name VARCHAR(40) PRIMARY KEY)"))


def _note_rebuilds(ctx, step, heads, run_args):
    """After each upgrade step: remember what it says must be rebuilt (``REBUILDS``)."""
    if not step.is_upgrade:
        return
    module = ScriptDirectory.from_config(config).get_revision(step.up_revision_id).module
    for name in sorted(getattr(module, "REBUILDS", ())):
        ctx.connection.execute(sa.text(f"DELETE FROM {PENDING} WHERE name = :n"), {"n": name})
        ctx.connection.execute(sa.text(f"INSERT INTO {PENDING} (name) VALUES (:n)"), {"n": name})


def _rebuild_at_head(connection):
    """At the head revision, today's code meets today's schema: rebuild what waits, in order."""
    heads = set(ScriptDirectory.from_config(config).get_heads())
    if set(context.get_context().get_current_heads()) != heads:
        return
    waiting = {row[0] for row in connection.execute(sa.text(f"SELECT name FROM {PENDING}"))}
    if not waiting:
        return
    from schatkaart.derived import REBUILDERS

    for name, rebuild in REBUILDERS.items():
        if name in waiting:
            logger.info("Rebuilding derived data: %s", name)
            rebuild(connection)
    connection.execute(sa.text(f"DELETE FROM {PENDING}"))


def include_object(obj, name, type_, reflected, compare_to):
    # SpatiaLite's own tables, our FTS table and the rebuild list are not part of the models.
    if type_ == "table" and name == PENDING:
        return False
    if type_ == "table" and (name in SPATIALITE_INTERNALS or name.startswith("initiative_fts")):
        return False
    if type_ == "index" and name == "ix_initiative_fulltext":
        return False
    return alembic_helpers.include_object(obj, name, type_, reflected, compare_to)


def run_migrations_online():
    """Run migrations in 'online' mode.

    In this scenario we need to create an Engine
    and associate a connection with the context.

    """

    # this callback is used to prevent an auto-migration from being generated
    # when there are no changes to the schema
    # reference: http://alembic.zzzcomputing.com/en/latest/cookbook.html
    def process_revision_directives(context, revision, directives):
        # geoalchemy2 rewrites table/column ops into spatial ones for each dialect.
        alembic_helpers.writer(context, revision, directives)
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    conf_args = current_app.extensions["migrate"].configure_args
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives
    conf_args.setdefault("include_object", include_object)
    conf_args.setdefault("render_item", alembic_helpers.render_item)

    connectable = get_engine()

    with connectable.connect() as connection:
        if connection.dialect.name == "sqlite":
            # Batch operations copy tables; foreign keys must be off outside the transaction.
            connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")
        conf_args.setdefault("on_version_apply", _note_rebuilds)
        context.configure(connection=connection, target_metadata=get_metadata(), **conf_args)

        with context.begin_transaction():
            _pending_table(connection)
            context.run_migrations()
            _rebuild_at_head(connection)
        if connection.in_transaction():  # SQLite (no transactional DDL): the rebuild's own writes
            connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
