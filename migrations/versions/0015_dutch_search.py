"""Dutch search that finds what people type: folded Dutch stems for SQLite's FTS5 table and a
``search_text`` column with a GIN index for PostgreSQL, filled for every initiative.

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    from initiatives.search import PG_DOCUMENT, search_text, terms  # the same as the write path

    op.add_column("initiative", sa.Column("search_text", sa.Text(), nullable=True))  # no table rebuild
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    if sqlite:
        bind.execute(sa.text("DELETE FROM initiative_fts"))
    rows = bind.execute(sa.text("SELECT id, title, summary, description FROM initiative ORDER BY id")).all()
    for start in range(0, len(rows), 2000):
        chunk = rows[start : start + 2000]
        bind.execute(
            sa.text("UPDATE initiative SET search_text = :s WHERE id = :i"),
            [{"i": i, "s": search_text(t, s, d)} for i, t, s, d in chunk],
        )
        if sqlite:
            bind.execute(
                sa.text("INSERT INTO initiative_fts(rowid, title, summary, description) VALUES (:i, :t, :s, :d)"),
                [
                    {"i": i, "t": " ".join(terms(t)), "s": " ".join(terms(s)), "d": " ".join(terms(d))}
                    for i, t, s, d in chunk
                ],
            )
    if not sqlite:
        op.execute("DROP INDEX IF EXISTS ix_initiative_fulltext")
        op.execute(f"CREATE INDEX ix_initiative_search ON initiative USING gin ({PG_DOCUMENT})")


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP INDEX IF EXISTS ix_initiative_search")
        op.execute(
            "CREATE INDEX ix_initiative_fulltext ON initiative USING gin (to_tsvector('dutch', coalesce(title,'')"
            " || ' ' || coalesce(summary,'') || ' ' || coalesce(description,'')))"
        )
    with op.batch_alter_table("initiative") as batch:
        batch.drop_column("search_text")
