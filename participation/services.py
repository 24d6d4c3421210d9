"""Joining, needs, comments, pluimen and follows. Each operation checks the policy, validates,
changes state, updates the initiative's counters, queues notifications and announces the
contribution (``signals``) for credits and council facts; the request commits."""

from __future__ import annotations

from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select, update

from initiatives.activity import touch
from initiatives.models import Initiative, Theme
from maps.models import Area
from maps.services import current_municipality
from platform_core import jobs
from platform_core.contributions import Contribution, ContributionEvent, on_initiative
from platform_core.extensions import db
from platform_core.models import User, utcnow
from platform_core.policy import find, require
from platform_core.spatial import begin_write, dialect_insert, lock_row
from platform_core.validation import ValidationFailed

from .models import (
    EDIT_WINDOW_MINUTES,
    FOLLOW_TARGETS,
    Comment,
    Follow,
    Need,
    NeedResponse,
    Participation,
    Pluim,
)
from .notify import deliver_immediate, mail_anonymous_reply, notify
from .signals import contributed, withdrawn

MAX_COMMENT = 2000


def _touch(initiative: Initiative) -> None:
    touch(initiative.id)  # the time and the map's day of last activity (initiatives.activity)


def _text(value: str | None, field: str, lo: int, hi: int, label: str) -> str:
    value = (value or "").strip()
    if len(value) < lo:
        raise ValidationFailed({field: _("Vul %(label)s in.", label=label)})
    if len(value) > hi:
        raise ValidationFailed({field: _("Hoogstens %(n)s tekens (nu %(m)s).", n=hi, m=len(value))})
    return value


# --- following ------------------------------------------------------------------------


def follow(user: User, target_type: str, target_id: int) -> None:
    """Follow once: a second follow, even a concurrent one, changes nothing."""
    require(user, "logged_in")
    if target_type not in FOLLOW_TARGETS:
        raise ValidationFailed({"target_type": _("Dit kunt u niet volgen.")})
    target = find({"initiative": Initiative, "area": Area, "theme": Theme}[target_type], target_id)
    if target is None:
        raise ValidationFailed({"target_type": _("Dit bestaat niet (meer).")})
    if target_type == "initiative":
        require(user, "take_part", target)
    db.session.execute(
        dialect_insert(db.session.get_bind(), Follow)
        .values(user_id=user.id, target_type=target_type, target_id=target_id, created_at=utcnow())
        .on_conflict_do_nothing()
    )


def unfollow(user: User, target_type: str, target_id: int) -> None:
    require(user, "logged_in")
    db.session.execute(delete(Follow).filter_by(user_id=user.id, target_type=target_type, target_id=target_id))


def record_visit(user: User) -> None:
    """Remember when the person last looked at Mijn Schatkaart ("new since your last visit").

    A page view that writes: it takes the write lock like any write, so on SQLite it waits its
    turn behind other writers instead of failing when one committed since the page began reading.
    """
    begin_write(db.session)
    db.session.execute(update(User).where(User.id == user.id).values(last_seen_at=utcnow()))


def is_following(user: User | None, target_type: str, target_id: int) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Follow)
            .filter_by(user_id=user.id, target_type=target_type, target_id=target_id)
        )
        > 0
    )


def followers_of(initiative: Initiative) -> set[int]:
    """Everyone following the initiative, its neighbourhood (or wijk) or one of its themes."""
    areas = [a for a in (initiative.area_id, initiative.area.parent_id if initiative.area else None) if a]
    themes = [t.id for t in initiative.themes] + [t.parent_id for t in initiative.themes if t.parent_id]
    clauses = [(Follow.target_type == "initiative") & (Follow.target_id == initiative.id)]
    if areas:
        clauses.append((Follow.target_type == "area") & Follow.target_id.in_(areas))
    if themes:
        clauses.append((Follow.target_type == "theme") & Follow.target_id.in_(themes))
    return set(db.session.scalars(select(Follow.user_id).where(or_(*clauses))))


# --- joining and needs ----------------------------------------------------------------


def join(user: User, initiative: Initiative, offer: str | None = None, follow_it: bool = True) -> Participation:
    require(user, "take_part", initiative)
    begin_write(db.session)
    lock_row(db.session, Initiative, initiative.id)
    if initiative.owner_id == user.id:
        raise ValidationFailed({"offer": _("U bent de initiatiefnemer: u doet al mee.")})
    offer = (offer or "").strip()[:500] or None
    existing = db.session.scalar(select(Participation).filter_by(initiative_id=initiative.id, user_id=user.id))
    if existing:
        existing.offer = offer
        return existing
    item = Participation(initiative_id=initiative.id, user_id=user.id, offer=offer)
    db.session.add(item)
    db.session.execute(
        update(Initiative)
        .where(Initiative.id == initiative.id)
        .values(participants_count=Initiative.participants_count + 1)
    )
    _touch(initiative)
    if follow_it:
        follow(user, "initiative", initiative.id)
    db.session.flush()
    contributed.send(on_initiative(initiative, Contribution.JOIN, item.id, user.id, item.created_at))

    def text() -> str:  # rendered in each recipient's language
        joined = _("%(name)s doet mee met ‘%(title)s’.", name=user.display_name, title=initiative.title)
        return joined + (" " + _("Kan bieden: %(offer)s", offer=offer[:200]) if offer else "")

    deliver_immediate(notify({initiative.owner_id}, "participant", initiative, text, actor_id=user.id))
    return item


def leave(user: User, initiative: Initiative) -> None:
    require(user, "logged_in")
    begin_write(db.session)
    lock_row(db.session, Initiative, initiative.id)
    existing = db.session.scalar(select(Participation).filter_by(initiative_id=initiative.id, user_id=user.id))
    if existing is not None:
        db.session.execute(
            update(Initiative)
            .where(Initiative.id == initiative.id)
            .values(participants_count=Initiative.participants_count - 1)
        )
        withdrawn.send(Contribution.JOIN, source_id=existing.id, initiative_id=initiative.id, reason="left")
        db.session.delete(existing)
        db.session.flush()


def add_need(user: User, initiative: Initiative, title: str, description: str = "") -> Need:
    require(user, "steer_initiative", initiative)
    need = Need(
        initiative=initiative,
        title=_text(title, "title", 3, 120, _("wat u zoekt")),
        description=(description or "").strip()[:500],
    )
    db.session.add(need)
    _touch(initiative)
    db.session.flush()
    return need


def close_need(user: User, need: Need, is_open: bool = False) -> None:
    require(user, "steer_initiative", need.initiative)
    need.is_open = is_open


def respond_to_need(user: User, need: Need, message: str) -> NeedResponse:
    require(user, "logged_in")
    require(user, "take_part", need.initiative)
    begin_write(db.session)
    lock_row(db.session, Initiative, need.initiative_id)
    if not need.is_open:
        raise ValidationFailed({"message": _("Hier wordt niet meer naar gezocht.")})
    if user.id == need.initiative.owner_id:
        raise ValidationFailed({"message": _("Dit is uw eigen oproep.")})
    message = _text(message, "message", 2, 500, _("wat u kunt bieden"))
    response = db.session.scalar(select(NeedResponse).filter_by(need_id=need.id, user_id=user.id))
    is_new = response is None
    if is_new:
        response = NeedResponse(need_id=need.id, user_id=user.id)
        db.session.add(response)
    response.message = message
    _touch(need.initiative)
    db.session.flush()
    if is_new:
        event = on_initiative(need.initiative, Contribution.OFFER, response.id, user.id, response.created_at)
        contributed.send(event)
    text = _l(
        "%(name)s reageert op uw oproep ‘%(need)s’: %(message)s",
        name=user.display_name,
        need=need.title,
        message=message[:200],
    )
    deliver_immediate(notify({need.initiative.owner_id}, "need", need.initiative, text, actor_id=user.id))
    return response


# --- comments -------------------------------------------------------------------------


def post_comment(
    initiative: Initiative,
    body: str,
    author: User | None = None,
    author_name: str | None = None,
    author_email: str | None = None,
    parent: Comment | None = None,
    to_municipality: bool = False,
) -> Comment:
    """Logged-in comments publish at once; anonymous ones follow the municipality's setting."""
    begin_write(db.session)
    errors: dict[str, str] = {}
    try:
        body = _text(body, "body", 2, MAX_COMMENT, _("een reactie"))
    except ValidationFailed as exc:
        errors.update(exc.errors)
    email = None
    if author is None or not author.is_authenticated:
        author = None
        try:
            author_name = _text(author_name, "author_name", 2, 80, _("uw naam"))
        except ValidationFailed as exc:
            errors.update(exc.errors)
        if (author_email or "").strip():
            try:
                email = validate_email(author_email.strip(), check_deliverability=False).normalized.lower()
            except EmailNotValidError:
                errors["author_email"] = _("Vul een geldig e-mailadres in, of laat het veld leeg.")
    if parent is not None and (parent.initiative_id != initiative.id or parent.status != "published"):
        errors["body"] = _("U kunt alleen antwoorden op een zichtbare reactie bij dit initiatief.")
    if initiative.visibility != "published":
        errors["body"] = _("Op dit initiatief kan niet meer gereageerd worden.")
    if errors:
        raise ValidationFailed(errors)
    if parent is not None and parent.parent_id is not None:
        parent = parent.parent  # one level of replies keeps threads readable
    municipality = current_municipality()
    held = author is None and (municipality is None or municipality.anonymous_comments == "pre")
    comment = Comment(
        initiative_id=initiative.id,
        parent_id=parent.id if parent else None,
        author_id=author.id if author else None,
        author_name=author.display_name if author else author_name,
        author_email=email,
        notify_replies=bool(email),
        body=body,
        status="pending" if held else "published",
        to_municipality=bool(to_municipality),
    )
    db.session.add(comment)
    db.session.flush()
    if not held:
        deliver_immediate(announce_comment(comment))
    return comment


def comment_event(comment: Comment) -> ContributionEvent:
    """Words of visitors without an account are not counted as anyone's contribution."""
    return on_initiative(
        comment.initiative,
        Contribution.COMMENT,
        comment.id,
        comment.author_id,
        comment.created_at,
        counted=comment.author_id is not None,
    )


def announce_comment(comment: Comment) -> list:
    """Count a newly visible comment and tell followers and the person replied to."""
    initiative = comment.initiative
    db.session.execute(
        update(Initiative).where(Initiative.id == initiative.id).values(comments_count=Initiative.comments_count + 1)
    )
    _touch(initiative)
    if comment.author_id:
        follow(comment.author, "initiative", initiative.id)
    contributed.send(comment_event(comment))
    # Telling followers grows with the audience: a job, after the commit (platform_core.jobs).
    jobs.later("notify.comment", comment_id=comment.id)
    return []


def comment_notifications(comment_id: int) -> None:
    """The job that tells followers and the person replied to about a comment (idempotent: the
    rows are written once, with the job; a comment hidden meanwhile tells nobody)."""
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.status != "published":
        return
    initiative = comment.initiative
    recipients = followers_of(initiative)
    if comment.parent and comment.parent.author_id:
        recipients.add(comment.parent.author_id)
    recipients.discard(comment.author_id)
    is_reply = comment.parent is not None
    # No copy of the words themselves: a moderator may hide them later, and a notification (or a
    # digest mailed tomorrow) must not keep showing what the site no longer does.
    text = (
        _l("%(name)s antwoordde in ‘%(title)s’.", name=comment.author_name, title=initiative.title)
        if is_reply
        else _l("%(name)s reageerde op ‘%(title)s’.", name=comment.author_name, title=initiative.title)
    )
    sent = notify(recipients, "reply" if is_reply else "comment", initiative, text, actor_id=comment.author_id)
    deliver_immediate(sent)
    if is_reply and comment.parent.author_id is None and comment.parent.notify_replies:
        mail_anonymous_reply(comment.parent, comment)


def can_edit_comment(user: User | None, comment: Comment) -> bool:
    if user is None or not user.is_authenticated or comment.author_id != user.id:
        return False
    if comment.initiative.visibility != "published":
        return False
    return comment.status == "published" and utcnow() - comment.created_at <= timedelta(minutes=EDIT_WINDOW_MINUTES)


def edit_comment(user: User, comment: Comment, body: str) -> Comment:
    require(user, "own_comment", comment)
    if not can_edit_comment(user, comment):
        raise ValidationFailed({"body": _("Een reactie kunt u tot 15 minuten na het plaatsen aanpassen.")})
    comment.body = _text(body, "body", 2, MAX_COMMENT, _("een reactie"))
    comment.edited_at = utcnow()
    return comment


def delete_comment(user: User, comment: Comment) -> None:
    """The author removes their words; a 'verwijderd' placeholder keeps the thread readable."""
    require(user, "own_comment", comment)
    begin_write(db.session)
    was_published = comment.status == "published"
    comment.status = "deleted"
    db.session.flush()  # the receivers recount from the tables: they must see it gone
    if was_published:
        db.session.execute(
            update(Initiative)
            .where(Initiative.id == comment.initiative_id)
            .values(comments_count=Initiative.comments_count - 1)
        )
        withdrawn.send(
            Contribution.COMMENT, source_id=comment.id, initiative_id=comment.initiative_id, reason="comment_deleted"
        )


# --- pluimen --------------------------------------------------------------------------


def _pluim_target(target_type: str, target_id: int):
    model = {"initiative": Initiative, "comment": Comment}.get(target_type)
    target = find(model, target_id) if model else None
    if target is None:
        raise ValidationFailed({"target": _("Dit bestaat niet (meer).")})
    return target


def toggle_pluim(user: User, target_type: str, target_id: int) -> tuple[bool, int]:
    """Give a pluim, or withdraw the one given. Returns (has_pluim, new_count)."""
    require(user, "logged_in")
    begin_write(db.session)
    target = _pluim_target(target_type, target_id)  # an id that cannot exist is "not found" here
    lock_row(db.session, type(target), target.id)
    owner = target.owner_id if target_type == "initiative" else target.author_id
    model = type(target)
    existing = db.session.scalar(select(Pluim).filter_by(user_id=user.id, target_type=target_type, target_id=target_id))
    initiative = target if target_type == "initiative" else target.initiative
    if existing:  # withdrawing stays possible, also once the content is hidden
        withdrawn.send(Contribution.PLUIM, source_id=existing.id, initiative_id=initiative.id, reason="pluim_withdrawn")
        db.session.delete(existing)
        step = -1
    else:
        require(user, "take_part", target)  # hidden, pending or deleted content takes no pluim
        if owner == user.id:
            raise ValidationFailed({"target": _("Een pluim geeft u aan een ander, niet aan uzelf.")})
        require(user, "give_pluim", target)
        pluim = Pluim(user_id=user.id, target_type=target_type, target_id=target_id)
        db.session.add(pluim)
        db.session.flush()
        event = on_initiative(
            initiative,
            Contribution.PLUIM,
            pluim.id,
            user.id,
            pluim.created_at,
            beneficiary_id=owner,
            counted=target_type == "initiative",
        )
        contributed.send(event)
        step = 1
    db.session.execute(update(model).where(model.id == target_id).values(pluim_count=model.pluim_count + step))
    if step == 1:
        _touch(initiative)
    db.session.flush()
    db.session.refresh(target)
    return step == 1, target.pluim_count
