"""Thin views: read the form, call a service, say what happened in Dutch."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user
from sqlalchemy import select

from initiatives.models import Initiative, Theme
from initiatives.pages import render_detail
from maps.models import Area
from maps.services import current_municipality
from platform_core import settings
from platform_core.extensions import csrf, db, limiter
from platform_core.glossary import TERMS
from platform_core.i18n import language
from platform_core.pagecache import for_visitors
from platform_core.policy import can, find, load, public, require, requires
from platform_core.urls import safe_next
from platform_core.validation import ValidationFailed

from . import bp
from .forms import (
    ActionForm,
    CommentEditForm,
    CommentForm,
    DecisionForm,
    FlagForm,
    JoinForm,
    ModerationSettingsForm,
    NeedForm,
    NeedResponseForm,
    PageForm,
    SettingsForm,
)
from .models import Comment, Follow, Need, NeedResponse, Notification, Participation
from .moderation import decide, flag, house_rules, queue, update_house_rules
from .notify import MODES, NOTIFICATION_VISIBLE, apply_unsubscribe, read_unsubscribe_token, set_mode
from .services import (
    add_need,
    close_need,
    delete_comment,
    edit_comment,
    follow,
    join,
    leave,
    post_comment,
    record_visit,
    respond_to_need,
    toggle_pluim,
    unfollow,
)


def account_or_ip() -> str:
    """Limits per account when logged in, per address otherwise."""
    return f"user:{current_user.id}" if current_user.is_authenticated else get_remote_address()


def _back(item: Initiative, anchor: str = ""):
    return redirect(url_for("initiatives.detail", initiative_id=item.id) + (f"#{anchor}" if anchor else ""))


def _rerender(item: Initiative, **forms):
    return render_detail(item, status=400, **forms)


# --- join, needs ------------------------------------------------------------------------


@bp.post("/initiatieven/<int:initiative_id>/meedoen")
@requires("take_part", Initiative)
@limiter.limit(lambda: current_app.config["RATELIMIT_JOIN"], key_func=account_or_ip)
def join_view(initiative_id: int):
    item = load(Initiative, initiative_id)
    form = JoinForm()
    if not form.validate_on_submit():
        return _rerender(item, join_form=form)
    try:
        # An unticked box is absent from the form: only "y" follows.
        join(current_user, item, form.offer.data, follow_it=request.form.get("follow") == "y")
    except ValidationFailed as exc:
        flash(next(iter(exc.errors.values())), "error")
    else:
        if request.form.get("follow") == "y":
            flash(
                _(
                    "U doet mee en volgt dit initiatief: nieuws ziet u op Mijn %(site)s. "
                    "De initiatiefnemer krijgt bericht.",
                    site=settings.get("site_name"),
                ),
                "success",
            )
        else:
            flash(_("U doet mee! De initiatiefnemer krijgt hiervan bericht."), "success")
    return _back(item, "meedoen")


@bp.post("/initiatieven/<int:initiative_id>/stoppen")
@requires("logged_in")
def leave_view(initiative_id: int):
    item = load(Initiative, initiative_id)
    if ActionForm().validate_on_submit():
        leave(current_user, item)
        flash(_("U doet niet meer mee."), "success")
    return _back(item, "meedoen")


@bp.post("/initiatieven/<int:initiative_id>/oproepen")
@requires("steer_initiative", Initiative)
def add_need_view(initiative_id: int):
    item = load(Initiative, initiative_id)
    form = NeedForm()
    if form.validate_on_submit():
        try:
            add_need(current_user, item, form.title.data, form.description.data)
        except ValidationFailed as exc:
            form.title.errors = list(exc.errors.values())
            return _rerender(item, need_form=form)
        flash(_("Uw oproep staat op de pagina."), "success")
    return _back(item, "oproepen")


@bp.post("/oproepen/<int:need_id>/reageren")
@requires("respond_to_need", Need)
@limiter.limit(lambda: current_app.config["RATELIMIT_JOIN"], key_func=account_or_ip)
def respond_view(need_id: int):
    need = load(Need, need_id)
    form = NeedResponseForm()
    if form.validate_on_submit():
        try:
            respond_to_need(current_user, need, form.message.data)
        except ValidationFailed as exc:
            form.message.errors = list(exc.errors.values())
            return _rerender(need.initiative, response_forms={need.id: form})
        flash(_("Dank u! De initiatiefnemer ziet uw aanbod."), "success")
    return _back(need.initiative, f"oproep-{need.id}")


@bp.post("/oproepen/<int:need_id>/status")
@requires("steer_initiative", Need)
def need_status_view(need_id: int):
    need = load(Need, need_id)
    if ActionForm().validate_on_submit():
        close_need(current_user, need, is_open=request.form.get("open") == "1")
    return _back(need.initiative, "oproepen")


# --- comments -----------------------------------------------------------------------------


@bp.post("/initiatieven/<int:initiative_id>/reacties")
@requires("comment", Initiative)
@limiter.limit(lambda: current_app.config["RATELIMIT_COMMENT_IP"])
@limiter.limit(lambda: current_app.config["RATELIMIT_COMMENT_ACCOUNT"], key_func=account_or_ip)
def comment_view(initiative_id: int):
    item = load(Initiative, initiative_id)
    form = CommentForm()
    if not form.validate_on_submit():
        return _rerender(item, comment_form=form)
    if form.website.data:  # honeypot: a bot; act as if all went well
        flash(_("Dank u voor uw reactie."), "success")
        return _back(item, "reacties")
    parent = None
    if form.parent_id.data and form.parent_id.data.isdigit():
        parent = find(Comment, form.parent_id.data)
    try:
        comment = post_comment(
            item,
            form.body.data,
            current_user,
            form.author_name.data,
            form.author_email.data,
            parent=parent,
            to_municipality=form.to_municipality.data,
        )
    except ValidationFailed as exc:
        for name, message in exc.errors.items():
            getattr(form, name).errors = [message]
        return _rerender(item, comment_form=form)
    if comment.status == "pending":
        flash(_("Dank u! Uw reactie verschijnt zodra de redactie hem heeft bekeken."), "success")
        return _back(item, "reacties")
    flash(_("Uw reactie staat erbij."), "success")
    return _back(item, f"reactie-{comment.id}")


@bp.post("/reacties/<int:comment_id>/bewerken")
@requires("own_comment", Comment)
def edit_comment_view(comment_id: int):
    comment = load(Comment, comment_id)
    form = CommentEditForm()
    if form.validate_on_submit():
        try:
            edit_comment(current_user, comment, form.body.data)
        except ValidationFailed as exc:
            flash(next(iter(exc.errors.values())), "error")
        else:
            flash(_("Uw reactie is aangepast."), "success")
    return _back(comment.initiative, f"reactie-{comment.id}")


@bp.post("/reacties/<int:comment_id>/verwijderen")
@requires("own_comment", Comment)
def delete_comment_view(comment_id: int):
    comment = load(Comment, comment_id)
    if ActionForm().validate_on_submit():
        delete_comment(current_user, comment)
        flash(_("Uw reactie is verwijderd."), "success")
    return _back(comment.initiative, f"reactie-{comment.id}")


# --- pluim, follow, flag -------------------------------------------------------------------


@bp.post("/pluim/<target_type>/<int:target_id>")
@requires("logged_in")
@limiter.limit(lambda: current_app.config["RATELIMIT_PLUIM"], key_func=account_or_ip)
def pluim_view(target_type: str, target_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        given, _count = toggle_pluim(current_user, target_type, target_id)
    except ValidationFailed as exc:
        flash(next(iter(exc.errors.values())), "error")
    else:
        flash(_("U gaf een pluim.") if given else _("Uw pluim is ingetrokken."), "success")
    return redirect(_target_url(target_type, target_id))


def _target_url(target_type: str, target_id: int) -> str:
    if target_type == "comment":
        comment = load(Comment, target_id)
        return url_for("initiatives.detail", initiative_id=comment.initiative_id) + f"#reactie-{comment.id}"
    if target_type == "initiative":
        return url_for("initiatives.detail", initiative_id=target_id)
    if target_type == "area":
        area = load(Area, target_id)
        return url_for("initiatives.gallery", area=area.code)
    theme = load(Theme, target_id)
    return url_for("initiatives.gallery", theme=theme.slug)


@bp.post("/volgen/<target_type>/<int:target_id>")
@requires("logged_in")
def follow_view(target_type: str, target_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        if request.form.get("stop") == "1":
            unfollow(current_user, target_type, target_id)
            flash(_("U volgt dit niet meer."), "success")
        else:
            follow(current_user, target_type, target_id)
            flash(_("U volgt dit nu. Nieuws ziet u op Mijn %(site)s.", site=settings.get("site_name")), "success")
    except ValidationFailed as exc:
        flash(next(iter(exc.errors.values())), "error")
    return redirect(safe_next(request.form.get("next"), _target_url(target_type, target_id)))


@bp.route("/melden/<target_type>/<int:target_id>", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["RATELIMIT_FLAG"], methods=["POST"])
def flag_view(target_type: str, target_id: int):
    if target_type not in ("comment", "initiative"):
        abort(404)
    target = load(Comment if target_type == "comment" else Initiative, target_id)
    require(current_user, "view", target)  # nobody reads pending, hidden or deleted words here
    url = _target_url(target_type, target_id)
    form = FlagForm()
    if form.validate_on_submit():
        if not form.website.data:  # the honeypot: bots are thanked and ignored
            try:
                flag(target_type, target_id, form.reason.data, current_user)
            except ValidationFailed as exc:
                form.reason.errors = list(exc.errors.values())
                return render_template("participation/flag.html", form=form, back=url), 400
        flash(_("Dank u voor uw melding. De redactie kijkt ernaar."), "success")
        return redirect(url)
    return render_template("participation/flag.html", form=form, back=url, target=target, target_type=target_type)


# --- Mijn Schatkaart, unsubscribe ----------------------------------------------------------


@bp.route("/mijn", methods=["GET", "POST"])
@requires("logged_in")
def mine():
    form = SettingsForm(notify_mode=current_user.notify_mode)
    if form.validate_on_submit():
        set_mode(current_user, form.notify_mode.data)
        flash(_("Uw keuze is opgeslagen."), "success")
        return redirect(url_for(".mine"))
    since = current_user.last_seen_at
    news = db.session.scalars(
        select(Notification)
        .outerjoin(Initiative, Initiative.id == Notification.initiative_id)
        .where(Notification.user_id == current_user.id, NOTIFICATION_VISIBLE)
        .order_by(Notification.id.desc())
        .limit(30)
    ).all()
    context = {
        "form": form,
        "since": since,
        "news": news,
        "placed": db.session.scalars(
            select(Initiative).where(Initiative.owner_id == current_user.id).order_by(Initiative.created_at.desc())
        ).all(),
        "joined": db.session.scalars(
            select(Participation)
            .where(Participation.user_id == current_user.id)
            .order_by(Participation.created_at.desc())
        ).all(),
        "responses": db.session.scalars(
            select(NeedResponse).where(NeedResponse.user_id == current_user.id).order_by(NeedResponse.created_at.desc())
        ).all(),
        "follows": _follow_labels(),
        "modes": MODES,
    }
    record_visit(current_user)
    return render_template("participation/mine.html", **context)


def _follow_labels() -> list[tuple[Follow, str, str]]:
    rows = db.session.scalars(select(Follow).where(Follow.user_id == current_user.id).order_by(Follow.created_at)).all()
    labels = []
    for f in rows:
        model = {"initiative": Initiative, "area": Area, "theme": Theme}[f.target_type]
        target = find(model, f.target_id)
        if target is None:
            continue
        if model is Initiative and not can("view", target):  # hidden since: no title, no link
            labels.append((f, _("een initiatief dat niet meer zichtbaar is"), None))
        else:
            labels.append((f, getattr(target, "title", None) or target.name, _target_url(f.target_type, f.target_id)))
    return labels


@bp.route("/afmelden/<token>", methods=["GET", "POST"])
@public
@csrf.exempt  # RFC 8058 one-click: mail clients POST without a form; the signed token is the proof
def unsubscribe(token: str):
    data = read_unsubscribe_token(token)
    if data is None:
        return render_template("participation/unsubscribed.html", ok=False), 400
    if request.method == "GET":  # mail scanners follow links: only a button press (POST) unsubscribes
        return render_template("participation/unsubscribed.html", ok=True, confirm=True, token=token)
    kind = apply_unsubscribe(data)
    return render_template("participation/unsubscribed.html", ok=True, kind=kind)


# --- moderation ---------------------------------------------------------------------------


@bp.route("/redactie")
@requires("moderate")
def moderation_queue():
    municipality = current_municipality()
    settings = ModerationSettingsForm(anonymous_comments=municipality.anonymous_comments if municipality else "pre")
    return render_template("participation/queue.html", q=queue(), form=DecisionForm(), settings=settings)


@bp.post("/redactie/besluit")
@requires("moderate")
def moderation_decide():
    form = DecisionForm()
    if form.validate_on_submit() and (form.target_id.data or "").isdigit():
        try:
            decide(current_user, form.target_type.data, int(form.target_id.data), form.action.data, form.reason.data)
        except ValidationFailed as exc:
            flash(next(iter(exc.errors.values())), "error")
        else:
            flash(_("Het besluit is opgeslagen en vastgelegd."), "success")
    return redirect(url_for(".moderation_queue"))


@bp.post("/redactie/instellingen")
@requires("moderate")
def moderation_settings():
    form = ModerationSettingsForm()
    municipality = current_municipality()
    if form.validate_on_submit() and municipality:
        municipality.anonymous_comments = form.anonymous_comments.data
        db.session.flush()
        flash(_("De instelling is opgeslagen."), "success")
    return redirect(url_for(".moderation_queue"))


@bp.route("/initiatieven/<int:initiative_id>/reacties/<int:comment_id>")
@public
def comment_link(initiative_id: int, comment_id: int):
    """A shareable link to one comment: the discussion from that comment (or the comment it
    answers) on, with the earlier ones a "previous" link away. Nothing before it is counted or
    skipped, so a link deep in a long discussion costs what its first page does."""
    comment = load(Comment, comment_id)
    if comment.initiative_id != initiative_id or comment.status == "pending":
        abort(404)
    newest_first = request.args.get("reacties") == "nieuw"
    start = comment.parent_id or comment.id
    target = url_for(
        "initiatives.detail",
        initiative_id=initiative_id,
        reacties="nieuw" if newest_first else None,
        vanaf=start,
        _anchor=f"reactie-{comment.id}",
    )
    return redirect(target)


@bp.route("/wegwijzer")
@public
@for_visitors
def wegwijzer():
    return render_template("participation/wegwijzer.html", terms=TERMS)


@bp.route("/huisregels")
@public
@for_visitors
def house_rules_view():
    return render_template("participation/house_rules.html", page=house_rules(language()), can_edit=can("moderate"))


@bp.route("/huisregels/bewerken", methods=["GET", "POST"])
@requires("moderate")
def house_rules_edit():
    page = house_rules(language())
    form = PageForm(body=page.body)
    if form.validate_on_submit():
        try:
            update_house_rules(current_user, form.body.data, language())
        except ValidationFailed as exc:
            form.body.errors = list(exc.errors.values())
        else:
            flash(_("De huisregels zijn bijgewerkt."), "success")
            return redirect(url_for(".house_rules_view"))
    return render_template("participation/house_rules_edit.html", form=form), 400 if form.errors else 200
