"""A person's own data is gathered by a job, not in the request that asks for it: the export
link keeps the gathered data until it is used (then emptied) and says when it was ready.

Revision ID: 0031
Revises: 0030
"""

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("data_export") as batch:
        batch.add_column(sa.Column("ready_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("body", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("data_export") as batch:
        batch.drop_column("body")
        batch.drop_column("ready_at")
