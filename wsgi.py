"""WSGI entry point for production servers: gunicorn 'wsgi:app' (each worker imports it)."""

from council.cube import warm
from schatkaart import create_app

app = create_app()
warm(app)  # the council's figures are read beside the worker starting, not in its first request
