"""The council's figures come from a snapshot in memory (council.cube), which reads the fact tables
whole: the summaries and indexes that served SQL figures per filter go, and with them most of what
a contribution wrote beside its fact (the per-day and per-buurt rows every writer updated).

Kept: the facts, the per-person summary (the ambassador's newcomers read its first day), and the
indexes that writes and the ambassador page use.

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

FACT_INDEXES = {
    "ix_fact_type": ["type", "kind", "day", "person_id", "area_id", "trajectory_id", "initiative_id"],
    "ix_fact_trajectory": ["trajectory_id", "day", "person_id", "kind", "area_id", "type", "initiative_id"],
    "ix_fact_day": ["day", "person_id", "kind", "area_id", "trajectory_id", "type", "initiative_id"],
}
READS = [
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
]
INITIATIVE_INDEXES = {
    "ix_ifact_day": ["day"],
    "ix_ifact_trajectory": ["trajectory_id", *READS, "own"],
    "ix_ifact_area": ["area_id"],
    "ix_ifact_response": ["response_hours", "day", "trajectory_id", "area_id", "type"],
    "ix_ifact_group": [*READS, "trajectory_id", "own"],
}


def upgrade():
    for table in ("fact_area", "fact_area_person", "fact_day"):
        op.drop_table(table)
    op.drop_index("ix_fact_person_contributions", table_name="fact_person")
    for name in FACT_INDEXES:
        op.drop_index(name, table_name="contribution_fact")
    for name in INITIATIVE_INDEXES:
        op.drop_index(name, table_name="initiative_fact")


def downgrade():
    for name, columns in INITIATIVE_INDEXES.items():
        op.create_index(name, "initiative_fact", columns)
    for name, columns in FACT_INDEXES.items():
        op.create_index(name, "contribution_fact", columns)
    op.create_index("ix_fact_person_contributions", "fact_person", ["contributions"])
    op.create_table(
        "fact_day",
        sa.Column("kind", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("day", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("contributions", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "day"),
    )
    op.create_table(
        "fact_area_person",
        sa.Column("area_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("person_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("contributions", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("area_id", "person_id"),
    )
    op.create_table(
        "fact_area",
        sa.Column("area_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("area_id"),
    )
    # Filled from the facts, as the code of 0018 kept them.
    op.execute("INSERT INTO fact_day (kind, day, contributions) SELECT kind, day, count(*) FROM contribution_fact GROUP BY kind, day")
    op.execute(
        "INSERT INTO fact_area_person (area_id, person_id, contributions) SELECT area_id, person_id, count(*) "
        "FROM contribution_fact WHERE area_id IS NOT NULL GROUP BY area_id, person_id"
    )
    op.execute(
        "INSERT INTO fact_area (area_id, people) SELECT area_id, count(DISTINCT person_id) "
        "FROM contribution_fact WHERE area_id IS NOT NULL GROUP BY area_id"
    )
