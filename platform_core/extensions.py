"""Extensions are created here and bound to the app in create_app (microblog style)."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
babel = Babel()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def redis_client(url: str, timeout: float = 5.0):
    """One Redis client per address and timeout in this app (the job queue, the shared page-cache
    counter, the council's shared snapshot, the readiness check all use this)."""
    from flask import current_app
    from redis import Redis

    clients = current_app.extensions.setdefault("redis_clients", {})
    if (url, timeout) not in clients:
        clients[(url, timeout)] = Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=min(timeout, 2))
    return clients[(url, timeout)]
