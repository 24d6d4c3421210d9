"""The map's grid: counts of published initiatives per cell, zoom level and type.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None
REBUILDS = {"map_grid"}


def upgrade():
    op.create_table(
        "map_cell",
        sa.Column("zoom", sa.Integer(), nullable=False),
        sa.Column("gx", sa.Integer(), nullable=False),
        sa.Column("gy", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(30), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("sum_lon", sa.Float(), nullable=False, server_default="0"),
        sa.Column("sum_lat", sa.Float(), nullable=False, server_default="0"),
        sa.Column("sum_id", sa.BigInteger(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("zoom", "gx", "gy", "type"),
    )
    # filled from the published initiatives at the head revision (REBUILDS; migrations/env.py)


def downgrade():
    op.drop_table("map_cell")
