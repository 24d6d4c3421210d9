"""Co-creation trajectories: stages, framing, official feedback, response times,
ambassadors and meetings, stakeholders, outcomes."""

from flask import Blueprint

bp = Blueprint("trajectories", __name__)

from . import municipality_views, queries, views  # noqa: F401
