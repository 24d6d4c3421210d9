"""Council review: what did participation produce?"""

from flask import Blueprint

bp = Blueprint("council", __name__, cli_group="council")

from . import ambassador, cli, cube, views  # noqa: F401
