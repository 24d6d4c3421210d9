"""The map's grid also per theme and per area (a "facet"), so the map filtered by one theme or
one buurt or wijk reads kept counts too instead of aggregating every matching initiative.

Revision ID: 0027
Revises: 0026
"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None
REBUILDS = {"map_grid"}

COLUMNS = "zoom, gx, gy, type, n, sum_lon, sum_lat, sum_id"


def _table(name: str, with_facet: bool) -> None:
    columns = [
        sa.Column("zoom", sa.Integer(), nullable=False),
        sa.Column("gx", sa.Integer(), nullable=False),
        sa.Column("gy", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(30), nullable=False),
    ]
    key = ["zoom", "gx", "gy", "type"]
    if with_facet:
        columns.append(sa.Column("facet", sa.String(24), nullable=False, server_default=""))
        key = ["facet", "zoom", "gx", "gy", "type"]
    columns += [
        sa.Column("n", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("sum_lon", sa.Float(), nullable=False, server_default="0"),
        sa.Column("sum_lat", sa.Float(), nullable=False, server_default="0"),
        sa.Column("sum_id", sa.BigInteger(), nullable=False, server_default="0"),
    ]
    op.create_table(name, *columns, sa.PrimaryKeyConstraint(*key, name=f"{name}_pkey"))


def _replace(with_facet: bool, copy: str) -> None:
    """map_cell made anew (with or without the facet), its rows copied by ``copy``."""
    name = "map_cell_new" if with_facet else "map_cell_old"
    _table(name, with_facet)
    op.execute(copy.format(name=name))
    op.drop_table("map_cell")
    op.rename_table(name, "map_cell")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE map_cell RENAME CONSTRAINT {name}_pkey TO map_cell_pkey")


def upgrade():
    # The whole-map counts are kept as they are (facet ''); the facets are computed from the
    # initiatives at the head revision (REBUILDS; migrations/env.py).
    _replace(True, f"INSERT INTO {{name}} ({COLUMNS}, facet) SELECT {COLUMNS}, '' FROM map_cell")


def downgrade():
    _replace(False, f"INSERT INTO {{name}} ({COLUMNS}) SELECT {COLUMNS} FROM map_cell WHERE facet = ''")
