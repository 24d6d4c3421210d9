"""BAG addresses held locally (``flask geo addresses import``): an address is found offline by
postcode and house number, or by street and house number, before PDOK is asked.

Revision ID: 0023
Revises: 0022
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "address",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("postcode", sa.String(6), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("letter", sa.String(1), nullable=False, server_default=""),
        sa.Column("addition", sa.String(4), nullable=False, server_default=""),
        sa.Column("street", sa.String(80), nullable=False),
        sa.Column("street_key", sa.String(80), nullable=False),
        sa.Column("place", sa.String(80), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
    )
    op.create_index("ix_address_postcode_number", "address", ["postcode", "number"])
    op.create_index("ix_address_street_number", "address", ["street_key", "number"])
    op.create_index("ix_address_place", "address", [sa.text("lower(place)")])


def downgrade() -> None:
    op.drop_index("ix_address_place", table_name="address")
    op.drop_index("ix_address_street_number", table_name="address")
    op.drop_index("ix_address_postcode_number", table_name="address")
    op.drop_table("address")
