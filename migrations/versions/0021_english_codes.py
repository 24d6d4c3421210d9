"""Stored codes in one language: English codes, translated labels. Initiative types and statuses,
the municipality's roles, framing, facilitation, stakeholders, outcomes, challenges and their
verdicts, and area levels were stored as Dutch words beside English ones (``status`` "idee"
beside ``visibility`` "published"); every row now holds the English code. Labels are unchanged.

Settings follow (``type.zelfbeheer.nl`` becomes ``type.self_management.nl``; who may challenge).
The archive is not rewritten: its entries are a record of what was said, hashed as recorded,
and ``platform_core/codes.py`` keeps the table of former codes for reading older entries and
for links, files and commands that still use them. ``area.level`` widens to 16 characters.

Revision ID: 0021
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

# Frozen here: this migration never reads today's code.
CODES = {
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
    "framing_kind": {"kan": "can", "kan_niet": "cannot", "regels": "rules", "besluit": "decision", "raad": "council_plan"},
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
COLUMNS = [
    ("initiative", "type", "type"),
    ("initiative", "status", "status"),
    ("initiative", "municipal_role", "municipal_role"),
    ("initiative_link", "kind", "link_kind"),
    ("map_cell", "type", "type"),
    ("framing", "kind", "framing_kind"),
    ("municipal_role", "role", "municipal_role"),
    ("municipal_role", "scale", "role_scale"),
    ("facilitation", "kind", "facilitation_kind"),
    ("stakeholder", "kind", "stakeholder_kind"),
    ("outcome", "kind", "outcome"),
    ("challenge", "challenger", "challenger"),
    ("challenge", "state", "challenge_state"),
    ("challenge", "decision", "decision"),
    ("area", "level", "level"),
]


def _rename(forward: bool) -> None:
    bind = op.get_bind()
    for table, column, domain in COLUMNS:
        pairs = CODES[domain].items() if forward else ((new, old) for old, new in CODES[domain].items())
        for old, new in pairs:
            bind.execute(sa.text(f"UPDATE {table} SET {column} = :new WHERE {column} = :old"), {"old": old, "new": new})
    verdicts = CODES["verdict"] if forward else {new: old for old, new in CODES["verdict"].items()}
    rows = bind.execute(sa.text("SELECT id, assessment FROM challenge WHERE assessment <> ''")).all()
    for row_id, text in rows:  # "criterion<TAB>verdict<TAB>note" per line
        lines = []
        for line in text.splitlines():
            parts = line.split("\t")
            if len(parts) >= 2:
                parts[1] = verdicts.get(parts[1], parts[1])
            lines.append("\t".join(parts))
        bind.execute(
            sa.text("UPDATE challenge SET assessment = :a WHERE id = :i"), {"a": "\n".join(lines), "i": row_id}
        )
    types = CODES["type"] if forward else {new: old for old, new in CODES["type"].items()}
    for (key,) in bind.execute(sa.text("SELECT key FROM site_setting WHERE key LIKE 'type%'")).all():
        parts = key.split(".")
        if len(parts) == 3 and parts[1] in types:
            renamed = ".".join([parts[0], types[parts[1]], parts[2]])
            bind.execute(sa.text("DELETE FROM site_setting WHERE key = :k"), {"k": renamed})
            bind.execute(sa.text("UPDATE site_setting SET key = :n WHERE key = :k"), {"n": renamed, "k": key})
    who = CODES["challenger"] if forward else {new: old for old, new in CODES["challenger"].items()}
    value = bind.execute(sa.text("SELECT value FROM site_setting WHERE key = 'challenge_who'")).scalar()
    if value:
        renamed = ",".join(who.get(code.strip(), code.strip()) for code in value.split(","))
        bind.execute(sa.text("UPDATE site_setting SET value = :v WHERE key = 'challenge_who'"), {"v": renamed})


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("area", "level", type_=sa.String(16), existing_type=sa.String(10))
    _rename(forward=True)


def downgrade() -> None:
    _rename(forward=False)
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("area", "level", type_=sa.String(10), existing_type=sa.String(16))
