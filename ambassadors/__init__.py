"""Ambassadors and meetings: appointing ambassadors for buurten, placing an initiative for a
resident who is not online (assisted entry), meetings and who came to them. Above trajectories (a
meeting can belong to one); the trajectory page shows its meetings through a page section."""

from flask import Blueprint

bp = Blueprint("ambassadors", __name__)

from . import views  # noqa: F401
