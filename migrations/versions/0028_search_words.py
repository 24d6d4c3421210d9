"""The words the search index holds, kept by every write: the vocabulary that compound words and
"did you mean" are read from, instead of PostgreSQL's ts_stat over every initiative's text (a
full scan that outgrew the search time limit at a million initiatives, so every question with a
word of four letters or more answered 503 there).

Revision ID: 0028
Revises: 0027
"""

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None
REBUILDS = {"search_words"}  # filled from every initiative's stems at the head revision


def upgrade():
    op.create_table("search_word", sa.Column("word", sa.String(100), primary_key=True))


def downgrade():
    op.drop_table("search_word")
