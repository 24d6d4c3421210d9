"""A picture is cleaned and made smaller by a job after the upload (initiatives.images.derive):
``ready_at`` says it has been; every picture from before was made in its upload's request.

Revision ID: 0034
Revises: 0033
"""

import sqlalchemy as sa
from alembic import op

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("initiative_image") as batch:
        batch.add_column(sa.Column("ready_at", sa.DateTime(), nullable=True))
    op.execute("UPDATE initiative_image SET ready_at = created_at")


def downgrade():
    with op.batch_alter_table("initiative_image") as batch:
        batch.drop_column("ready_at")
