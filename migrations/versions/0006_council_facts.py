"""Council facts: one narrow row per contribution, and response times beside the timestamp

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_fact_person": ["person_id", "day"],
    "ix_fact_kind": ["kind", "day", "person_id"],
    "ix_fact_day": ["day", "person_id", "kind", "area_id", "trajectory_id", "type"],
    "ix_fact_trajectory": ["trajectory_id", "day", "person_id", "kind", "area_id", "type"],
    "ix_fact_area": ["area_id", "person_id", "day", "kind", "trajectory_id", "type"],
    "ix_fact_initiative": ["initiative_id"],
    "ix_fact_meeting": ["meeting_id"],
}


def upgrade():
    op.create_table(
        "contribution_fact",
        sa.Column("kind", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("source_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("trajectory_id", sa.Integer(), nullable=True),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("type", sa.SmallInteger(), nullable=True),
        sa.PrimaryKeyConstraint("kind", "source_id"),
    )
    for name, columns in INDEXES.items():
        op.create_index(name, "contribution_fact", columns)
    op.add_column("initiative", sa.Column("first_response_hours", sa.Float(), nullable=True))
    op.add_column("initiative", sa.Column("first_response_workdays", sa.Float(), nullable=True))

    # Existing data: compute response times and the facts with the application's own code.
    from council.facts import rebuild
    from trajectories.workdays import working_days_between

    bind = op.get_bind()
    initiative = sa.table(
        "initiative",
        sa.column("id", sa.Integer),
        sa.column("created_at", sa.DateTime),
        sa.column("first_response_at", sa.DateTime),
        sa.column("first_response_hours", sa.Float),
        sa.column("first_response_workdays", sa.Float),
    )
    typed = bind.execute(
        sa.select(initiative.c.id, initiative.c.created_at, initiative.c.first_response_at).where(
            initiative.c.first_response_at.is_not(None)
        )
    ).all()
    for row_id, created, answered in typed:
        bind.execute(
            initiative.update()
            .where(initiative.c.id == row_id)
            .values(
                first_response_hours=round((answered - created).total_seconds() / 3600, 4),
                first_response_workdays=round(working_days_between(created, answered), 4),
            )
        )
    rebuild(bind)


def downgrade():
    with op.batch_alter_table("initiative", schema=None) as batch_op:
        batch_op.drop_column("first_response_workdays")
        batch_op.drop_column("first_response_hours")
    for name in INDEXES:
        op.drop_index(name, table_name="contribution_fact")
    op.drop_table("contribution_fact")
