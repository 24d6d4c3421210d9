"""An initiator asks for their initiative to join a co-creation trajectory; a civil servant
accepts (placing it) or declines with a reason.

Revision ID: 0022
Revises: 0021
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trajectory_request",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("initiative_id", sa.Integer(), sa.ForeignKey("initiative.id", ondelete="CASCADE"), nullable=False),
        sa.Column("trajectory_id", sa.Integer(), sa.ForeignKey("trajectory.id", ondelete="CASCADE"), nullable=False),
        sa.Column("asked_by_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=False),
        sa.Column("message", sa.String(500), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=True),
        sa.Column("accepted", sa.Boolean(), nullable=True),
        sa.Column("reason", sa.String(500), nullable=True),
    )
    op.create_index("ix_trajectory_request_initiative_id", "trajectory_request", ["initiative_id"])
    op.create_index("ix_trajectory_request_open", "trajectory_request", ["trajectory_id", "decided_at"])


def downgrade() -> None:
    op.drop_index("ix_trajectory_request_open", table_name="trajectory_request")
    op.drop_index("ix_trajectory_request_initiative_id", table_name="trajectory_request")
    op.drop_table("trajectory_request")
