"""Who acts as an ambassador and who organises meetings where (declared into platform_core.policy)."""

from __future__ import annotations

from platform_core.policy import Kind, area_of, define, describe, has, owns

from .models import Meeting
from .services import ambassador_area_ids


def register() -> None:
    describe(Meeting, Kind(owner=lambda m: m.organiser_id, published=lambda m: True, area=lambda m: m.area_id))
    define("act_as_ambassador", lambda u, o: has(u, "ambassador"), login=True)
    define("organise", lambda u, o: has(u, "ambassador", "civil_servant"), login=True)
    define("organise_in", _organise_in, login=True)


def _organise_in(user, item) -> bool:
    """Civil servants anywhere; a meeting's organiser; an ambassador within their buurten."""
    if has(user, "civil_servant"):
        return True
    if isinstance(item, Meeting) and owns(user, item):
        return True
    area = area_of(item)
    return has(user, "ambassador") and area is not None and area in ambassador_area_ids(user)
