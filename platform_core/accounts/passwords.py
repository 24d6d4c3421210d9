"""Password rules: at least 10 characters, not a common password, not about the person.

NIST SP 800-63B's advice, which the Dutch government's baseline (BIO) follows: a minimum length
and a check against known-bad passwords, no composition rules (they make passwords harder to
remember, not to guess). The list (``common_passwords.txt``) includes Dutch favourites.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

from flask_babel import gettext as _

MIN_PASSWORD = 10
MAX_PASSWORD = 200  # hashing a megabyte of "password" is a denial of service, not a password
_LIST = Path(__file__).with_name("common_passwords.txt")
_SEQUENCES = ("0123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnm", "azertyuiop")
_AROUND = re.compile(r"^[\d\W_]*(.*?)[\d\W_]*$")


@cache
def common_passwords() -> frozenset[str]:
    lines = _LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def _monotonous(pw: str) -> bool:
    """One character repeated, a short pattern repeated, or a run from the keyboard/alphabet."""
    if len(set(pw)) <= 2:
        return True
    for size in range(1, 5):
        if len(pw) % size == 0 and pw[:size] * (len(pw) // size) == pw:
            return True
    return any(pw in seq or pw in seq[::-1] for seq in _SEQUENCES)


def password_problem(password: str, *personal: str) -> str | None:
    """Why this password will not do, in plain Dutch; None when it is fine.

    ``personal`` are the person's own words (e-mail address, name): a password made of those
    is the first thing anyone who knows them tries.
    """
    password = password or ""
    if len(password) < MIN_PASSWORD:
        return _("Kies een wachtwoord van minstens %(n)s tekens.", n=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        return _("Kies een wachtwoord van hoogstens %(n)s tekens.", n=MAX_PASSWORD)
    folded = _fold(password)
    core = _AROUND.match(folded).group(1)
    common = common_passwords()
    if folded in common or core in common or _monotonous(folded) or _monotonous(core or folded):
        return _(
            "Dit wachtwoord staat op de lijst van veelgebruikte wachtwoorden en is snel te raden. "
            "Kies iets langers of ongewoners, bijvoorbeeld een paar losse woorden achter elkaar."
        )
    letters = re.sub(r"\W|_", "", folded)
    for word in personal:
        whole = re.sub(r"\W|_", "", _fold(word or ""))
        for part in [whole, *re.split(r"[@.\s_-]+", _fold(word or ""))]:
            if len(part) >= 4 and part in letters and len(letters) - len(part) < 6:
                return _("Uw wachtwoord lijkt te veel op uw naam of e-mailadres. Kies iets anders.")
    return None
