"""Residents' rights, the public record and pictures: consent versions, data-export links,
retention dates, contact messages kept for a while, the hash-chained archive, initiative images.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("consent_version", sa.String(20), nullable=True))
        batch.add_column(sa.Column("inactivity_warned_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("last_login_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("erased_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("initiative") as batch:
        batch.add_column(sa.Column("cover_thumb", sa.String(64), nullable=True))
    op.create_table(
        "consent",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False),
        sa.Column("version", sa.String(20), nullable=False),
        sa.Column("given_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("user_id", "version"),
    )
    op.create_index("ix_consent_user_id", "consent", ["user_id"])
    op.create_table(
        "data_export",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("fmt", sa.String(4), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_data_export_user_id", "data_export", ["user_id"])
    op.create_table(
        "contact_message",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("initiative_id", sa.Integer(), sa.ForeignKey("initiative.id", ondelete="CASCADE"), nullable=False),
        sa.Column("sender_id", sa.Integer(), sa.ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True),
        sa.Column("sender_name", sa.String(80), nullable=False),
        sa.Column("sender_email", sa.String(254), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_contact_message_initiative_id", "contact_message", ["initiative_id"])
    op.create_index("ix_contact_message_sender_id", "contact_message", ["sender_id"])
    op.create_index("ix_contact_message_created_at", "contact_message", ["created_at"])
    op.create_table(
        "initiative_image",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("initiative_id", sa.Integer(), sa.ForeignKey("initiative.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("thumb_name", sa.String(64), nullable=False, unique=True),
        sa.Column("alt", sa.String(250), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), sa.ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_initiative_image_initiative_id", "initiative_image", ["initiative_id"])
    op.create_table(
        "stored_file",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("data", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "archive_entry",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("seq", sa.Integer(), nullable=False, unique=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("subject_type", sa.String(20), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("erasable_digests", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_archive_entry_kind", "archive_entry", ["kind"])
    op.create_index("ix_archive_entry_subject", "archive_entry", ["subject_type", "subject_id"])
    op.create_table(
        "archive_erasable",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("entry_seq", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(30), nullable=False),
        sa.Column("salt", sa.String(32), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.UniqueConstraint("entry_seq", "field"),
    )
    op.create_index("ix_archive_erasable_entry_seq", "archive_erasable", ["entry_seq"])
    op.create_index("ix_archive_erasable_person_id", "archive_erasable", ["person_id"])
    op.create_table(
        "archive_head",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.execute("INSERT INTO archive_head (id, seq, hash) VALUES (1, 0, '" + "0" * 64 + "')")


def downgrade():
    for table in (
        "archive_head",
        "archive_erasable",
        "archive_entry",
        "stored_file",
        "initiative_image",
        "contact_message",
        "data_export",
        "consent",
    ):
        op.drop_table(table)
    with op.batch_alter_table("initiative") as batch:
        batch.drop_column("cover_thumb")
    with op.batch_alter_table("user_account") as batch:
        for name in ("erased_at", "last_login_at", "inactivity_warned_at", "consent_version"):
            batch.drop_column(name)
