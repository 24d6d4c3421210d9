"""Everything the initiative page shows about taking part, in a fixed number of queries
(however many comments or participants there are)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from initiatives.models import Initiative
from maps.services import current_municipality
from platform_core.extensions import db
from platform_core.models import User
from platform_core.policy import MAX_ID, can

from .models import Comment, Need, NeedResponse, Participation
from .services import can_edit_comment, is_following, pluimed_by

COMMENTS_PER_PAGE = 10


@dataclass(frozen=True)
class ThreadPage:
    """One page of a discussion: top-level comments with all their replies, and where to go next."""

    items: list[tuple[Comment, list[Comment]]]
    newest_first: bool
    next_after: int | None  # keyset for the next page (exclusive)
    previous_from: int | None  # where the previous page starts (inclusive)
    is_first: bool


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
    if page:
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
    participants = []
    if is_owner:
        participants = db.session.scalars(
            select(Participation)
            .where(Participation.initiative_id == initiative.id)
            .options(selectinload(Participation.user))
            .order_by(Participation.created_at)
        ).all()
    my_participation = None
    if user and user.is_authenticated and not is_owner:
        my_participation = db.session.scalar(
            select(Participation).filter_by(initiative_id=initiative.id, user_id=user.id)
        )
    needs = db.session.scalars(
        select(Need)
        .where(Need.initiative_id == initiative.id)
        .options(selectinload(Need.responses).selectinload(NeedResponse.user))
        .order_by(Need.is_open.desc(), Need.created_at)
    ).all()
    municipality = current_municipality()
    return {
        "thread": thread,
        "discussion": discussion,
        "reply_to": reply_to,
        "participants": participants,
        "my_participation": my_participation,
        "is_owner": is_owner,
        "needs": needs,
        "my_comment_pluims": pluimed_by(user, "comment", comment_ids),
        "my_initiative_pluim": bool(pluimed_by(user, "initiative", [initiative.id])),
        "following": is_following(user, "initiative", initiative.id),
        "editable": {c.id for c, rs in thread for c in [c, *rs] if can_edit_comment(user, c)},
        "anonymous_held": municipality is None or municipality.anonymous_comments == "pre",
        "is_moderator": can("moderate", user=user),
    }
