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


#: every initiative's stems (and SQLite's FTS5 rows) are filled at the head revision
REBUILDS = {"search"}
# frozen: the index expression as this revision made it (initiatives.search.PG_DOCUMENT then)
PG_DOCUMENT = (
    "(setweight(to_tsvector('simple', split_part(coalesce(search_text, ''), '|', 1)), 'A')"
    " || to_tsvector('simple', split_part(coalesce(search_text, ''), '|', 2)))"
)


def upgrade():
    op.add_column("initiative", sa.Column("search_text", sa.Text(), nullable=True))  # no table rebuild
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP INDEX IF EXISTS ix_initiative_fulltext")
        op.execute(f"CREATE INDEX ix_initiative_search ON initiative USING gin ({PG_DOCUMENT})")


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP INDEX IF EXISTS ix_initiative_search")
        op.execute(
            "CREATE INDEX ix_initiative_fulltext ON initiative USING gin (to_tsvector('dutch', coalesce(title,'')"
            " || ' ' || coalesce(summary,'') || ' ' || coalesce(description,'')))"
        )
        op.drop_column("initiative", "search_text")
    else:  # SQLite drops a column in place; a batch copy would lose SpatiaLite's geometry registration
        op.execute("ALTER TABLE initiative DROP COLUMN search_text")
