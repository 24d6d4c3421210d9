"""What counts as a contribution: one enum, used by every package that emits, counts or
rewards contributions (the council's facts, the credit ledger, the emitting services)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum


class Contribution(IntEnum):
    """Stable small codes: stored in the council's facts. Append new kinds; never renumber."""

    INITIATIVE = 1
    JOIN = 2
    COMMENT = 3
    PLUIM = 4
    OFFER = 5
    ATTENDANCE = 6

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def source_type(self) -> str:
        """The table the contribution lives in; also the credit ledger's ``source_type``."""
        return _SOURCES[self]


_LABELS = {
    Contribution.INITIATIVE: "initiatief",
    Contribution.JOIN: "meedoen",
    Contribution.COMMENT: "reactie",
    Contribution.PLUIM: "pluim",
    Contribution.OFFER: "aanbod",
    Contribution.ATTENDANCE: "bijeenkomst",
}
_SOURCES = {
    Contribution.INITIATIVE: "initiative",
    Contribution.JOIN: "participation",
    Contribution.COMMENT: "comment",
    Contribution.PLUIM: "pluim",
    Contribution.OFFER: "need_response",
    Contribution.ATTENDANCE: "attendance",
}


@dataclass(frozen=True)
class ContributionEvent:
    """One contribution as it is made: who, what, where it lands, and who else it concerns.

    ``counted`` is False for contributions the council does not count (pluimen on comments,
    words of visitors without an account); they may still earn credits.
    """

    kind: Contribution
    source_id: int
    person_id: int | None
    created_at: datetime
    initiative_id: int | None = None
    initiative_owner_id: int | None = None
    initiative_type: str | None = None
    meeting_id: int | None = None
    trajectory_id: int | None = None
    area_id: int | None = None
    beneficiary_id: int | None = None  # who earns by it when that is not the person (pluimen)
    counted: bool = True


def on_initiative(
    initiative: object, kind: Contribution, source_id: int, person_id: int | None, created_at: datetime, **extra: object
) -> ContributionEvent:
    """A contribution on an initiative, with the initiative's dimensions as they are now."""
    return ContributionEvent(
        kind=kind,
        source_id=source_id,
        person_id=person_id,
        created_at=created_at,
        initiative_id=initiative.id,
        initiative_owner_id=initiative.owner_id,
        initiative_type=initiative.type,
        trajectory_id=initiative.trajectory_id,
        area_id=initiative.area_id,
        counted=bool(extra.pop("counted", True)) and initiative.visibility == "published",
        **extra,
    )
