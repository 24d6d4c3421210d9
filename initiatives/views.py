"""Gallery, initiative page, placing and editing, contacting the owner."""

from __future__ import annotations

import json
from functools import partial

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from geoalchemy2.shape import to_shape
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from maps.builders import AREA_STYLE, base_map, bounds_of, centre_of, render_parts
from maps.geocoder import geocode
from maps.geometry import to_geojson
from maps.services import areas_by_level, current_municipality
from platform_core.accounts.services import normalise_email
from platform_core.extensions import db, limiter
from platform_core.mail import send_mail
from platform_core.pagecache import for_visitors
from platform_core.policy import can, load, public, requires
from platform_core.transaction import after_commit, rollback
from platform_core.validation import ValidationFailed, apply_errors

from . import bp
from .forms import ContactForm, InitiativeForm
from .markdown import render_markdown
from .models import ENDED_STATUSES, MUNICIPAL_ROLES, STATUSES, TYPE_EXPLANATIONS, TYPES, ContactMessage, Initiative
from .search import Filters, apply_filters, order
from .services import InitiativeInput, can_edit, create_initiative, theme_tree, update_initiative, validate
from .signals import detail_page, gallery_page

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
    base = apply_filters(select(Initiative), filters)
    # Counting is bounded: at most COUNT_CAP + 1 rows are read, however many match.
    total = db.session.scalar(select(func.count()).select_from(base.limit(COUNT_CAP + 1).subquery()))
    more = total > COUNT_CAP
    pages = max(1, (min(total, COUNT_CAP) + size - 1) // size)
    page = min(page, pages)
    items = db.session.scalars(
        order(base, filters)
        .options(selectinload(Initiative.themes), selectinload(Initiative.area))
        .limit(size)
        .offset((page - 1) * size)
    ).all()
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
        themes=theme_tree(),
        wijken=areas_by_level("wijk", names_only=True),
        buurten=areas_by_level("buurt", names_only=True),
        map_url=url_for("maps.treasure_map", **filters.as_args()),
    )


def _small_map(item: Initiative):
    bounds = None
    if item.is_area:  # the map fits the whole area, however large
        west, south, east, north = to_shape(item.geom).bounds
        bounds = [[south, west], [north, east]]
    spec = base_map("kaart-initiatief", (item.lat, item.lon), 16, bounds)
    if item.is_area:
        area = {"type": "Feature", "properties": {}, "geometry": to_geojson(to_shape(item.geom))}
        spec.geojson([area], name="Gebied", style=AREA_STYLE)
    return render_parts(spec.marker(item.lat, item.lon, item.title))


@bp.route("/<int:initiative_id>")
@public
@for_visitors
def detail(initiative_id: int):
    return render_detail(load(Initiative, initiative_id))


def render_detail(item: Initiative, status: int = 200, **forms):
    """The initiative page; forms with errors are passed in so input is never lost. Taking part
    and the trajectory add their parts through ``signals.detail_page``."""
    if item.visibility != "published":
        return render_template("initiatives/hidden.html", item=item), 410 if item.visibility == "hidden" else 404
    comment_form = forms.get("comment_form")
    reply_to_id = request.args.get("antwoord") or (comment_form.parent_id.data if comment_form else None)
    context = detail_page.context(item, user=current_user, reply_to_id=reply_to_id, forms=forms)
    return render_template(
        "initiatives/detail.html",
        item=item,
        parts=_small_map(item),
        form=forms.get("contact_form") or ContactForm(),
        types=TYPES,
        type_explanations=TYPE_EXPLANATIONS,
        statuses=STATUSES,
        roles=MUNICIPAL_ROLES,
        can_edit=can_edit(current_user, item),
        **context,
    ), status


def _form_input(form: InitiativeForm) -> InitiativeInput:
    return InitiativeInput(
        title=form.title.data or "",
        summary=form.summary.data or "",
        description=form.description.data or "",
        type=form.type.data or "",
        theme_ids=tuple(form.theme_ids.data or ()),
        lat=form.lat.data,
        lon=form.lon.data,
        area_geojson=form.area_geojson.data,
        address=form.address.data,
        links=form.links.data or "",
        budget_requested=form.budget_requested.data,
        status=form.status.data or "idee",
        contact_name=form.contact_name.data,
        contact_email=form.contact_email.data,
        by_municipality=bool(form.by_municipality.data),
    )


#: What PDOK answers that is precise enough to put a pin on: an address, or a postcode's centre.
PRECISE = ("adres", "postcode")


def _resolve_address(form: InitiativeForm) -> None:
    """Typing an address instead of clicking: look it up when no point was chosen.

    Only an address PDOK knows (or a postcode) places the pin. When PDOK cannot be reached or
    only our own names match (a buurt, a street of other initiatives), nothing is placed on a
    guess: the resident is told and asked to click the spot or choose the buurt on the map."""
    if (form.lat.data and form.lon.data) or form.area_geojson.data or not (form.address.data or "").strip():
        return
    municipality = current_municipality()
    results, _source = geocode(form.address.data, municipality.name if municipality else None, limit=5)
    precise = [r for r in results if r.get("source") == "pdok" and r.get("type") in PRECISE]
    if precise:
        form.lat.data, form.lon.data = str(precise[0]["lat"]), str(precise[0]["lon"])
        if not form.address.data or len(form.address.data) < len(precise[0]["label"]):
            form.address.data = precise[0]["label"]
    elif results:
        form.address.errors = [
            _(
                "We vonden geen precies adres en zetten geen speld op een gok. Klik de plek aan op de kaart "
                "(zoom in op uw buurt), of controleer het adres."
            )
        ]
    else:
        form.address.errors = [_("We kunnen dit adres niet vinden. Controleer het, of klik de plek aan op de kaart.")]


def _editor(form: InitiativeForm, item: Initiative | None, save=None, template: str = "initiatives/edit.html"):
    """The place/edit form; ``save`` overrides how a new initiative is created (assisted entry)."""
    form.theme_ids.choices = [(c.id, f"{t.name} – {c.name}") for t in theme_tree() for c in [t, *t.children]]
    # Ending is done with an outcome and its reason (the detail page's "Afronden"), not here.
    form.status.choices = [
        (key, label) for key, label in STATUSES.items() if key not in ENDED_STATUSES or (item and item.status == key)
    ]
    municipality = current_municipality()
    if municipality is None:
        abort(503)
    preview = None
    if form.is_submitted() and form.validate():
        _resolve_address(form)
        if not form.address.errors:
            data = _form_input(form)
            try:
                if "preview" in request.form:
                    clean = validate(data)
                    preview = {"clean": clean, "html": render_markdown(clean["description"])}
                elif item is None:
                    item = (save or (lambda d: create_initiative(current_user, d)))(data)
                    flash(_("Uw initiatief staat op de kaart. Bedankt!"), "success")
                    return redirect(url_for("initiatives.detail", initiative_id=item.id))
                else:
                    update_initiative(current_user, item, data)
                    flash(_("De wijzigingen zijn opgeslagen."), "success")
                    return redirect(url_for("initiatives.detail", initiative_id=item.id))
            except ValidationFailed as exc:
                rollback()
                apply_errors(form, exc.errors)
                form.location_error = exc.errors.get("location")
    bounds = _bounds(municipality)
    spec = base_map("kaart-plek", centre_of(bounds), 13, bounds).outlines(areas_by_level("buurt"))
    status = 400 if form.is_submitted() and (form.errors or getattr(form, "location_error", None)) else 200
    return render_template(
        template,
        form=form,
        item=item,
        parts=render_parts(spec),
        preview=preview,
        type_explanations=TYPE_EXPLANATIONS,
        types=TYPES,
    ), status


def _bounds(municipality):
    return bounds_of(municipality.area.display_geojson)


@bp.route("/nieuw", methods=["GET", "POST"])
@requires("logged_in", newcomers="accounts.register")
@limiter.limit("30/hour", methods=["POST"])
def create():
    form = InitiativeForm()
    if request.method == "GET" and can("speak_for_municipality"):
        form.by_municipality.data = True  # a civil servant places the municipality's projects, mostly
    return _editor(form, None)


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
    return _editor(form, item)


@bp.route("/<int:initiative_id>/contact", methods=["POST"])
@requires("contact", Initiative)
@limiter.limit("5/hour;20/day", methods=["POST"])
def contact(initiative_id: int):
    item = load(Initiative, initiative_id)
    form = ContactForm()
    if form.validate_on_submit():
        if form.website.data:  # a bot filled the honeypot: pretend all is well
            flash(_("Uw bericht is verstuurd."), "success")
            return redirect(url_for("initiatives.detail", initiative_id=item.id))

        try:
            reply_to = normalise_email(form.email.data)
        except ValidationFailed as exc:
            form.email.errors = [exc.errors["email"]]
        else:
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
                    "%(name)s stuurt u een bericht via Schatkaart over ‘%(title)s’:\n\n%(message)s\n\n"
                    "Antwoord op deze e-mail om %(name)s te bereiken. Wij hebben uw e-mailadres niet gedeeld.",
                    name=form.name.data,
                    title=item.title,
                    message=form.message.data,
                )
                subject = _("Bericht over uw initiatief: %(title)s", title=item.title)
            after_commit(partial(send_mail, to, subject, body, reply_to=reply_to))
            flash(_("Uw bericht is verstuurd. De initiatiefnemer krijgt het per e-mail."), "success")
            return redirect(url_for("initiatives.detail", initiative_id=item.id))
    return render_detail(item, status=400, contact_form=form)
