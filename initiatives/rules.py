"""Who may see and steer initiatives (declared into platform_core.policy by ``register``)."""

from __future__ import annotations

from platform_core.policy import Kind, define, describe, gone, has, logged_in, owns, published

from .models import Initiative


def register() -> None:
    describe(
        Initiative,
        Kind(
            owner=lambda i: i.owner_id,
            published=lambda i: i.visibility == "published",
            area=lambda i: i.area_id,
        ),
    )
    # Published content is public; what is pending, hidden or held only its owner and the moderators see.
    define("view", _view, login=False, hide=True)
    # Join, follow, contact: only published content, only with an account.
    define("take_part", lambda u, o: logged_in(u) and published(o), login=True)
    define("contact", lambda u, o: published(o), login=False)
    # The initiator stays owner: nobody else, the municipality included, edits the content.
    define("steer_initiative", owns, login=True)


def _view(user, obj) -> bool:
    if gone(obj):
        return has(user, "moderator", "admin")
    return published(obj) or owns(user, obj) or has(user, "moderator", "admin")
