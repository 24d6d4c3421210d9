"""Gallery, initiative page, placing and editing, contacting the owner."""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache, partial

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from geoalchemy2.shape import to_shape
from sqlalchemy import select
from sqlalchemy.orm import load_only, selectinload

from maps.geometry import to_geojson
from platform_core import settings
from platform_core.accounts.services import normalise_email
from platform_core.extensions import db, limiter
from platform_core.mail import send_later
from platform_core.pagecache import for_visitors, fragment
from platform_core.policy import can, load, public, requires
from platform_core.timelimit import TooSlow, at_most
from platform_core.transaction import rollback
from platform_core.validation import ValidationFailed

from . import bp
from .forms import ContactForm, InitiativeForm
from .models import TYPES, ContactMessage, Initiative
from .pages import filter_panel, initiative_editor, render_detail
from .ranking import bounded_count, results
from .search import Filters, apply_filters, suggestion
from .signals import gallery_page

GALLERY_PAGE = 24
#: The list counts at most this many matches; beyond it, "more than" and a hint to filter.
COUNT_CAP = 1000


@bp.route("")
@public
@for_visitors
def gallery():
    """The list of initiatives: the same filters as the map, 24 per page. Beyond ``COUNT_CAP``
    matches the list says "more than" and asks for a filter instead of counting a million."""
    filters = Filters.from_args(request.args)
    try:
        page = max(1, int(request.args.get("pagina", 1)))
    except ValueError:
        page = 1
    size = GALLERY_PAGE
    typed, too_slow, items, total = None, False, [], 0
    try:
        with at_most(current_app.config["SEARCH_SECONDS"]):
            base = apply_filters(select(Initiative), filters)
            # Counting is bounded: at most COUNT_CAP + 1 rows are read, however many match.
            total = bounded_count(base, COUNT_CAP)
            if not total and filters.q:  # a small typo: search what was meant, and say so
                meant = suggestion(filters.q)
                if meant:
                    typed, filters = filters.q, replace(filters, q=meant)
                    base = apply_filters(select(Initiative), filters)
                    total = bounded_count(base, COUNT_CAP)
            pages = max(1, (min(total, COUNT_CAP) + size - 1) // size)
            page = min(page, pages)
            # Which initiatives, and when each last changed: all a card kept in memory needs
            # (``_card``); the rest is read only when a card has to be rendered.
            items = results(base, filters, (page - 1) * size, size, options=(load_only(Initiative.updated_at),))
    except TooSlow:
        rollback()  # nothing was written; the page says what to do instead
        too_slow, items, total, page, pages = True, [], 0, 1, 1
    more = total > COUNT_CAP
    return render_template(
        "initiatives/gallery.html",
        **gallery_page.context(filters, user=current_user),
        items=items,
        total=min(total, COUNT_CAP),
        more=more,
        page=page,
        pages=pages,
        filters=filters,
        types=TYPES,
        filter_panel=partial(filter_panel, filters, "initiatives.gallery"),
        map_url=url_for("maps.treasure_map", **filters.as_args()),
        typed=typed,
        too_slow=too_slow,
        card=partial(_card, filters, cache(lambda: _load_cards(items))),
    ), 503 if too_slow else 200


def _load_cards(items: list[Initiative]) -> None:
    """Everything the page's cards show, for all of them in three statements: read once, when the
    first card that is not in memory is rendered."""
    db.session.scalars(
        select(Initiative)
        .where(Initiative.id.in_([item.id for item in items]))
        .options(selectinload(Initiative.themes), selectinload(Initiative.area))
        .execution_options(populate_existing=True)
    ).all()


def _card(filters: Filters, load_cards, item: Initiative):
    """One card of the list: the same for every reader, so rendered once per write and language
    (``pagecache.fragment``) and shared by the logged-in readers, whose pages are their own."""

    def render() -> str:
        load_cards()
        return render_template("initiatives/_card.html", item=item, filters=filters, types=TYPES)

    return fragment(("card", item.id, item.updated_at, filters.q), render)


@bp.route("/<int:initiative_id>")
@public
@for_visitors
def detail(initiative_id: int):
    return render_detail(load(Initiative, initiative_id))


@bp.route("/nieuw", methods=["GET", "POST"])
@requires("logged_in", newcomers="accounts.register")
@limiter.limit("30/hour", methods=["POST"])
def create():
    form = InitiativeForm()
    if request.method == "GET" and can("speak_for_municipality"):
        form.by_municipality.data = True  # a civil servant places the municipality's projects, mostly
    return initiative_editor(form, None)


@bp.route("/<int:initiative_id>/bewerken", methods=["GET", "POST"])
@requires("steer_initiative", Initiative)
def edit(initiative_id: int):
    item = load(Initiative, initiative_id)
    form = InitiativeForm(obj=item) if request.method == "GET" else InitiativeForm()
    if request.method == "GET":
        form.theme_ids.data = [t.id for t in item.themes]
        form.links.data = "\n".join(link.url for link in item.links)
        form.budget_requested.data = "" if item.budget_requested is None else str(item.budget_requested)
        if item.is_area:
            form.area_geojson.data = json.dumps(to_geojson(to_shape(item.geom)))
        else:
            form.lat.data, form.lon.data = str(item.lat), str(item.lon)
    return initiative_editor(form, item)


@bp.route("/<int:initiative_id>/contact", methods=["POST"])
@requires("contact", Initiative)
@limiter.limit("5/hour;20/day", methods=["POST"])
def contact(initiative_id: int):
    item = load(Initiative, initiative_id)
    form = ContactForm()
    if current_user.is_authenticated:  # known from the account, not asked again (WCAG 3.3.7)
        form.name.data, form.email.data = current_user.display_name, current_user.email
    if form.validate_on_submit():
        if form.website.data:  # a bot filled the honeypot: pretend all is well
            flash(_("Uw bericht is verstuurd."), "success")
            return redirect(url_for("initiatives.detail", initiative_id=item.id))

        try:
            reply_to = normalise_email(form.email.data)
        except ValidationFailed as exc:
            form.email.errors = [exc.errors["email"]]
        else:
            if not item.reachable:  # nothing is stored or sent, and the page says why
                form.message.errors = [_("De initiatiefnemer is niet meer te bereiken via dit formulier.")]
                return render_detail(item, status=400, contact_form=form)
            to = item.contact_email or item.owner.email
            db.session.add(
                ContactMessage(
                    initiative_id=item.id,
                    sender_id=current_user.id if current_user.is_authenticated else None,
                    sender_name=form.name.data.strip()[:80],
                    sender_email=reply_to,
                    message=form.message.data,
                )
            )
            with force_locale(item.owner.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):  # the reader's
                body = _(
                    "%(name)s stuurt u een bericht via %(site)s over ‘%(title)s’:\n\n%(message)s\n\n"
                    "Antwoord op deze e-mail om %(name)s te bereiken. Wij hebben uw e-mailadres niet gedeeld.",
                    site=settings.get("site_name"),
                    name=form.name.data,
                    title=item.title,
                    message=form.message.data,
                )
                subject = _("Bericht over uw initiatief: %(title)s", title=item.title)
            send_later(to, subject, body, reply_to=reply_to)
            flash(_("Uw bericht is verstuurd. De initiatiefnemer krijgt het per e-mail."), "success")
            return redirect(url_for("initiatives.detail", initiative_id=item.id))
    return render_detail(item, status=400, contact_form=form)
