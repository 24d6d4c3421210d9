"""The search vocabulary holds every token of the index (letters and digits, as FTS5 splits them),
not only the alphabetic words: SQLite asks a question's prefix as the index's words that start
with it, so the words must all be there.

Revision ID: 0030
Revises: 0029
"""

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None
REBUILDS = {"search_words"}  # filled from every initiative's stems at the head revision


def upgrade():
    pass


def downgrade():
    pass  # the extra words only widen a question by terms that match what they always matched
