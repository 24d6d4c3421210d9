"""The municipality's terms for the right to challenge, from its settings (an administrator sets
them at /beheer/uitdaagrecht; the environment gives the defaults)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext

from platform_core import settings
from platform_core.codes import current as current_code
from platform_core.i18n import N_, language

from .models import CHALLENGERS

#: Stored in Dutch with each challenge (its assessment names them); shown in the reader's language.
DEFAULT_CRITERIA = (
    N_("Beter: de taak wordt minstens even goed uitgevoerd"),
    N_("Goedkoper: het kost de gemeente niet meer"),
    N_("Dichter bij de buurt: er is aantoonbaar draagvlak in de buurt"),
    N_("Haalbaar: de uitdagers kunnen het aan en houden het vol"),
)


@dataclass(frozen=True)
class Terms:
    who: tuple[str, ...]  # which of CHALLENGERS may file
    criteria: tuple[str, ...]
    ack_days: int  # working days to acknowledge receipt
    decision_days: int  # working days to decide
    public: bool  # challenges are public (map, list, record) from filing


def current() -> Terms:
    chosen = (current_code("challenger", code.strip()) for code in settings.get("challenge_who").split(","))
    who = tuple(code for code in chosen if code in CHALLENGERS)
    return Terms(
        who=who or tuple(CHALLENGERS),
        criteria=tuple(line.strip() for line in settings.get("challenge_criteria").splitlines() if line.strip())
        or DEFAULT_CRITERIA,
        ack_days=int(settings.get("challenge_ack_days") or 10),
        decision_days=int(settings.get("challenge_decision_days") or 40),
        public=settings.get("challenge_public") != "0",
    )


def criterion_label(criterion: str) -> str:
    """A criterion as shown: the built-in ones in the reader's language, an administrator's own
    exactly as written. Plain text, escaped by the template like any other (gettext inside a
    template returns markup, so a stored criterion must never go through ``_()`` there)."""
    if criterion in DEFAULT_CRITERIA:
        return gettext(criterion)
    if language() == "en":  # the administrator's English wording, line for line
        dutch = [line.strip() for line in settings.get("challenge_criteria").splitlines() if line.strip()]
        english = [line.strip() for line in settings.get("challenge_criteria_en").splitlines() if line.strip()]
        if criterion in dutch and len(english) == len(dutch):
            return english[dutch.index(criterion)]
    return criterion
