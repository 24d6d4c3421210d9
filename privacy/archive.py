"""The public record: an append-only, hash-chained archive of what was said and decided.

Entries are collected during an action (:func:`record`) and appended when its transaction
commits, under a lock on the one head row, so concurrent actions form one chain. Each entry's
hash covers its sequence number, kind, subject, time, payload and the digests of its erasable
fields, and the previous entry's hash. :func:`verify` recomputes the chain; :func:`export`
writes a package an archivist can take to an e-depot (JSON Lines plus a manifest with
SHA-256 checksums), and :func:`verify_package` checks such a package without the database.

Erasure (AVG art. 17) never rewrites an entry: names and words live beside the chain with a
salted digest inside it; erasing one deletes the value and appends a redaction entry naming
what was erased and why, so the chain stays whole and the gap is accounted for.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.orm import Session

from platform_core import transaction
from platform_core.extensions import db
from platform_core.models import utcnow

from .models import ArchiveEntry, ArchiveErasable, ArchiveHead, ArchivePackage

ZERO = "0" * 64
_PENDING = "archive"
FORMAT = "schatkaart-archief/1"


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _sha(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def erasable_digest(salt: str, name: str, value: str) -> str:
    return _sha(f"{salt}|{name}|{value}")


def entry_hash(prev_hash: str, seq: int, kind: str, subject_type: str, subject_id: int | None,
               recorded_at: str, payload: Any, digests: dict) -> str:  # fmt: skip
    body = {
        "seq": seq,
        "kind": kind,
        "subject": [subject_type, subject_id],
        "recorded_at": recorded_at,
        "payload": payload,
        "erasable": digests,
    }
    return _sha(prev_hash + "|" + canonical(body))


@dataclass
class _Pending:
    kind: str
    subject_type: str
    subject_id: int | None
    payload: dict
    erasable: dict[str, tuple[str, int | None]] = field(default_factory=dict)


def record(
    kind: str,
    subject_type: str,
    subject_id: int | None,
    payload: dict,
    erasable: dict[str, tuple[str | None, int | None]] | None = None,
) -> None:
    """Add an entry to the record when the current transaction commits (never if it rolls back).

    ``erasable``: field → (value, the person it belongs to); empty values are left out.
    """
    kept = {name: (str(value), person) for name, (value, person) in (erasable or {}).items() if value}
    transaction.defer(_PENDING, _Pending(kind, subject_type, subject_id, payload, kept))


def _append(session: Session, pending: list[_Pending]) -> None:
    connection = session.connection()
    connection.execute(
        text("INSERT INTO archive_head (id, seq, hash) VALUES (1, 0, :zero) ON CONFLICT (id) DO NOTHING"),
        {"zero": ZERO},
    )
    # The lock is taken last in the transaction and held only until its commit: every other
    # row the action locked is already locked, so the order is always the same.
    seq, prev = connection.execute(
        select(ArchiveHead.seq, ArchiveHead.hash).where(ArchiveHead.id == 1).with_for_update()
    ).one()
    now = utcnow().replace(microsecond=0)
    entries, values = [], []
    for item in pending:
        seq += 1
        digests = {}
        for name, (value, person) in sorted(item.erasable.items()):
            salt = secrets.token_hex(16)
            digests[name] = erasable_digest(salt, name, value)
            values.append({"entry_seq": seq, "field": name, "salt": salt, "value": value, "person_id": person})
        payload = json.loads(canonical(item.payload))
        digest = entry_hash(prev, seq, item.kind, item.subject_type, item.subject_id, now.isoformat(), payload, digests)
        entries.append(
            {
                "seq": seq,
                "kind": item.kind,
                "subject_type": item.subject_type,
                "subject_id": item.subject_id,
                "recorded_at": now,
                "payload": canonical(payload),
                "erasable_digests": canonical(digests),
                "prev_hash": prev,
                "hash": digest,
            }
        )
        prev = digest
    connection.execute(insert(ArchiveEntry), entries)
    if values:
        connection.execute(insert(ArchiveErasable), values)
    connection.execute(update(ArchiveHead).where(ArchiveHead.id == 1).values(seq=seq, hash=prev))


def register() -> None:
    """Append what this transaction recorded as the very last step before it commits (called by
    schatkaart/wiring.py; importing this module registers nothing)."""
    transaction.before_commit(_PENDING, _append)


# --- erasure ----------------------------------------------------------------------------------


def erase_person(person_id: int, fields: set[str] | None, reason: str) -> int:
    """Erase a person's names (and, with ``fields=None``, everything they wrote) from the record.

    Values kept readable lose their link to the person. Returns how many values were erased.
    """
    rows = list(db.session.scalars(select(ArchiveErasable).where(ArchiveErasable.person_id == person_id)))
    erased = sorted((row.entry_seq, row.field) for row in rows if fields is None or row.field in fields)
    if erased:
        ids = [row.id for row in rows if fields is None or row.field in fields]
        db.session.execute(delete(ArchiveErasable).where(ArchiveErasable.id.in_(ids)))
        record("redaction", "archive", None, {"erased": [list(pair) for pair in erased], "reason": reason})
        _forget_packages()
    db.session.execute(update(ArchiveErasable).where(ArchiveErasable.person_id == person_id).values(person_id=None))
    return len(erased)


def erase_fields(pairs: list[tuple[int, str]], reason: str) -> int:
    """Erase given (entry, field) values, e.g. the name of someone without an account."""
    if not pairs:
        return 0
    for seq, name in pairs:
        db.session.execute(
            delete(ArchiveErasable).where(ArchiveErasable.entry_seq == seq, ArchiveErasable.field == name)
        )
    record("redaction", "archive", None, {"erased": [list(pair) for pair in sorted(pairs)], "reason": reason})
    _forget_packages()
    return len(pairs)


def _forget_packages() -> None:
    """Stored packages (privacy.package) hold the values just erased: they go too."""
    db.session.execute(delete(ArchivePackage))


def entries_about(subject_type: str, subject_id: int) -> list[ArchiveEntry]:
    return list(
        db.session.scalars(
            select(ArchiveEntry)
            .where(ArchiveEntry.subject_type == subject_type, ArchiveEntry.subject_id == subject_id)
            .order_by(ArchiveEntry.seq)
        )
    )


# --- verification -----------------------------------------------------------------------------


def _entry_dict(row: ArchiveEntry) -> dict:
    return {
        "seq": row.seq,
        "kind": row.kind,
        "subject_type": row.subject_type,
        "subject_id": row.subject_id,
        "recorded_at": row.recorded_at.isoformat() if isinstance(row.recorded_at, datetime) else row.recorded_at,
        "payload": json.loads(row.payload),
        "erasable": json.loads(row.erasable_digests or "{}"),
        "prev_hash": row.prev_hash,
        "hash": row.hash,
    }


def check_chain(
    entries: Iterable[dict], values: dict[tuple[int, str], tuple[str, str]], head: tuple[int, str] | None
) -> tuple[int, list[str]]:
    """Recompute the chain. ``values``: (seq, field) → (salt, value); ``head``: (seq, hash).

    Returns the number of entries and the problems found (empty: the record is whole).
    """
    problems: list[str] = []
    prev, expected, count = ZERO, 1, 0
    digests: dict[tuple[int, str], str] = {}
    redacted: set[tuple[int, str]] = set()
    for entry in entries:
        count += 1
        seq = entry["seq"]
        if seq != expected:
            problems.append(f"entry {seq}: expected entry {expected} here (removed or reordered)")
        if entry["prev_hash"] != prev:
            problems.append(f"entry {seq}: does not follow the entry before it")
        recomputed = entry_hash(
            entry["prev_hash"],
            seq,
            entry["kind"],
            entry["subject_type"],
            entry["subject_id"],
            entry["recorded_at"],
            entry["payload"],
            entry["erasable"],
        )
        if recomputed != entry["hash"]:
            problems.append(f"entry {seq}: content changed (hash differs)")
        for name, digest in entry["erasable"].items():
            digests[(seq, name)] = digest
        if entry["kind"] == "redaction":
            redacted.update((int(s), str(f)) for s, f in entry["payload"].get("erased", []))
        prev, expected = entry["hash"], seq + 1
    if head is not None and (head[0] != expected - 1 or (head[0] and head[1] != prev)):
        problems.append(f"the record ends at entry {expected - 1}, but its head says {head[0]} (truncated)")
    for key, digest in digests.items():
        if key in values:
            salt, value = values[key]
            if erasable_digest(salt, key[1], value) != digest:
                problems.append(f"entry {key[0]}: {key[1]} changed")
        elif key not in redacted:
            problems.append(f"entry {key[0]}: {key[1]} removed without a redaction entry")
    for key in values.keys() - digests.keys():
        problems.append(f"entry {key[0]}: {key[1]} is not part of the record")
    return count, problems


def _db_entries() -> Iterator[dict]:
    stmt = select(ArchiveEntry).order_by(ArchiveEntry.seq).execution_options(yield_per=2000)
    for row in db.session.scalars(stmt):
        yield _entry_dict(row)


def _db_values() -> dict[tuple[int, str], tuple[str, str]]:
    rows = db.session.execute(
        select(ArchiveErasable.entry_seq, ArchiveErasable.field, ArchiveErasable.salt, ArchiveErasable.value)
    )
    return {(seq, name): (salt, value) for seq, name, salt, value in rows}


def head() -> tuple[int, str]:
    row = db.session.get(ArchiveHead, 1)
    return (row.seq, row.hash) if row else (0, ZERO)


def verify() -> tuple[int, list[str]]:
    return check_chain(_db_entries(), _db_values(), head())


# --- export -----------------------------------------------------------------------------------

README = """Schatkaart: archive package ({format})

entries.jsonl  one entry per line, in order: seq, kind, subject_type, subject_id, recorded_at,
               payload, erasable (field -> SHA-256 digest), prev_hash, hash, and values
               (field -> [salt, value]) for names and words not erased since.
manifest.json  what this package holds, the chain's head, and the SHA-256 of every file.

An entry's hash is SHA-256 of prev_hash + "|" + the canonical JSON (keys sorted, no spaces,
UTF-8) of {{"seq", "kind", "subject": [subject_type, subject_id], "recorded_at", "payload",
"erasable"}}; the first entry follows 64 zeros. An erasable value's digest is SHA-256 of
salt + "|" + field + "|" + value. A value may only be missing when a later entry of kind
"redaction" lists [seq, field] in its payload's "erased".
"""


def export(directory: Path, municipality: str = "") -> dict:
    directory.mkdir(parents=True, exist_ok=True)
    values = _db_values()
    entries_path = directory / "entries.jsonl"
    count = 0
    with entries_path.open("w", encoding="utf-8") as out:
        for entry in _db_entries():
            entry["values"] = {
                name: list(values[(entry["seq"], name)]) for name in entry["erasable"] if (entry["seq"], name) in values
            }
            out.write(canonical(entry) + "\n")
            count += 1
    (directory / "README.txt").write_text(README.format(format=FORMAT), encoding="utf-8")
    head_seq, head_hash = head()
    manifest = {
        "format": FORMAT,
        "municipality": municipality,
        "created_at": utcnow().replace(microsecond=0).isoformat(),
        "entries": count,
        "head": {"seq": head_seq, "hash": head_hash},
        "files": {
            name: {"sha256": _file_sha(directory / name), "bytes": (directory / name).stat().st_size}
            for name in ("entries.jsonl", "README.txt")
        },
    }
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    return manifest


def _file_sha(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_package(directory: Path) -> tuple[int, list[str]]:
    """Check a package: every file's checksum, then the chain inside it."""
    try:
        manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0, ["manifest.json is missing or unreadable"]
    problems = []
    for name, info in manifest.get("files", {}).items():
        path = directory / name
        if not path.is_file():
            problems.append(f"{name} is missing")
        elif _file_sha(path) != info.get("sha256"):
            problems.append(f"{name}: checksum differs from the manifest")
    entries, values = [], {}
    try:
        with (directory / "entries.jsonl").open(encoding="utf-8") as handle:
            for line in handle:
                entry = json.loads(line)
                for name, (salt, value) in entry.pop("values", {}).items():
                    values[(entry["seq"], name)] = (salt, value)
                entries.append(entry)
    except (OSError, ValueError, KeyError) as exc:
        return 0, [*problems, f"entries.jsonl unreadable: {exc}"]
    head_info = manifest.get("head") or {}
    count, chain_problems = check_chain(entries, values, (head_info.get("seq", 0), head_info.get("hash", ZERO)))
    return count, problems + chain_problems


#: What each kind of line in the public record means, in words (the code stays in the line and
#: its hash; the page shows the words, in the reader's language).
KIND_LABELS = {
    "initiative.placed": _l("Initiatief geplaatst"),
    "initiative.changed": _l("Initiatief gewijzigd"),
    "comment.published": _l("Reactie geplaatst"),
    "moderation.decided": _l("Besluit van de redactie"),
    "framing.added": _l("Kader toegevoegd"),
    "feedback.given": _l("Antwoord van de gemeente"),
    "outcome.reported": _l("Uitkomst vastgelegd"),
    "challenge.filed": _l("Uitdaging ingediend"),
    "challenge.acknowledged": _l("Uitdaging ontvangen"),
    "challenge.assessed": _l("Uitdaging beoordeeld"),
    "challenge.decided": _l("Besluit over een uitdaging"),
    "challenge.converted": _l("Uitdaging wordt initiatief"),
    "people.role-granted": _l("Rol toegekend"),
    "people.role-revoked": _l("Rol ingetrokken"),
    "people.enabled": _l("Account weer aangezet"),
    "people.disabled": _l("Account uitgezet"),
}
SUBJECT_LABELS = {
    "initiative": _l("initiatief"),
    "comment": _l("reactie"),
    "framing": _l("kader"),
    "feedback": _l("antwoord"),
    "outcome": _l("uitkomst"),
    "challenge": _l("uitdaging"),
    "user": _l("account"),
}


def kind_label(kind: str) -> str:
    """The words for a kind of line; a kind this version does not know shows as its code."""
    return str(KIND_LABELS.get(kind, kind))


def subject_label(subject_type: str | None) -> str:
    return str(SUBJECT_LABELS.get(subject_type or "", subject_type or ""))
