"""Council facts: one narrow row per contribution, and response times beside the timestamp

Revision ID: 0006
Revises: 0005
"""

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_fact_person": ["person_id", "day", "kind", "area_id", "trajectory_id", "type", "initiative_id"],
    "ix_fact_area": ["area_id", "person_id", "day", "kind", "trajectory_id", "type", "initiative_id"],
    "ix_fact_type": ["type", "kind", "day", "person_id", "area_id", "trajectory_id", "initiative_id"],
    "ix_fact_trajectory": ["trajectory_id", "day", "person_id", "kind", "area_id", "type", "initiative_id"],
    "ix_fact_day": ["day", "person_id", "kind", "area_id", "trajectory_id", "type", "initiative_id"],
    "ix_fact_initiative": ["initiative_id", "kind", "person_id", "day", "area_id", "trajectory_id", "type"],
    "ix_fact_meeting": ["meeting_id"],
}

INITIATIVE_INDEXES = {
    "ix_ifact_day": ["day"],
    "ix_ifact_trajectory": ["trajectory_id"],
    "ix_ifact_area": ["area_id"],
    "ix_ifact_response": ["response_hours", "day", "trajectory_id", "area_id", "type"],
    "ix_ifact_group": [
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
    ],
}


# --- frozen: platform_core/workdays.py as this revision used it (Algemene termijnenwet art. 3) ---


def _easter(year: int) -> date:
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday) // 451
    month, day = divmod(h + weekday - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _is_working_day(day: date) -> bool:
    sunday = _easter(day.year)
    kings_day = date(day.year, 4, 27)
    if kings_day.weekday() == 6:
        kings_day -= timedelta(days=1)
    holidays = {
        date(day.year, 1, 1),
        sunday + timedelta(days=1),
        sunday + timedelta(days=39),
        sunday + timedelta(days=50),
        kings_day,
        date(day.year, 5, 5),
        date(day.year, 12, 25),
        date(day.year, 12, 26),
    }
    return day.weekday() < 5 and day not in holidays


def working_days_between(start: datetime, end: datetime) -> float:
    if end <= start:
        return 0.0
    total = timedelta()
    cursor = start
    while cursor < end:
        next_midnight = (cursor + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        chunk_end = min(next_midnight, end)
        if _is_working_day(cursor.date()):
            total += chunk_end - cursor
        cursor = chunk_end
    return total.total_seconds() / 3600 / 24


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
    op.create_table(
        "fact_person",
        sa.Column("person_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("contributions", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("person_id"),
    )
    op.create_table(
        "fact_day",
        sa.Column("kind", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("day", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("contributions", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "day"),
    )
    op.create_table(
        "fact_area",
        sa.Column("area_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("area_id"),
    )
    op.add_column("initiative", sa.Column("first_response_hours", sa.Float(), nullable=True))
    op.add_column("initiative", sa.Column("first_response_workdays", sa.Float(), nullable=True))
    op.create_table(
        "initiative_fact",
        sa.Column("initiative_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("trajectory_id", sa.Integer(), nullable=True),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("type", sa.SmallInteger(), nullable=False),
        sa.Column("status", sa.SmallInteger(), nullable=False),
        sa.Column("outcome", sa.SmallInteger(), nullable=True),
        sa.Column("two_way", sa.SmallInteger(), nullable=False),
        sa.Column("budget_requested", sa.Integer(), nullable=True),
        sa.Column("budget_granted", sa.Integer(), nullable=True),
        sa.Column("budget_spent", sa.Integer(), nullable=True),
        sa.Column("response_hours", sa.Float(), nullable=True),
        sa.Column("response_workdays", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("initiative_id"),
    )
    for name, columns in INITIATIVE_INDEXES.items():
        op.create_index(name, "initiative_fact", columns)
    op.create_index("ix_pluim_target", "pluim", ["target_type", "target_id"])
    op.create_index(
        "ix_initiative_not_published",
        "initiative",
        ["id"],
        sqlite_where=sa.text("visibility != 'published'"),
        postgresql_where=sa.text("visibility != 'published'"),
    )

    # Existing data: response times here; the facts are computed by 0007, once the table of
    # (buurt, person) pairs they also fill exists.
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


def downgrade():
    op.drop_index("ix_initiative_not_published", table_name="initiative")
    op.drop_index("ix_pluim_target", table_name="pluim")
    for name in INITIATIVE_INDEXES:
        op.drop_index(name, table_name="initiative_fact")
    op.drop_table("initiative_fact")
    for table in ("fact_area", "fact_day", "fact_person"):
        op.drop_table(table)
    with op.batch_alter_table("initiative", schema=None) as batch_op:
        batch_op.drop_column("first_response_workdays")
        batch_op.drop_column("first_response_hours")
    for name in INDEXES:
        op.drop_index(name, table_name="contribution_fact")
    op.drop_table("contribution_fact")
