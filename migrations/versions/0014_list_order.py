"""The list of initiatives in order without sorting them all: newest and most recently active.

Revision ID: 0014
Revises: 0013
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_initiative_created", "initiative", ["created_at", "id"])
    op.create_index("ix_initiative_activity", "initiative", ["last_activity_at", "id"])


def downgrade():
    op.drop_index("ix_initiative_activity", table_name="initiative")
    op.drop_index("ix_initiative_created", table_name="initiative")
