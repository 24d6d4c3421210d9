"""Who may comment, give pluimen, answer a call and moderate (declared into platform_core.policy)."""

from __future__ import annotations

from platform_core.policy import Kind, define, describe, has, logged_in, owns, published

from .models import Comment, Need


def register() -> None:
    describe(
        Comment,
        Kind(
            owner=lambda c: c.author_id,
            published=lambda c: c.status == "published" and published(c.initiative),
            area=lambda c: c.initiative.area_id,
            gone=lambda c: c.status == "deleted",
        ),
    )
    # a call for help belongs to its initiative: steered by its initiator, public with it
    describe(
        Need,
        Kind(
            owner=lambda n: n.initiative.owner_id,
            published=lambda n: published(n.initiative),
            area=lambda n: n.initiative.area_id,
        ),
    )
    define("comment", lambda u, o: published(o), login=False)
    define("give_pluim", lambda u, o: logged_in(u) and published(o) and not owns(u, o), login=True)
    # A closed call is not a refusal: the service says so next to the field.
    define(
        "respond_to_need",
        lambda u, need: logged_in(u) and published(need.initiative) and not owns(u, need.initiative),
        login=True,
    )
    define("own_comment", owns, login=True)
    define("moderate", lambda u, o: has(u, "moderator", "admin"), login=True)
