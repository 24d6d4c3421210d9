"""The participatieverslag's files and the archive's e-depot packages are made by jobs and kept
until they are downloaded (report_file, archive_package).

Revision ID: 0033
Revises: 0032
"""

import sqlalchemy as sa
from alembic import op

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_file",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(5), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("ready_at", sa.DateTime(), nullable=True),
        sa.Column("html", sa.Text(), nullable=True),
        sa.Column("csv", sa.Text(), nullable=True),
        sa.UniqueConstraint("kind", "subject_id", "language", name="uq_report_file_subject"),
    )
    op.create_table(
        "archive_package",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "requested_by_id", sa.Integer(), sa.ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True
        ),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("ready_at", sa.DateTime(), nullable=True),
        sa.Column("entries", sa.Integer(), nullable=True),
        sa.Column("head_seq", sa.Integer(), nullable=True),
        sa.Column("head_hash", sa.String(64), nullable=True),
        sa.Column("sha256", sa.String(64), nullable=True),
        sa.Column("size_bytes", sa.Integer(), nullable=True),
        sa.Column("data", sa.LargeBinary(), nullable=True),
    )


def downgrade():
    op.drop_table("archive_package")
    op.drop_table("report_file")
