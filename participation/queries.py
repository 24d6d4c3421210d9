"""Everything the initiative page shows about taking part, in a fixed number of queries
(however many comments or participants there are)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from initiatives.models import Initiative
from maps.services import current_municipality
from platform_core.extensions import db
from platform_core.models import User
from platform_core.policy import can

from .models import Comment, Need, NeedResponse, Participation
from .services import can_edit_comment, is_following, pluimed_by


def comment_thread(initiative: Initiative) -> list[tuple[Comment, list[Comment]]]:
    comments = db.session.scalars(
        select(Comment)
        .where(Comment.initiative_id == initiative.id, Comment.status != "pending")
        .order_by(Comment.created_at, Comment.id)
    ).all()
    replies: dict[int, list[Comment]] = defaultdict(list)
    top = []
    for c in comments:
        if c.parent_id:
            replies[c.parent_id].append(c)
        else:
            top.append(c)
    return [(c, replies.get(c.id, [])) for c in top]


def detail_context(initiative: Initiative, user: User | None, reply_to_id: str | None = None) -> dict:
    thread = comment_thread(initiative)
    reply_to = None
    if reply_to_id and reply_to_id.isdigit():
        reply_to = next((c for c, _r in thread if c.id == int(reply_to_id) and c.status == "published"), None)
    comment_ids = [c.id for c, rs in thread for c in [c, *rs]]
    is_owner = bool(user and user.is_authenticated and user.id == initiative.owner_id)
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
