"""The municipality's part, closing initiatives, ambassadors and meetings (declared into
platform_core.policy by ``register``)."""

from __future__ import annotations

from platform_core.policy import Kind, area_of, define, describe, has, logged_in, owns, published

from .ambassadors import ambassador_area_ids
from .models import Meeting
from .outcomes import is_member


def register() -> None:
    describe(Meeting, Kind(owner=lambda m: m.organiser_id, published=lambda m: True, area=lambda m: m.area_id))
    define("speak_for_municipality", lambda u, o: has(u, "civil_servant"), login=True)
    # the municipality's answers, roles, facilitation and blockers go on the public record
    define("answer_initiative", lambda u, o: has(u, "civil_servant") and published(o), login=True)
    # outcomes and stages go on the public record: only for published initiatives
    define("close_initiative", _close, login=True)
    define("map_stakeholders", lambda u, o: _close(u, o) or (logged_in(u) and is_member(u, o)), login=True)
    define("act_as_ambassador", lambda u, o: has(u, "ambassador"), login=True)
    define("organise", lambda u, o: has(u, "ambassador", "civil_servant"), login=True)
    define("organise_in", _organise_in, login=True)


def _close(user, item) -> bool:
    return published(item) and (owns(user, item) or has(user, "civil_servant"))


def _organise_in(user, item) -> bool:
    """Civil servants anywhere; a meeting's organiser; an ambassador within their buurten."""
    if has(user, "civil_servant"):
        return True
    if isinstance(item, Meeting) and owns(user, item):
        return True
    area = area_of(item)
    return has(user, "ambassador") and area is not None and area in ambassador_area_ids(user)
