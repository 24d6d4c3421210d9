"""Adding, removing and serving an initiative's pictures."""

from __future__ import annotations

from flask import abort, current_app, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from platform_core.policy import can, load, public, requires
from platform_core.storage import storage
from platform_core.validation import ValidationFailed, apply_errors

from . import bp
from .forms import ImageForm
from .images import add_image, find_by_name, remove_image
from .models import Initiative, InitiativeImage


@bp.route("/<int:initiative_id>/fotos", methods=["GET", "POST"])
@requires("steer_initiative", Initiative)
def images(initiative_id: int):
    item = load(Initiative, initiative_id)
    form = ImageForm()
    status = 200
    if form.validate_on_submit():
        upload = form.image.data
        data = upload.read(current_app.config["IMAGE_MAX_BYTES"] + 1) if upload else b""
        try:
            add_image(current_user, item, data, form.alt.data)
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            flash(_("De foto staat bij uw initiatief."), "success")
            return redirect(url_for("initiatives.images", initiative_id=item.id))
    if form.errors or form.form_errors:
        status = 400
    return render_template("initiatives/images.html", item=item, form=form), status


@bp.route("/<int:initiative_id>/fotos/<int:image_id>/verwijderen", methods=["POST"])
@requires("steer_initiative", Initiative)
def remove_image_view(initiative_id: int, image_id: int):
    item = load(Initiative, initiative_id)
    image = load(InitiativeImage, image_id)
    if image.initiative_id != item.id:
        abort(404)
    remove_image(current_user, image)  # CSRFProtect has checked the token of every POST
    flash(_("De foto is verwijderd."), "success")
    return redirect(url_for("initiatives.images", initiative_id=item.id))


@bp.route("/fotos/<name>")
@public
def image_file(name: str):
    image = find_by_name(name)
    if image is None or not can("view", image.initiative):
        abort(404)
    data = storage().get(name)
    if data is None:
        abort(404)
    response = make_response(data)
    response.headers["Content-Type"] = "image/png" if name.endswith(".png") else "image/jpeg"
    response.headers["Content-Disposition"] = f'inline; filename="foto-{image.id}.{name.rsplit(".", 1)[1]}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    published = image.initiative.visibility == "published"
    response.headers["Cache-Control"] = "public, max-age=86400" if published else "private, no-store"
    return response
