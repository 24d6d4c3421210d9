"""The vocabulary a question is widened with is the index's words made of letters only: a partial
index on them, so reading it does not read every number any text ever held (a million at a
million initiatives, 1.5 s every five minutes in a search request).

Revision ID: 0035
Revises: 0034
"""

import sqlalchemy as sa
from alembic import op

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None

# the same condition as initiatives.models.LETTERS_ONLY, written here as it was at this revision
WHERE = {"sqlite": "word NOT GLOB '*[0-9]*'", "postgresql": "word !~ '[0-9]'"}


def upgrade():
    where = WHERE[op.get_bind().dialect.name]
    op.create_index(
        "ix_search_word_letters", "search_word", ["word"], sqlite_where=sa.text(where), postgresql_where=sa.text(where)
    )


def downgrade():
    op.drop_index("ix_search_word_letters", table_name="search_word")
