"""WSGI entry point for production servers: gunicorn 'wsgi:app'."""

from schatkaart import create_app

app = create_app()
