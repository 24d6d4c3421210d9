"""Council facts kept by deltas: contributions per (buurt, person), so a buurt's distinct people
move by one instead of being recounted; the facts are (re)computed from the source tables.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None
REBUILDS = {"council_facts"}


def upgrade():
    op.create_table(
        "fact_area_person",
        sa.Column("area_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("person_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("contributions", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("area_id", "person_id"),
    )
    # Existing data: every fact and summary is computed from the source tables once the database
    # reaches the head revision (REBUILDS; migrations/env.py), by the code that matches that schema.


def downgrade():
    op.drop_table("fact_area_person")
