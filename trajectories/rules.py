"""The municipality's part and closing initiatives (declared into platform_core.policy by ``register``)."""

from __future__ import annotations

from platform_core.policy import define, has, logged_in, owns, published

from .outcomes import is_member


def register() -> None:
    define("speak_for_municipality", lambda u, o: has(u, "civil_servant"), login=True)
    # the municipality's answers, roles, facilitation and blockers go on the public record
    define("answer_initiative", lambda u, o: has(u, "civil_servant") and published(o), login=True)
    # outcomes and stages go on the public record: only for published initiatives
    define("close_initiative", _close, login=True)
    # which initiatives take part in a trajectory is the municipality's call; its initiator asks
    define("place_in_trajectory", lambda u, o: has(u, "civil_servant") and published(o), login=True)
    define("ask_for_trajectory", lambda u, o: published(o) and owns(u, o), login=True)
    define("map_stakeholders", lambda u, o: _close(u, o) or (logged_in(u) and is_member(u, o)), login=True)


def _close(user, item) -> bool:
    return published(item) and (owns(user, item) or has(user, "civil_servant"))
