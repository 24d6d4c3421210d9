"""Pages of initiatives that other packages render too: the initiative page (with the forms of
those who answered on it, after an error) and the place/edit form (also for an ambassador's
assisted entry). Views of every package call these; no view module imports another's views."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache

from flask import abort, flash, get_template_attribute, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from geoalchemy2.shape import to_shape
from markupsafe import Markup
from shapely.geometry import mapping
from sqlalchemy import select

from maps.builders import AREA_STYLE, base_map, bounds_of, centre_of, render_parts
from maps.geocoder import geocode
from maps.geometry import outline_as_area, to_geojson
from maps.models import Area
from maps.services import areas_by_level, current_municipality
from platform_core.extensions import db
from platform_core.pagecache import fragment
from platform_core.transaction import rollback
from platform_core.validation import ValidationFailed, apply_errors

from .forms import ContactForm, InitiativeForm
from .markdown import render_markdown
from .models import ENDED_STATUSES, MUNICIPAL_ROLES, STATUSES, TYPE_EXPLANATIONS, TYPES, Initiative
from .search import Filters
from .services import InitiativeInput, can_edit, create_initiative, theme_tree, update_initiative, validate
from .signals import detail_page


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


#: The initiative page's pieces that are the same for every reader: rendered once per write and
#: language and shared (``pagecache.fragment``), so a logged-in reader's page renders only what is
#: theirs (forms, their pluimen, the toolbar) and the sections of the packages above.
SHARED_PARTS = {
    "head": "initiatives/_detail_head.html",
    "lead": "initiatives/_detail_lead.html",
    "description": "initiatives/_detail_description.html",
    "facts": "initiatives/_detail_facts.html",
    "side": "initiatives/_detail_side.html",
}


def _shared_parts(item: Initiative, context: Callable[[], dict], contact_form: ContactForm | None):
    """``shared(name)`` for the page's template: a piece from memory, or rendered and kept."""
    small_map = cache(lambda: _small_map(item))  # read at most once per page, only when rendered
    signed_in = current_user.is_authenticated  # the contact form asks a visitor's name and address only

    def render(name: str) -> str:
        if name == "map_header":
            return small_map().header
        if name == "map_script":
            return small_map().script
        form = contact_form or ContactForm()
        return render_template(
            SHARED_PARTS[name], item=item, parts=small_map(), form=form, signed_in=signed_in, **context()
        )

    def shared_part(name: str) -> Markup:
        if name == "side" and contact_form is not None:  # the reader's own input and its errors
            return Markup(render(name))  # noqa: S704 (a rendered template)  # nosec B704
        # Keyed by the row's last change as well: an edit shows at once in every process, not only
        # in the one that wrote it (the others' pieces would otherwise live up to PAGE_CACHE_SECONDS).
        return fragment(("initiative", item.id, item.updated_at, name, signed_in), lambda: render(name))

    return shared_part


def render_detail(item: Initiative, status: int = 200, **forms):
    """The initiative page; forms with errors are passed in so input is never lost. Taking part
    and the trajectory add their parts through ``signals.detail_page``: the reader's own parts
    are read and rendered on every request; the shared sections (``detail_page.section(…,
    shared=True)``) are kept per kind of reader, and their contributors are asked only when a
    section has to be rendered again."""
    if item.visibility != "published":
        return render_template("initiatives/hidden.html", item=item), 410 if item.visibility == "hidden" else 404
    comment_form = forms.get("comment_form")
    reply_to_id = request.args.get("antwoord") or (comment_form.parent_id.data if comment_form else None)
    user = current_user._get_current_object()  # once, not through the proxy for every check
    asked = {"user": user, "reply_to_id": reply_to_id, "forms": forms}
    own = detail_page.context(item, shared=False, **asked)
    shared_context = cache(lambda: detail_page.context(item, shared=True, **asked))
    common = {"types": TYPES, "type_explanations": TYPE_EXPLANATIONS, "statuses": STATUSES, "roles": MUNICIPAL_ROLES}
    editable = can_edit(user, item)
    reader = (user.is_authenticated, editable, *detail_page.reader_key(item, user))

    def section(template: str) -> Markup:
        shared = template in detail_page.shared_sections

        def render() -> str:
            return render_template(
                template, item=item, can_edit=editable, **common, **(shared_context() if shared else own)
            )

        if shared and not forms:  # a form with errors is the reader's own
            key = ("initiative-section", item.id, item.updated_at, item.last_activity_at, template, reader)
            return fragment(key, render)
        return Markup(render())  # noqa: S704 (a rendered template: Jinja escaped what it put in)  # nosec B704

    return render_template(
        "initiatives/detail.html",
        item=item,
        shared=_shared_parts(
            item, lambda: {**common, "roles_history": shared_context().get("roles_history")}, forms.get("contact_form")
        ),
        section=section,
        form=forms.get("contact_form"),  # its errors in the page's summary (base.html), when it has any
        can_edit=editable,
        **common,
        **own,
    ), status


def filter_panel(filters: Filters, endpoint: str) -> Markup:
    """The filters of the map and the list (sent to ``endpoint``): the same for every reader with
    these filters, so the themes, wijken and buurten are read and the form rendered once per
    write and language (``pagecache.fragment``)."""

    def render() -> str:
        form = get_template_attribute("_forms.html", "filter_form")
        wijken = areas_by_level("district", names_only=True)
        buurten = areas_by_level("neighbourhood", names_only=True)
        return form(url_for(endpoint), filters, TYPES, theme_tree(), wijken, buurten)

    return fragment(("filters", endpoint, tuple(sorted(filters.as_args().items()))), render)


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
        status=form.status.data or "idea",
        contact_name=form.contact_name.data,
        contact_email=form.contact_email.data,
        by_municipality=bool(form.by_municipality.data),
    )


#: What PDOK answers that is precise enough to put a pin on: an address, or a postcode's centre.
PRECISE = ("adres", "postcode")


def _buurt_as_area(form: InitiativeForm) -> None:
    """A buurt chosen from the list is the area (it wins over a point clicked before): its own
    outline, made fit to be an initiative's area. An unknown code says so next to the field."""
    code = (form.area_code.data or "").strip()
    if not code:
        return
    area = db.session.scalar(select(Area).where(Area.level == "neighbourhood", Area.code == code))
    if area is None:
        form.area_code.errors = [_("Kies een buurt uit de lijst.")]
        return
    form.area_geojson.data = json.dumps(mapping(outline_as_area(to_shape(area.geom))))  # as drawing gives
    form.lat.data = form.lon.data = None


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


def initiative_editor(
    form: InitiativeForm, item: Initiative | None, save=None, template: str = "initiatives/edit.html"
):
    """The place/edit form; ``save`` overrides how a new initiative is created (assisted entry)."""
    offered = [(c.id, f"{t.label} – {c.label}") for t in theme_tree() for c in [t, *t.offered]]
    # a retired theme the initiative has stays a choice, so saving the form keeps it
    kept = [(c.id, c.label) for c in (item.themes if item else []) if c.id not in {o[0] for o in offered}]
    form.theme_ids.choices = offered + kept
    # Ending is done with an outcome and its reason (the detail page's "Afronden"), not here.
    form.status.choices = [
        (key, label) for key, label in STATUSES.items() if key not in ENDED_STATUSES or (item and item.status == key)
    ]
    municipality = current_municipality()
    if municipality is None:
        abort(503)
    preview = None
    form.area_code.choices = [("", _("Geen: een punt of een getekend gebied"))] + [
        (a.code, a.name) for a in areas_by_level("neighbourhood", names_only=True)
    ]
    if form.is_submitted() and form.validate():
        _buurt_as_area(form)
        _resolve_address(form)
        if not form.address.errors and not form.area_code.errors:
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
    spec = base_map("kaart-plek", centre_of(bounds), 13, bounds).outlines(areas_by_level("neighbourhood"))
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
