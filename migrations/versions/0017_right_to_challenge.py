"""Uitdaagrecht: challenges with the terms they were filed under, their backers, and the questions
and answers about them.

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "challenge",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("task", sa.Text(), nullable=False),
        sa.Column("motivation", sa.Text(), nullable=False),
        sa.Column("needs", sa.Text(), nullable=False),
        sa.Column("support", sa.Text(), nullable=False),
        sa.Column("budget_needed", sa.Integer(), nullable=True),
        sa.Column("challenger", sa.String(12), nullable=False),
        sa.Column("organisation", sa.String(120), nullable=True),
        sa.Column("owner_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=False),
        sa.Column("area_id", sa.Integer(), sa.ForeignKey("area.id"), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column(
            "linked_initiative_id", sa.Integer(), sa.ForeignKey("initiative.id", ondelete="SET NULL"), nullable=True
        ),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("criteria", sa.Text(), nullable=False),
        sa.Column("ack_due_at", sa.DateTime(), nullable=False),
        sa.Column("decide_due_at", sa.DateTime(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(), nullable=True),
        sa.Column("assessment", sa.Text(), nullable=False),
        sa.Column("decision", sa.String(12), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=True),
        sa.Column("agreement", sa.Text(), nullable=True),
        sa.Column("initiative_id", sa.Integer(), sa.ForeignKey("initiative.id", ondelete="SET NULL"), nullable=True),
        sa.Column("supporters_count", sa.Integer(), nullable=False, server_default="0"),
    )
    for column in ("owner_id", "area_id", "decide_due_at", "state", "created_at"):
        op.create_index(f"ix_challenge_{column}", "challenge", [column])
    op.create_table(
        "challenge_support",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("challenge_id", sa.Integer(), sa.ForeignKey("challenge.id", ondelete="CASCADE"), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("challenge_id", "user_id"),
    )
    op.create_index("ix_challenge_support_challenge_id", "challenge_support", ["challenge_id"])
    op.create_index("ix_challenge_support_user_id", "challenge_support", ["user_id"])
    op.create_table(
        "challenge_message",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("challenge_id", sa.Integer(), sa.ForeignKey("challenge.id", ondelete="CASCADE"), nullable=False),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True),
        sa.Column("from_municipality", sa.Boolean(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_challenge_message_challenge_id", "challenge_message", ["challenge_id"])


def downgrade():
    op.drop_table("challenge_message")
    op.drop_table("challenge_support")
    op.drop_table("challenge")
