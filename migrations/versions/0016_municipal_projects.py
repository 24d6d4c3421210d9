"""A civil servant's own project: placed for the municipality, it waits for nobody's answer.

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None
#: the council's facts read the new column: rebuilt at the head (migrations/env.py)
REBUILDS = {"council_facts"}

GROUP = [
    "type",
    "status",
    "outcome",
    "area_id",
    "two_way",
    "budget_requested",
    "budget_granted",
    "budget_spent",
    "response_hours",
    "response_workdays",
    "day",
    "trajectory_id",
]


def upgrade():
    # Plain ADD COLUMN (no table rebuild, which would lose SpatiaLite's geometry registration).
    op.add_column(
        "initiative", sa.Column("by_municipality", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.add_column("initiative_fact", sa.Column("own", sa.SmallInteger(), nullable=False, server_default="0"))
    # The dashboard's covering index reads the new column too.
    op.drop_index("ix_ifact_group", table_name="initiative_fact")
    op.create_index("ix_ifact_group", "initiative_fact", [*GROUP, "own"])


def downgrade():
    op.drop_index("ix_ifact_group", table_name="initiative_fact")
    op.create_index("ix_ifact_group", "initiative_fact", GROUP)
    with op.batch_alter_table("initiative_fact") as batch:
        batch.drop_column("own")
    with op.batch_alter_table("initiative") as batch:
        batch.drop_column("by_municipality")
