"""The council's figures at a million contributions: the per-person summary is counted from an index,
and a trajectory's initiatives are read from one covering index range.

Revision ID: 0018
Revises: 0017
"""

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

TRAJECTORY = [
    "trajectory_id",
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
    "own",
]


def upgrade():
    # The unfiltered frequency table (people per number of contributions) walks this index in order.
    op.create_index("ix_fact_person_contributions", "fact_person", ["contributions"])
    # A trajectory's initiatives: one range of a covering index instead of a row read per initiative.
    op.drop_index("ix_ifact_trajectory", table_name="initiative_fact")
    op.create_index("ix_ifact_trajectory", "initiative_fact", TRAJECTORY)


def downgrade():
    op.drop_index("ix_ifact_trajectory", table_name="initiative_fact")
    op.create_index("ix_ifact_trajectory", "initiative_fact", ["trajectory_id"])
    op.drop_index("ix_fact_person_contributions", table_name="fact_person")
