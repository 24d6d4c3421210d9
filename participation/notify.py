"""Hearing back: notifications in "Mijn Schatkaart", immediate mails and digests.

Notifications are rows written in the same transaction as the action; mail goes out
after the commit (immediately for people who chose that, else in the digest job).
Every mail carries a one-click unsubscribe link (RFC 8058 headers included).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from email.message import Message
from functools import partial

import orjson
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import or_, select, update

from initiatives.models import Initiative
from platform_core import jobs, settings
from platform_core.extensions import db
from platform_core.mail import build_message, mail_sender, message_id, send_messages
from platform_core.models import User, utcnow
from platform_core.transaction import after_commit, commit
from platform_core.urls import public_url, url_builder
from platform_core.validation import ValidationFailed

from .models import Comment, Notification

MODES = ("immediate", "daily", "weekly", "none")
# A notification is shown (on Mijn Schatkaart, in a digest) while its initiative is public, or
# to the initiative's owner; one about an initiative hidden since then stays out of sight.
NOTIFICATION_VISIBLE = or_(
    Notification.initiative_id.is_(None),
    Initiative.visibility == "published",
    Initiative.owner_id == Notification.user_id,
)
_VISIBLE_COLUMNS = (
    Notification.id,
    Notification.user_id,
    Notification.text,
    Notification.initiative_id,
    NOTIFICATION_VISIBLE.label("visible"),
)
PERIODS = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}


class _CompactJSON:
    """The same compact JSON itsdangerous writes (so every link ever sent stays readable), by
    orjson: the digest signs one token per mail and the standard encoder's set-up dominated."""

    @staticmethod
    def dumps(obj: object) -> str:
        return orjson.dumps(obj).decode()

    @staticmethod
    def loads(payload: str | bytes) -> object:
        return orjson.loads(payload)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="unsubscribe", serializer=_CompactJSON)


def unsubscribe_token(user_id: int | None = None, comment_id: int | None = None) -> str:
    return _serializer().dumps({"u": user_id} if user_id else {"c": comment_id})


def read_unsubscribe_token(token: str) -> dict | None:
    """The token's contents while it is valid (``UNSUBSCRIBE_TOKEN_DAYS``; every mail brings a
    fresh one); None when it is forged or expired."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["UNSUBSCRIBE_TOKEN_DAYS"] * 86400)
    except BadSignature:  # includes SignatureExpired
        return None
    return data if isinstance(data, dict) and ({"u"} == set(data) or {"c"} == set(data)) else None


def unsubscribe_url(**kwargs) -> str:
    return public_url("participation.unsubscribe", token=unsubscribe_token(**kwargs))


def notify(
    user_ids: set[int], kind: str, initiative: Initiative | None, text: object, actor_id: int | None = None
) -> list[Notification]:
    """Write a notification for each person, in their own language; return those to mail right away.

    ``text``: a lazy string (``lazy_gettext`` with its values) or a function returning the text,
    rendered once per language among the recipients. ``actor_id``: the person whose name or words
    the text carries; erasing their account removes these rows (privacy/erasure.py).
    """
    user_ids = {u for u in user_ids if u}
    if not user_ids:
        return []
    languages = dict(db.session.execute(select(User.id, User.locale).where(User.id.in_(user_ids))).all())
    rendered: dict[str | None, str] = {}
    for lang in set(languages.values()):
        with force_locale(lang or current_app.config["BABEL_DEFAULT_LOCALE"]):
            rendered[lang] = str(text() if callable(text) else text)[:400]
    rows = [
        Notification(
            user_id=u,
            kind=kind,
            initiative_id=initiative.id if initiative else None,
            actor_id=actor_id,
            text=rendered[languages.get(u)] if u in languages else str(text() if callable(text) else text)[:400],
        )
        for u in sorted(user_ids)
    ]
    db.session.add_all(rows)
    db.session.flush()
    immediate = set(db.session.scalars(select(User.id).where(User.id.in_(user_ids), User.notify_mode == "immediate")))
    return [n for n in rows if n.user_id in immediate]


def _with_unsubscribe(msg: Message, url: str) -> Message:
    msg["List-Unsubscribe"] = f"<{url}>"
    msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return msg


def _footer(url: str) -> str:
    return "\n\n-- \n" + _("Geen berichten meer ontvangen? Meld u met één klik af: %(url)s", url=url)


def _link(initiative_id: int | None) -> str:
    if not initiative_id:
        return ""
    return "\n   " + public_url("initiatives.detail", initiative_id=initiative_id)


def deliver_immediate(notifications: list[Notification]) -> None:
    """Mail the people who chose "immediately": a job, run once the action is committed."""
    if notifications:
        jobs.later("notify.deliver", notification_ids=[n.id for n in notifications])


def deliver(notification_ids: list[int]) -> None:
    """The mailing job: each notification not mailed yet, so a retried job mails nobody twice."""
    notifications = list(
        db.session.scalars(
            select(Notification).where(Notification.id.in_(notification_ids), Notification.emailed_at.is_(None))
        )
    )
    if not notifications:
        return
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_({n.user_id for n in notifications})))}
    messages = []
    for n in notifications:
        user = users[n.user_id]
        url = unsubscribe_url(user_id=user.id)
        with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
            body = n.text + _link(n.initiative_id) + _footer(url)
            messages.append(
                _with_unsubscribe(
                    build_message(
                        user.email,
                        _("Nieuws van %(site)s", site=settings.get("site_name")),
                        body,
                        msgid=message_id(f"notification-{n.id}"),  # the same when a retry mails it again
                    ),
                    url,
                )
            )
    send_messages(messages)
    db.session.execute(
        update(Notification).where(Notification.id.in_([n.id for n in notifications])).values(emailed_at=utcnow())
    )
    commit()


def mail_anonymous_reply(parent: Comment, reply: Comment) -> None:
    """A visitor without an account asked to hear about replies to their comment (after the commit)."""
    after_commit(partial(_mail_anonymous_reply, parent, reply))


def _mail_anonymous_reply(parent: Comment, reply: Comment) -> None:
    if parent.author_email is None:  # erased meanwhile
        return
    url = unsubscribe_url(comment_id=parent.id)
    body = _(
        "%(name)s antwoordde op uw reactie bij ‘%(title)s’:\n\n%(body)s",
        name=reply.author_name,
        title=parent.initiative.title,
        body=reply.body,
    )
    body += _link(parent.initiative_id) + _footer(url)
    send_messages([_with_unsubscribe(build_message(parent.author_email, _("Antwoord op uw reactie"), body), url)])


class _DigestWords:
    """A digest's fixed words in one language, translated once per run instead of per mail."""

    def __init__(self, locale: str, period: str) -> None:
        with force_locale(locale):
            self.subject = str(
                _("Uw dagelijkse overzicht van %(site)s", site=settings.get("site_name"))
                if period == "daily"
                else _("Uw wekelijkse overzicht van %(site)s", site=settings.get("site_name"))
            )
            self.hello = _("Hallo %(name)s,")
            self.intro = _("Dit gebeurde er op %(site)s:", site=settings.get("site_name"))
            self.footer = "\n\n-- \n" + _("Geen berichten meer ontvangen? Meld u met één klik af: %(url)s")


def _digest_body(words: _DigestWords, name: str, items: list[tuple[str, str]], url: str) -> str:
    lines = [words.hello % {"name": name}, "", words.intro, ""]
    lines += ["- " + text + link for text, link in items]
    return "\n".join(lines) + words.footer % {"url": url}


def send_digests(period: str, now: datetime | None = None, batch: int = 500) -> int:
    """Mail each person on this digest period what happened since their last digest.

    Works in batches of people so memory stays flat however many residents there are; reads
    only the columns it needs, and translates the fixed words and builds each initiative's link
    once per run rather than per mail. Returns the number of mails sent.
    """
    if period not in PERIODS:
        raise ValueError(period)
    now = now or utcnow()
    due_before = now - PERIODS[period] + timedelta(minutes=5)
    default_locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    words: dict[str, _DigestWords] = {}
    links: dict[int | None, str] = {None: ""}
    serializer = _serializer()
    build = url_builder()
    sender = mail_sender()
    sent = 0
    last_id = 0
    due = (User.notify_mode == period) & ((User.last_digest_at.is_(None)) | (User.last_digest_at <= due_before))
    while True:
        users = db.session.execute(
            select(User.id, User.email, User.display_name, User.locale)
            .where(User.id > last_id, due)
            .order_by(User.id)
            .limit(batch)
        ).all()
        if not users:
            break
        # The batch as a range of ids (no list of thousands of parameters to send and parse).
        in_batch = (User.id > last_id) & (User.id <= users[-1].id) & due
        last_id = users[-1].id
        notes = (
            (Notification.user_id.in_(select(User.id).where(in_batch)))
            & Notification.emailed_at.is_(None)
            & (Notification.created_at <= now)
        )
        pending: dict[int, list[tuple[str, str]]] = defaultdict(list)
        first: dict[int, int] = {}  # each person's oldest notification in this digest
        rows = db.session.execute(
            select(*_VISIBLE_COLUMNS)
            .outerjoin(Initiative, Initiative.id == Notification.initiative_id)
            .where(notes)
            .order_by(Notification.user_id, Notification.created_at)
        ).all()
        for nid, uid, text, initiative_id, visible in rows:
            first.setdefault(uid, nid)
            if visible:  # about an initiative hidden since: not mailed (but done with)
                if initiative_id not in links:
                    links[initiative_id] = "\n   " + build("initiatives.detail", initiative_id=initiative_id)
                pending[uid].append((text, links[initiative_id]))
        messages = []
        for user_id, email, name, locale in users:
            if pending.get(user_id):
                locale = locale or default_locale
                if locale not in words:
                    words[locale] = _DigestWords(locale, period)
                url = build("participation.unsubscribe", token=serializer.dumps({"u": user_id}))
                body = _digest_body(words[locale], name, pending[user_id], url)
                # the same Message-ID when a retried job sends this digest again (mail programs show it once)
                msgid = message_id(f"digest-{user_id}-{first[user_id]}")
                message = build_message(email, words[locale].subject, body, sender=sender, msgid=msgid)
                messages.append(_with_unsubscribe(message, url))
        send_messages(messages)
        sent += len(messages)
        if rows:
            db.session.execute(update(Notification).where(notes).values(emailed_at=now))
        db.session.execute(update(User).where(in_batch).values(last_digest_at=now))
        commit()
    return sent


def set_mode(user: User, mode: str) -> None:
    if mode not in MODES:
        raise ValidationFailed({"notify_mode": _("Kies een van de mogelijkheden.")})
    user.notify_mode = mode
    db.session.flush()


def apply_unsubscribe(data: dict) -> str:
    """Turn mail off for the person (or the anonymous comment) the token belongs to."""
    if "u" in data:
        user = db.session.get(User, data["u"])
        if user:
            user.notify_mode = "none"
    else:
        comment = db.session.get(Comment, data["c"])
        if comment:
            comment.notify_replies = False
    db.session.flush()
    return "user" if "u" in data else "comment"
