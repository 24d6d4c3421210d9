"""Who may file, read, back, discuss and decide a challenge (declared into platform_core.policy)."""

from __future__ import annotations

from platform_core.policy import Kind, define, describe, has, logged_in, owns, published

from .models import Challenge


def register() -> None:
    describe(Challenge, Kind(owner=lambda c: c.owner_id, published=lambda c: bool(c.public)))
    define("file_challenge", lambda u, o: logged_in(u), login=True)
    # A public challenge is everyone's to read; otherwise its filer's and the municipality's.
    define("view_challenge", lambda u, o: published(o) or owns(u, o) or has(u, "civil_servant"), login=False, hide=True)
    define("support_challenge", lambda u, o: logged_in(u) and published(o) and not owns(u, o), login=True)
    define("discuss_challenge", lambda u, o: owns(u, o) or has(u, "civil_servant"), login=True)
    define("decide_challenge", lambda u, o: has(u, "civil_servant"), login=True)
