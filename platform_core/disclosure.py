"""Small groups are never shown: a count of people below ``K_ANONYMITY`` becomes None, which
pages render as "minder dan 5" (the council review, public progress pages, reports)."""

from __future__ import annotations

K_ANONYMITY = 5


def suppress(n: int | None) -> int | None:
    return None if n is None or n < K_ANONYMITY else n
