"""Accounts: registration, login, logout."""

from flask import Blueprint

bp = Blueprint("accounts", __name__, cli_group="users")

from . import cli, views  # noqa: F401
