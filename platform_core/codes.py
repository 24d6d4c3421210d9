"""Stored codes are English (labels are translated); until 2026-12 several were Dutch.

``LEGACY`` maps each former Dutch code to its English one, per domain. Migration 0021 rewrote
every stored row with it (the archive keeps its entries as they were recorded and notes the
renaming in an entry of its own); the places that read codes from outside - shared links
(``?type=zelfbeheer``), the API's filters, the command line (``--level buurt``) and settings
files - still accept the former codes through :func:`current`."""

from __future__ import annotations

LEGACY: dict[str, dict[str, str]] = {
    "type": {
        "participatie": "participation",
        "zelfbeheer": "self_management",
        "initiatief": "initiative",
        "leefbaarheidsinitiatief": "liveability",
    },
    "status": {
        "idee": "idea",
        "in_voorbereiding": "preparing",
        "in_uitvoering": "in_progress",
        "afgerond": "completed",
        "gestopt": "stopped",
    },
    "municipal_role": {"eigenaar": "owner", "financier": "funder", "geen": "none"},
    "link_kind": {"anders": "other"},
    "framing_kind": {
        "kan": "can",
        "kan_niet": "cannot",
        "regels": "rules",
        "besluit": "decision",
        "raad": "council_plan",
    },
    "role_scale": {
        "normerend": "regulating",
        "regisserend": "directing",
        "faciliterend": "facilitating",
        "deelnemend": "taking_part",
        "loslatend": "letting_go",
    },
    "facilitation_kind": {"ruimte": "room", "buitendienst": "field_crew"},
    "outcome": {"gerealiseerd": "realised", "beleid": "policy", "overgedragen": "handed_over", "gestopt": "stopped"},
    "stakeholder_kind": {"organisatie": "organisation", "groep": "group", "rol": "role"},
    "challenger": {"inwoner": "individual", "groep": "group", "organisatie": "organisation"},
    "challenge_state": {"ingediend": "submitted", "in_behandeling": "in_review", "besloten": "decided"},
    "decision": {"toegekend": "granted", "deels": "partly", "afgewezen": "refused"},
    "verdict": {"voldoet": "meets", "deels": "partly", "niet": "fails"},
    "level": {"gemeente": "municipality", "wijk": "district", "buurt": "neighbourhood"},
}


def current(domain: str, code: str) -> str:
    """The code as stored today: a former Dutch code becomes its English one, anything else stays."""
    return LEGACY[domain].get(code, code)
