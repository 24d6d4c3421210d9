"""Everything the initiative page shows about taking part, in a fixed number of queries
(however many comments or participants there are)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from flask import g
from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import selectinload

from initiatives.models import Initiative
from maps.services import current_municipality
from platform_core.extensions import db
from platform_core.models import User
from platform_core.policy import MAX_ID, can

from .models import Comment, Follow, Need, NeedResponse, Participation, Pluim
from .services import can_edit_comment

COMMENTS_PER_PAGE = 10


@dataclass(frozen=True)
class ThreadPage:
    """One page of a discussion: top-level comments with all their replies, and where to go next."""

    items: list[tuple[Comment, list[Comment]]]
    newest_first: bool
    next_after: int | None  # keyset for the next page (exclusive)
    previous_from: int | None  # where the previous page starts (inclusive)
    is_first: bool


class Taking(NamedTuple):
    """The reader's own taking part in an initiative, as the page shows it."""

    id: int
    offer: str | None


class Standing(NamedTuple):
    """Where the reader stands with one initiative: what the page's join section and toolbar show
    differently per reader (and are kept under)."""

    steers: bool
    taking: Taking | None
    following: bool
    pluimed: bool


def _standing_statement():
    mine = (Participation.initiative_id == bindparam("i")) & (Participation.user_id == bindparam("u"))
    return select(
        select(Participation.id).where(mine).scalar_subquery(),
        select(Participation.offer).where(mine).scalar_subquery(),
        exists().where(Follow.user_id == bindparam("u"), Follow.target_type == "initiative",
                       Follow.target_id == bindparam("i")),
        exists().where(Pluim.user_id == bindparam("u"), Pluim.target_type == "initiative",
                       Pluim.target_id == bindparam("i")),
    )  # fmt: skip


_STANDING = _standing_statement()  # built once: the page asks it on every request


def standing(initiative: Initiative, user: User | None) -> Standing:
    """One question per page for the reader's own place in the initiative (remembered for the
    request: the sections and the keys they are kept under both ask)."""
    if user is None or not user.is_authenticated:
        return Standing(False, None, False, False)
    memo = g.setdefault("initiative_standing", {})
    key = (initiative.id, user.id)
    if key not in memo:
        taking_id, offer, following, pluimed = db.session.execute(_STANDING, {"i": initiative.id, "u": user.id}).one()
        memo[key] = Standing(
            can("steer_initiative", initiative, user=user),
            Taking(taking_id, offer) if taking_id is not None else None,
            bool(following),
            bool(pluimed),
        )
    return memo[key]


def _own_comment_pluims(user: User | None, comment_ids: list[int]) -> set[int]:
    if user is None or not user.is_authenticated or not comment_ids:
        return set()
    return set(
        db.session.scalars(
            select(Pluim.target_id).where(
                Pluim.user_id == user.id, Pluim.target_type == "comment", Pluim.target_id.in_(comment_ids)
            )
        )
    )


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isascii() and value.isdigit() and int(value) <= MAX_ID else None


def comment_thread(
    initiative: Initiative,
    newest_first: bool = False,
    after: str | None = None,
    start: str | None = None,
    size: int = COMMENTS_PER_PAGE,
) -> ThreadPage:
    """A page of top-level comments by keyset (``after`` exclusive or ``start`` inclusive), in the
    reader's order, with their replies: the cost is the page's, not the discussion's."""
    after_id, start_id = _int(after), _int(start)
    top = select(Comment).where(
        Comment.initiative_id == initiative.id, Comment.parent_id.is_(None), Comment.status != "pending"
    )
    forward = Comment.id.desc() if newest_first else Comment.id.asc()
    if after_id is not None:
        top = top.where(Comment.id < after_id if newest_first else Comment.id > after_id)
    elif start_id is not None:
        top = top.where(Comment.id <= start_id if newest_first else Comment.id >= start_id)
    page = list(db.session.scalars(top.order_by(forward).limit(size + 1)))
    has_more = len(page) > size
    page = page[:size]
    previous_from, is_first = None, True
    if page and (after_id is not None or start_id is not None):  # without either, this is the first page
        first = page[0].id
        before = select(Comment.id).where(
            Comment.initiative_id == initiative.id,
            Comment.parent_id.is_(None),
            Comment.status != "pending",
            Comment.id > first if newest_first else Comment.id < first,
        )
        earlier = list(
            db.session.scalars(before.order_by(Comment.id.asc() if newest_first else Comment.id.desc()).limit(size))
        )
        if earlier:
            is_first, previous_from = False, earlier[-1]
    replies: dict[int, list[Comment]] = defaultdict(list)
    if page:
        for reply in db.session.scalars(
            select(Comment)
            .where(Comment.parent_id.in_([c.id for c in page]), Comment.status != "pending")
            .order_by(Comment.id)
        ):
            replies[reply.parent_id].append(reply)
    return ThreadPage(
        items=[(c, replies.get(c.id, [])) for c in page],
        newest_first=newest_first,
        next_after=page[-1].id if has_more else None,
        previous_from=previous_from,
        is_first=is_first,
    )


def standing_context(initiative: Initiative, user: User | None) -> dict:
    """The join section's and the toolbar's names: the same for every reader who stands alike."""
    mine = standing(initiative, user)
    participants = []
    if mine.steers:
        participants = db.session.scalars(
            select(Participation)
            .where(Participation.initiative_id == initiative.id)
            .options(selectinload(Participation.user))
            .order_by(Participation.created_at)
        ).all()
    return {
        "steers": mine.steers,
        "participants": participants,
        "my_participation": None if mine.steers else mine.taking,
        "following": mine.following,
        "my_initiative_pluim": mine.pluimed,
    }


def detail_context(
    initiative: Initiative,
    user: User | None,
    reply_to_id: str | None = None,
    newest_first: bool = False,
    after: str | None = None,
    start: str | None = None,
) -> dict:
    discussion = comment_thread(initiative, newest_first, after, start)
    thread = discussion.items
    reply_to = None
    if _int(reply_to_id) is not None:
        reply_to = db.session.scalar(
            select(Comment).where(
                Comment.id == _int(reply_to_id), Comment.initiative_id == initiative.id, Comment.parent_id.is_(None)
            )
        )
        if reply_to is not None and not can("comment", reply_to):  # only a published comment gets an answer
            reply_to = None
    comment_ids = [c.id for c, rs in thread for c in [c, *rs]]
    is_owner = can("steer_initiative", initiative, user=user)
    needs = db.session.scalars(
        select(Need)
        .where(Need.initiative_id == initiative.id)
        .options(selectinload(Need.responses).selectinload(NeedResponse.user))
        .order_by(Need.is_open.desc(), Need.created_at)
    ).all()
    signed_in = bool(user and user.is_authenticated)
    municipality = None if signed_in else current_municipality()  # only visitors' comments are held
    return {
        "thread": thread,
        "discussion": discussion,
        "reply_to": reply_to,
        "is_owner": is_owner,
        "needs": needs,
        "my_comment_pluims": _own_comment_pluims(user, comment_ids),
        "editable": {c.id for c, rs in thread for c in [c, *rs] if can_edit_comment(user, c)},
        "anonymous_held": not signed_in and (municipality is None or municipality.anonymous_comments == "pre"),
        "is_moderator": can("moderate", user=user),
    }
