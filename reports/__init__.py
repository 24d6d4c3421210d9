"""The participatieverslag: for an initiative or a trajectory, who took part and how, what was
said (grouped, no names) and what was done with it, as a printable page, an HTML file to attach
and a CSV annex. It reads every package below it and changes nothing."""

from flask import Blueprint

bp = Blueprint("reports", __name__)

from . import views  # noqa: F401
