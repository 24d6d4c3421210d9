"""WSGI entry point for production servers: gunicorn 'wsgi:app'."""

from platform_core import create_app

app = create_app()
