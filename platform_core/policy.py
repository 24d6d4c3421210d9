"""The permission policy: every named rule in one place.

Services enforce rules with :func:`require` (raising ``PermissionDenied``); views declare theirs
with :func:`requires` (which checks the rule before the view runs and records it, so the
permissions-matrix test can walk the URL map); templates ask ``can('rule', obj)``.

Rules look only at the acting user and the object: owners by ``owner_id``/``author_id``,
visibility by ``visibility``/``status``. Facts that live in packages above this one (an
ambassador's buurten, who takes part in an initiative) are provided by the composition root
through :func:`provide`, so this module imports nothing above ``platform_core``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import abort, redirect, request, url_for
from flask_login import current_user

from .extensions import db, login_manager
from .validation import PermissionDenied

MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL; larger ones cannot exist

_providers: dict[str, Callable[..., Any]] = {
    "ambassador_areas": lambda user: set(),
    "is_participant": lambda user, initiative: False,
}


def provide(name: str, function: Callable[..., Any]) -> None:
    """The app factory wires the facts the rules need from packages above this one."""
    if name not in _providers:
        raise KeyError(name)
    _providers[name] = function


def _logged_in(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated)


def _has(user: Any, *roles: str) -> bool:
    return _logged_in(user) and user.has_role(*roles)


def _published(item: Any) -> bool:
    """Initiatives carry ``visibility``; comments ``status``; both must say published."""
    if item is None:
        return False
    if hasattr(item, "visibility"):
        return item.visibility == "published"
    if getattr(item, "status", "published") != "published":
        return False
    parent = getattr(item, "initiative", None)
    return parent is None or _published(parent)


def _owner(user: Any, item: Any) -> bool:
    owner = getattr(item, "owner_id", None)
    if owner is None:
        owner = getattr(item, "author_id", None)
    return _logged_in(user) and owner is not None and owner == user.id


def _initiative_of(item: Any) -> Any:
    return getattr(item, "initiative", None) or item


def _area_of(item: Any) -> int | None:
    if item is None or isinstance(item, int):
        return item
    return getattr(item, "area_id", None)


# --- the rules ------------------------------------------------------------------------------


def _view(user: Any, item: Any) -> bool:
    """Published content is public; what is pending, hidden or held only its owner and the moderators see."""
    if getattr(item, "status", None) == "deleted":
        return _has(user, "moderator", "admin")
    return _published(item) or _owner(user, item) or _has(user, "moderator", "admin")


def _take_part(user: Any, item: Any) -> bool:
    """Join, follow, contact: only published content, only with an account."""
    return _logged_in(user) and _published(item)


def _give_pluim(user: Any, item: Any) -> bool:
    return _logged_in(user) and _published(item) and not _owner(user, item)


def _steer(user: Any, item: Any) -> bool:
    # The initiator stays owner: nobody else, the municipality included, edits the content.
    return _owner(user, _initiative_of(item))


def _close(user: Any, item: Any) -> bool:
    """Outcomes and stages go on the public record: only for published initiatives."""
    return _published(item) and (_owner(user, item) or _has(user, "civil_servant"))


def _map_stakeholders(user: Any, item: Any) -> bool:
    return _close(user, item) or (_logged_in(user) and _providers["is_participant"](user, item))


def _organise_in(user: Any, item: Any) -> bool:
    if _has(user, "civil_servant"):
        return True
    if _logged_in(user) and getattr(item, "organiser_id", None) == user.id:
        return True
    area = _area_of(item)
    return _has(user, "ambassador") and area is not None and area in _providers["ambassador_areas"](user)


def _respond_to_need(user: Any, need: Any) -> bool:
    # A closed call is not a refusal: the service says so next to the field.
    return _logged_in(user) and _published(need.initiative) and not _owner(user, need.initiative)


def _view_challenge(user: Any, challenge: Any) -> bool:
    """A public challenge is everyone's to read; otherwise its filer's and the municipality's."""
    return bool(getattr(challenge, "public", False)) or _owner(user, challenge) or _has(user, "civil_servant")


def _support_challenge(user: Any, challenge: Any) -> bool:
    return _logged_in(user) and bool(getattr(challenge, "public", False)) and not _owner(user, challenge)


@dataclass(frozen=True)
class Rule:
    check: Callable[[Any, Any], bool]
    login: bool  # anonymous visitors are sent to the login page rather than refused
    hide: bool = False  # a refusal answers 404: the object's existence is private


RULES: dict[str, Rule] = {
    "public": Rule(lambda u, o: True, login=False),
    "logged_in": Rule(lambda u, o: _logged_in(u), login=True),
    "view": Rule(_view, login=False, hide=True),
    "take_part": Rule(_take_part, login=True),
    "comment": Rule(lambda u, o: _published(o), login=False),
    "contact": Rule(lambda u, o: _published(o), login=False),
    "give_pluim": Rule(_give_pluim, login=True),
    "respond_to_need": Rule(_respond_to_need, login=True),
    "steer_initiative": Rule(_steer, login=True),
    "close_initiative": Rule(_close, login=True),
    "map_stakeholders": Rule(_map_stakeholders, login=True),
    "own_comment": Rule(lambda u, o: _owner(u, o), login=True),
    "speak_for_municipality": Rule(lambda u, o: _has(u, "civil_servant"), login=True),
    # the municipality's answers, roles, facilitation and blockers go on the public record
    "answer_initiative": Rule(lambda u, o: _has(u, "civil_servant") and _published(o), login=True),
    "act_as_ambassador": Rule(lambda u, o: _has(u, "ambassador"), login=True),
    "organise": Rule(lambda u, o: _has(u, "ambassador", "civil_servant"), login=True),
    "organise_in": Rule(_organise_in, login=True),
    "moderate": Rule(lambda u, o: _has(u, "moderator", "admin"), login=True),
    "administer": Rule(lambda u, o: _has(u, "admin"), login=True),
    "file_challenge": Rule(lambda u, o: _logged_in(u), login=True),
    "view_challenge": Rule(_view_challenge, login=False, hide=True),
    "support_challenge": Rule(_support_challenge, login=True),
    "discuss_challenge": Rule(lambda u, o: _owner(u, o) or _has(u, "civil_servant"), login=True),
    "decide_challenge": Rule(lambda u, o: _has(u, "civil_servant"), login=True),
    "read_council": Rule(lambda u, o: _has(u, "council", "civil_servant", "admin"), login=True),
}


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
    declared = RULES[rule]

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
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
