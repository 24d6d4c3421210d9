"""Taking part listens to initiatives: initiators follow their own, followers hear of a new status."""

from __future__ import annotations

from functools import partial

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select

from initiatives.activity import touch
from initiatives.models import STATUSES, Initiative, Theme
from initiatives.signals import initiative_changed, initiative_placed
from maps.models import Area
from platform_core import jobs
from platform_core.extensions import db
from platform_core.pagecache import fragment
from platform_core.policy import can
from platform_core.wiring import Receivers

from .forms import ActionForm, CommentForm, JoinForm, NeedForm, NeedResponseForm
from .notify import deliver_immediate, notify
from .queries import detail_context, standing, standing_context
from .services import follow, followers_of, is_following

#: connected by schatkaart/wiring.py, in its declared order; importing this module connects nothing
receivers = Receivers(__name__)


@receivers.on(initiative_placed)
def _initiator_follows(initiative: Initiative, **_kw) -> None:
    follow(initiative.owner, "initiative", initiative.id)


@receivers.on(initiative_changed)
def _new_status(initiative: Initiative, changed: set[str] = frozenset(), **kw) -> None:
    if "status" not in changed or kw.get("old_status") is None:
        return
    touch(initiative.id)
    # followers can be thousands: told by a job after the commit (platform_core.jobs)
    jobs.later(
        "notify.status",
        initiative_id=initiative.id,
        new=initiative.status,
        old=kw["old_status"],
        actor_id=kw.get("actor_id"),
    )


def status_notifications(initiative_id: int, new: str, old: str, actor_id: int | None) -> None:
    """The job that tells an initiative's followers about its new status."""
    initiative = db.session.get(Initiative, initiative_id)
    if initiative is None:
        return
    text = _l(
        "‘%(title)s’ heeft een nieuwe status: %(new)s (was: %(old)s).",
        title=initiative.title,
        new=STATUSES[new],
        old=STATUSES[old],
    )
    deliver_immediate(notify(followers_of(initiative) - {actor_id}, "status", initiative, text))


#: what taking_part adds to the initiative page (initiatives.signals.detail_page)
TAKING_PART = (
    *("thread", "discussion", "reply_to", "is_owner", "needs"),
    *("my_comment_pluims", "editable", "anonymous_held", "is_moderator"),
    *("comment_form_html", "need_form", "response_form_for", "action_form"),
)
#: what standing_part adds: the same for every reader who stands alike with the initiative
STANDING_PART = ("steers", "participants", "my_participation", "following", "my_initiative_pluim", "join_form")


def taking_part(initiative: Initiative, user=None, reply_to_id=None, forms=None, **_kw) -> dict:
    """Joining, needs, comments and pluimen on the initiative page."""
    forms = forms or {}
    responses = forms.get("response_forms", {})
    newest_first = request.args.get("reacties") == "nieuw"
    context = detail_context(
        initiative, user, reply_to_id, newest_first, request.args.get("na"), request.args.get("vanaf")
    )
    return context | {
        "comment_form_html": partial(
            _comment_form,
            initiative,
            forms.get("comment_form"),
            bool(user and user.is_authenticated),
            context["anonymous_held"],
        ),
        "need_form": forms.get("need_form") or (NeedForm() if can("steer_initiative", initiative, user=user) else None),
        "response_form_for": lambda need_id: responses.get(need_id) or NeedResponseForm(prefix=f"need{need_id}"),
        "action_form": ActionForm(),
    }


def _comment_form(initiative: Initiative, given, signed_in: bool, held: bool, parent_id: int | None) -> Markup:
    """The comment form: the same for every reader alike (kept), unless it comes back with errors."""

    def render() -> str:
        return render_template(
            "participation/_comment_form.html",
            item=initiative,
            comment_form=given or CommentForm(),
            action_form=ActionForm(),
            parent_id=parent_id,
            form_id="reactie-nieuw",
            anonymous_held=held,
        )

    if given is not None:
        return Markup(render())  # noqa: S704 (a rendered template: Jinja escaped what it put in)  # nosec B704
    return fragment(("comment-form", initiative.id, parent_id, signed_in, held), render)


def standing_part(initiative: Initiative, user=None, forms=None, **_kw) -> dict:
    """The join section and the pluim and follow buttons: kept per where the reader stands."""
    return standing_context(initiative, user) | {"join_form": (forms or {}).get("join_form") or JoinForm()}


def standing_reader(initiative: Initiative, user=None) -> tuple:
    return tuple(standing(initiative, user))


def followable(filters, user=None, **_kw) -> dict:
    """The neighbourhood and theme in the gallery's filters, so people can follow them from there."""
    out = []
    if filters.area:
        area = db.session.scalar(select(Area).where(Area.code == filters.area))
        if area:
            out.append(("area", area.id, area.name, is_following(user, "area", area.id)))
    if filters.theme:
        theme = db.session.scalar(select(Theme).where(Theme.slug == filters.theme))
        if theme:
            out.append(("theme", theme.id, theme.name, is_following(user, "theme", theme.id)))
    return {"followable": out}
