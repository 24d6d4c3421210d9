"""The map's grid kept per day of last activity as well (facet ``d<YYYYMMDD>``): the map filtered
on "active in the last N days" reads kept counts, as for one theme or one area.

Revision ID: 0032
Revises: 0031
"""

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None
REBUILDS = {"map_grid"}  # recomputed with its day facets at the head revision


def upgrade():
    pass


def downgrade():
    pass  # the day facets' rows are only read by code that knows them
