"""Light, transparent moderation: flags, a queue, and recorded decisions.

Hidden content is replaced by the moderator's reason, never silently removed; every
decision (who, when, what, why) is kept in ``moderation_decision``.
"""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from initiatives.markdown import render_markdown
from initiatives.models import Initiative
from initiatives.services import set_visibility
from initiatives.signals import initiative_changed
from platform_core.contributions import Contribution
from platform_core.extensions import db
from platform_core.models import User, utcnow
from platform_core.policy import find, require
from platform_core.spatial import begin_write
from platform_core.validation import ValidationFailed

from .models import Comment, Flag, ModerationDecision, Page
from .notify import deliver_immediate
from .signals import contributed, moderated, withdrawn

ACTIONS = ("hold", "publish", "hide", "restore")
HOUSE_RULES = "huisregels"
DEFAULT_HOUSE_RULES = """Schatkaart is van en voor iedereen in de gemeente. Daarom spreken we af:

- Wees vriendelijk en respectvol, ook als u het ergens niet mee eens bent.
- Geen scheldwoorden, discriminatie, bedreigingen of persoonlijke aanvallen.
- Geen reclame en geen spam.
- Deel geen persoonlijke gegevens van anderen.

De redactie kan een reactie of initiatief verbergen als het deze afspraken niet volgt. We laten dan
zien dat er iets verborgen is en waarom. Denkt u dat wij een fout maakten? Meld het met de knop
‘Melden’; de redactie kijkt er opnieuw naar.
"""
DEFAULT_HOUSE_RULES_EN = """Schatkaart belongs to everyone in the municipality. That is why we agree:

- Be friendly and respectful, also when you disagree.
- No swearing, discrimination, threats or personal attacks.
- No advertising and no spam.
- Do not share other people's personal data.

The editors may hide a comment or initiative that does not follow these agreements. We then show
that something was hidden and why. Do you think we made a mistake? Report it with the ‘Report’
button; the editors will look at it again.
"""
HOUSE_RULES_DEFAULTS = {"nl": ("Huisregels", DEFAULT_HOUSE_RULES), "en": ("House rules", DEFAULT_HOUSE_RULES_EN)}


def _target(target_type: str, target_id: int):
    model = {"initiative": Initiative, "comment": Comment}.get(target_type)
    target = find(model, target_id) if model else None  # also for ids no row can have
    if target is None:
        raise ValidationFailed({"target": _("Dit bestaat niet (meer).")})
    return target


def flag(target_type: str, target_id: int, reason: str, reporter: User | None = None) -> Flag:
    _target(target_type, target_id)
    reason = (reason or "").strip()
    if len(reason) < 3:
        raise ValidationFailed({"reason": _("Schrijf kort waarom u dit meldt.")})
    item = Flag(
        target_type=target_type,
        target_id=target_id,
        reason=reason[:500],
        reporter_id=reporter.id if reporter and reporter.is_authenticated else None,
    )
    db.session.add(item)
    db.session.flush()
    return item


def decide(moderator: User, target_type: str, target_id: int, action: str, reason: str = "") -> ModerationDecision:
    """Hold, publish, hide (with a reason shown in place) or restore; always recorded."""
    require(moderator, "moderate")
    begin_write(db.session)
    if action not in ACTIONS:
        raise ValidationFailed({"action": _("Onbekende actie.")})
    reason = (reason or "").strip()[:500]
    if action == "hide" and len(reason) < 3:
        raise ValidationFailed({"reason": _("Geef een reden: die ziet iedereen op de plek van de inhoud.")})
    target = _target(target_type, target_id)
    sent = []
    if target_type == "comment":
        sent = _decide_comment(target, action, reason)
    else:
        _decide_initiative(target, action, reason)
    decision = ModerationDecision(
        target_type=target_type, target_id=target_id, action=action, reason=reason, moderator_id=moderator.id
    )
    db.session.add(decision)
    db.session.execute(
        update(Flag)
        .where(Flag.target_type == target_type, Flag.target_id == target_id, Flag.resolved_at.is_(None))
        .values(resolved_at=utcnow())
    )
    db.session.flush()
    moderated.send(decision, target=target)
    deliver_immediate(sent)
    return decision


def _count_delta(comment: Comment, visible_before: bool, visible_after: bool) -> None:
    step = int(visible_after) - int(visible_before)
    if step:
        db.session.execute(
            update(Initiative)
            .where(Initiative.id == comment.initiative_id)
            .values(comments_count=Initiative.comments_count + step)
        )


def _decide_comment(comment: Comment, action: str, reason: str) -> list:
    """Returns notifications to mail once the decision is committed."""
    if comment.status == "deleted":
        raise ValidationFailed({"action": _("Deze reactie is door de schrijver verwijderd.")})
    was_visible = comment.status == "published"
    first_publication = comment.status == "pending" and action in ("publish", "restore")
    comment.status = {"hold": "pending", "publish": "published", "restore": "published", "hide": "hidden"}[action]
    comment.moderation_reason = reason if action == "hide" else None
    if first_publication:
        from .services import announce_comment

        return announce_comment(comment)  # counts the comment and tells followers
    now_visible = comment.status == "published"
    _count_delta(comment, was_visible, now_visible)
    db.session.flush()
    if was_visible and not now_visible:  # hidden content undoes what it earned, visibly
        withdrawn.send(
            Contribution.COMMENT,
            source_id=comment.id,
            initiative_id=comment.initiative_id,
            reason=_hidden_reason(reason),
        )
    elif now_visible and not was_visible:
        from .services import comment_event

        contributed.send(comment_event(comment))
    return []


def _hidden_reason(reason: str) -> str:
    """Why a contribution's credits are undone, as a code the ledger shows in its reader's
    language (credits.views.reason_of), with the moderator's own words after ``hidden:``."""
    return f"hidden:{reason}" if reason else "held"


def _decide_initiative(initiative: Initiative, action: str, reason: str) -> None:
    if action == "hide":
        changed = set_visibility(initiative, "hidden", reason)
    elif action in ("restore", "publish"):
        changed = set_visibility(initiative, "published", None)
    else:
        changed = set_visibility(initiative, "held")
    db.session.flush()
    if changed:
        initiative_changed.send(initiative, changed={"visibility"}, reason=_hidden_reason(reason))


def queue() -> dict:
    pending = list(
        db.session.scalars(select(Comment).where(Comment.status == "pending").order_by(Comment.created_at).limit(200))
    )
    flags = db.session.execute(
        select(Flag.target_type, Flag.target_id, func.count(), func.min(Flag.created_at))
        .where(Flag.resolved_at.is_(None))
        .group_by(Flag.target_type, Flag.target_id)
        .order_by(func.min(Flag.created_at))
        .limit(200)
    ).all()
    flagged = []
    for target_type, target_id, count, since in flags:
        target = db.session.get(Initiative if target_type == "initiative" else Comment, target_id)
        reasons = list(
            db.session.scalars(
                select(Flag.reason).where(
                    Flag.target_type == target_type, Flag.target_id == target_id, Flag.resolved_at.is_(None)
                )
            )
        )
        flagged.append({"type": target_type, "target": target, "count": count, "since": since, "reasons": reasons})
    hidden = list(
        db.session.scalars(select(Comment).where(Comment.status == "hidden").order_by(Comment.id.desc()).limit(50))
    )
    decisions = list(db.session.scalars(select(ModerationDecision).order_by(ModerationDecision.id.desc()).limit(50)))
    return {"pending": pending, "flagged": flagged, "hidden": hidden, "decisions": described(decisions)}


_DONE = {
    "hide": _l("%(who)s verborg %(what)s."),
    "restore": _l("%(who)s zette %(what)s terug."),
    "publish": _l("%(who)s keurde %(what)s goed."),
    "hold": _l("%(who)s hield %(what)s vast om te beoordelen."),
}


def described(decisions: list[ModerationDecision]) -> list[dict]:
    """The moderation log as sentences ("Redactie verborg een reactie bij ‘Speeltuin’."), each with
    a link to what it was about, instead of codes."""
    comment_ids = [d.target_id for d in decisions if d.target_type == "comment"]
    comments = {
        cid: (iid, title)
        for cid, iid, title in db.session.execute(
            select(Comment.id, Comment.initiative_id, Initiative.title)
            .join(Initiative, Initiative.id == Comment.initiative_id)
            .where(Comment.id.in_(comment_ids or [-1]))
        )
    }
    initiative_ids = [d.target_id for d in decisions if d.target_type == "initiative"]
    titles = dict(
        db.session.execute(
            select(Initiative.id, Initiative.title).where(Initiative.id.in_(initiative_ids or [-1]))
        ).all()
    )
    out = []
    for d in decisions:
        url = None
        if d.target_type == "comment" and d.target_id in comments:
            iid, title = comments[d.target_id]
            what = _("een reactie bij ‘%(title)s’", title=title)
            url = url_for("participation.comment_link", initiative_id=iid, comment_id=d.target_id)
        elif d.target_type == "initiative" and d.target_id in titles:
            what = _("het initiatief ‘%(title)s’", title=titles[d.target_id])
            url = url_for("initiatives.detail", initiative_id=d.target_id)
        else:
            what = _("iets dat niet meer bestaat")
        sentence = _DONE.get(d.action, _l("%(who)s besloot over %(what)s."))
        out.append(
            {
                "at": d.created_at,
                "text": str(sentence) % {"who": d.moderator.display_name, "what": what},
                "url": url,
                "reason": d.reason,
            }
        )
    return out


def house_rules(lang: str = "nl") -> Page:
    """The house rules in Dutch (``huisregels``) or English (``huisregels-en``), each editable."""
    lang = lang if lang in HOUSE_RULES_DEFAULTS else "nl"
    slug = HOUSE_RULES if lang == "nl" else f"{HOUSE_RULES}-{lang}"
    page = db.session.scalar(select(Page).where(Page.slug == slug))
    if page is None:
        title, body = HOUSE_RULES_DEFAULTS[lang]
        page = Page(slug=slug, title=title, body=body, body_html=render_markdown(body))
    return page


def update_house_rules(moderator: User, body: str, lang: str = "nl") -> Page:
    require(moderator, "moderate")
    body = (body or "").strip()
    if len(body) < 20:
        raise ValidationFailed({"body": _("De huisregels zijn te kort.")})
    page = house_rules(lang)
    page.body, page.body_html = body[:20000], render_markdown(body[:20000])
    page.updated_at, page.updated_by_id = utcnow(), moderator.id
    db.session.add(page)
    db.session.flush()
    return page
