"""PostgreSQL keeps each initiative's search document: a stored, generated ``search_vector``
with a GIN index, so matching and ranking read it instead of parsing the text again per row.
SQLite's FTS5 table already stores its document; nothing changes there.

Revision ID: 0026
Revises: 0025
"""

from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

# frozen: the document as this revision makes it (initiatives.search.PG_DOCUMENT then)
PG_DOCUMENT = (
    "(setweight(to_tsvector('simple', split_part(coalesce(search_text, ''), '|', 1)), 'A')"
    " || to_tsvector('simple', split_part(coalesce(search_text, ''), '|', 2)))"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute(f"ALTER TABLE initiative ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({PG_DOCUMENT}) STORED")
    op.execute("CREATE INDEX ix_initiative_search_vector ON initiative USING gin (search_vector)")
    op.execute("DROP INDEX IF EXISTS ix_initiative_search")
    op.execute("ANALYZE initiative")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute(f"CREATE INDEX ix_initiative_search ON initiative USING gin ({PG_DOCUMENT})")
    op.execute("DROP INDEX IF EXISTS ix_initiative_search_vector")
    op.execute("ALTER TABLE initiative DROP COLUMN search_vector")
