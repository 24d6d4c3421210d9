"""Who reads the council's figures (declared into platform_core.policy by ``register``)."""

from __future__ import annotations

from platform_core.policy import define, has


def register() -> None:
    define("read_council", lambda u, o: has(u, "council", "civil_servant", "admin"), login=True)
