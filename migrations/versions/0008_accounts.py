"""Accounts a municipality can trust: confirmed e-mail, revocable sessions, TOTP and recovery codes.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("email_confirmed_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("session_version", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("password_changed_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("totp_secret", sa.String(64), nullable=True))
        batch.add_column(sa.Column("totp_enabled_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("totp_last_step", sa.BigInteger(), nullable=True))
    # Accounts from before confirmation existed were accepted as they were.
    op.execute("UPDATE user_account SET email_confirmed_at = created_at")
    op.create_table(
        "recovery_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "code_hash"),
    )
    op.create_index("ix_recovery_code_user_id", "recovery_code", ["user_id"])


def downgrade():
    op.drop_index("ix_recovery_code_user_id", table_name="recovery_code")
    op.drop_table("recovery_code")
    with op.batch_alter_table("user_account") as batch:
        for column in (
            "totp_last_step",
            "totp_enabled_at",
            "totp_secret",
            "password_changed_at",
            "session_version",
            "email_confirmed_at",
        ):
            batch.drop_column(column)
