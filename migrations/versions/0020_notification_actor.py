"""A notification remembers whose action it tells of (``actor_id``), so erasing that person's
account removes their name and words from other people's notifications (AVG art. 17).

Revision ID: 0020
Revises: 0019
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("notification", sa.Column("actor_id", sa.Integer(), nullable=True))
    op.create_index("ix_notification_actor_id", "notification", ["actor_id"])


def downgrade() -> None:
    op.drop_index("ix_notification_actor_id", table_name="notification")
    with op.batch_alter_table("notification") as batch:
        batch.drop_column("actor_id")
