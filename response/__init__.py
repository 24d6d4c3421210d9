"""The municipality's response to initiatives: its official answer within the response norm,
its role and place on the participation scale, what it facilitates, the blockers it escalates to a
department, and the queue of what still waits for an answer. Above trajectories (a role can hold
for one stage; the panel also sets framing); the initiative page shows it through page sections."""

from flask import Blueprint

bp = Blueprint("response", __name__)

from . import views  # noqa: F401
