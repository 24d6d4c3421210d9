"""Co-creation trajectories: stages, areas, framing, placing initiatives in them, stakeholders
and outcomes. The municipality's response work is in ``response``, ambassadors and meetings in
``ambassadors``, the participatieverslag in ``reports``."""

from flask import Blueprint

bp = Blueprint("trajectories", __name__)

from . import closing_views, queries, views  # noqa: F401
