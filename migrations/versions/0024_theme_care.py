"""Themes an administrator looks after: an English name beside the Dutch one, and retiring a
theme (it is no longer offered, initiatives keep it) instead of deleting it.

Revision ID: 0024
Revises: 0023
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("theme", sa.Column("name_en", sa.String(80), nullable=True))
    op.add_column("theme", sa.Column("retired_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("theme") as batch:
        batch.drop_column("retired_at")
        batch.drop_column("name_en")
