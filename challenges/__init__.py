"""Uitdaagrecht (right to challenge, Wet versterking participatie op decentraal niveau): residents,
groups and local organisations challenge the municipality to let them carry out one of its tasks.
The municipality's terms (who may, the criteria, the terms in working days, public or not) are
settings, not code."""

from flask import Blueprint

bp = Blueprint("challenges", __name__)

from . import views  # noqa: F401
