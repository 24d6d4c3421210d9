"""Council review: what did participation produce?"""

from flask import Blueprint

bp = Blueprint("council", __name__)

from . import views  # noqa: E402, F401
