"""The permission policy: one registry of named rules, declared by the packages that own them.

The core holds the registry and the few rules of its own (``public``, ``logged_in``,
``administer``, ``needs_second_factor``); each package declares its rules beside its models in
``rules.py`` (``define``) and says how its objects are owned, published and placed
(``describe``): the policy knows an object by its type, never by guessing from its attributes.
``schatkaart/wiring.py`` calls every package's ``rules.register()``; importing declares nothing.

Services enforce rules with :func:`require` (raising ``PermissionDenied``); views declare theirs
with :func:`requires` (which checks the rule before the view runs and records it, so the
permissions-matrix test can walk the URL map); templates ask ``can('rule', obj)``. Role names
appear only in rule declarations (``tests/test_policy_lint.py`` fails otherwise).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

from .extensions import db, login_manager
from .validation import PermissionDenied

MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL; larger ones cannot exist


@dataclass(frozen=True)
class Rule:
    check: Callable[[Any, Any], bool]
    login: bool  # anonymous visitors are sent to the login page rather than refused
    hide: bool = False  # a refusal answers 404: the object's existence is private


@dataclass(frozen=True)
class Kind:
    """What the rules need to know of one model: who owns a row, whether it is public, where it is."""

    owner: Callable[[Any], int | None]
    published: Callable[[Any], bool]
    area: Callable[[Any], int | None] = lambda _obj: None
    gone: Callable[[Any], bool] = lambda _obj: False  # deleted: only moderators still see it


#: staff: accounts kept however long they are idle (privacy.retention), asked for a second factor
STAFF_ROLES = ("civil_servant", "moderator", "council", "admin")
#: who sets up the platform (the settings loader acts as one)
ADMIN_ROLE = "admin"

RULES: dict[str, Rule] = {}
KINDS: dict[type, Kind] = {}


def define(name: str, check: Callable[[Any, Any], bool], login: bool, hide: bool = False) -> None:
    """Declare a rule (from a package's ``rules.register``); the same declaration twice is fine."""
    rule = Rule(check, login, hide)
    old = RULES.get(name)
    same = old is not None and (old.login, old.hide) == (login, hide) and _code(old.check) is _code(check)
    if old is not None and not same:
        raise RuntimeError(f"rule {name!r} is declared twice, differently")
    RULES[name] = rule


def _code(function: Callable) -> object:
    return getattr(function, "__code__", function)


def describe(model: type, kind: Kind) -> None:
    KINDS[model] = kind


def _kind(obj: Any) -> Kind:
    try:
        return KINDS[type(obj)]
    except KeyError:
        name = type(obj).__name__
        raise TypeError(f"the policy does not know {name}: describe it in its package's rules.py") from None


# --- what rules are made of -------------------------------------------------------------------


def logged_in(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated)


def has(user: Any, *roles: str) -> bool:
    """The one place a role is looked at: only rule declarations call this."""
    return logged_in(user) and user.has_role(*roles)


def published(obj: Any) -> bool:
    return obj is not None and _kind(obj).published(obj)


def owns(user: Any, obj: Any) -> bool:
    if obj is None or not logged_in(user):
        return False
    owner = _kind(obj).owner(obj)
    return owner is not None and owner == user.id


def area_of(obj: Any) -> int | None:
    """A buurt's id, given as such or as the area of an object."""
    if obj is None or isinstance(obj, int):
        return obj
    return _kind(obj).area(obj)


def gone(obj: Any) -> bool:
    return obj is not None and _kind(obj).gone(obj)


def register() -> None:
    """The core's own rules."""
    define("public", lambda u, o: True, login=False)
    define("logged_in", lambda u, o: logged_in(u), login=True)
    define("administer", lambda u, o: has(u, ADMIN_ROLE), login=True)
    define("needs_second_factor", lambda u, o: has(u, *current_app.config["TWO_FACTOR_ROLES"]), login=True)


def can(rule: str, obj: Any = None, user: Any = None) -> bool:
    """Whether ``user`` (the logged-in user by default) may do ``rule`` on ``obj``."""
    if user is None:
        user = current_user
    return bool(RULES[rule].check(user, obj))


def require(user: Any, rule: str, obj: Any = None) -> None:
    """Services call this before changing anything; a refusal raises ``PermissionDenied``."""
    if not RULES[rule].check(user, obj):
        raise PermissionDenied(rule, status=404 if RULES[rule].hide else 403)


def find(model: Any, object_id: Any) -> Any:
    """An object by an id from a URL or a form, or None: also for ids that cannot exist
    ("abc", -1, 2**63), which the database would otherwise answer with an error."""
    if isinstance(object_id, str):
        object_id = int(object_id) if object_id.isdigit() else None
    if not isinstance(object_id, int) or not 0 < object_id <= MAX_ID:
        return None
    return db.session.get(model, object_id)


def load(model: Any, object_id: Any) -> Any:
    """An object by id for a view, 404 when it does not exist (or the id cannot exist)."""
    item = find(model, object_id)
    if item is None:
        abort(404)
    return item


def requires(rule: str, model: Any = None, param: str | None = None, newcomers: str | None = None) -> Callable:
    """Declare and enforce a view's rule. With ``model``, the object named by the URL's id
    parameter (``param``, or the only ``*_id`` one) is loaded first: 404 when it is missing.
    ``newcomers``: where a visitor without an account goes instead of the login page (most
    people who click "Initiatief plaatsen" have no account yet), coming back here afterwards."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            declared = RULES[rule]  # declared by its package's rules.register() at wiring time
            obj = None
            if model is not None:
                name = param or next(k for k in kwargs if k.endswith("_id"))
                obj = load(model, kwargs[name])
            if declared.login and not current_user.is_authenticated:
                if newcomers and request.method == "GET":
                    return redirect(url_for(newcomers, next=request.path))
                return login_manager.unauthorized()
            if not declared.check(current_user, obj):
                abort(404 if declared.hide else 403)
            return view(*args, **kwargs)

        wrapper.policy = (rule, model)  # read by the permissions-matrix test
        return wrapper

    return decorate


def public(view: Callable) -> Callable:
    """Declare a view open to everyone (what it shows is still filtered by the rules)."""
    view.policy = ("public", None)
    return view


def declared_rule(view: Callable) -> tuple[str, Any] | None:
    return getattr(view, "policy", None)


def check_declared(view_functions: dict[str, Callable]) -> None:
    """At startup: every rule a view names is declared (a typo fails the app, not a request)."""
    missing = {declared_rule(v)[0] for v in view_functions.values() if declared_rule(v)} - set(RULES)
    if missing:
        raise RuntimeError(f"views name undeclared rules: {sorted(missing)}")
