"""Comments in pages: an index that serves the keyset (an initiative's top-level comments in id order).

Revision ID: 0012
Revises: 0011
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_comment_thread", "comment", ["initiative_id", "parent_id", "id"])


def downgrade():
    op.drop_index("ix_comment_thread", table_name="comment")
