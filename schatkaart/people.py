"""Beheer → Mensen: the functional administrator invites staff by e-mail, gives and takes roles,
and disables or enables accounts (platform_core.accounts.staff does and checks each change)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField

from platform_core.accounts import staff
from platform_core.accounts.services import find_user
from platform_core.models import ROLES, User
from platform_core.policy import load, requires
from platform_core.validation import ValidationFailed, apply_errors

from .admin import bp


class InviteForm(FlaskForm):
    email = StringField(_l("E-mailadres"))
    name = StringField(_l("Naam"), description=_l("Zoals anderen die zien, bijvoorbeeld met de afdeling erbij."))
    role = SelectField(_l("Rol"), choices=[(r, ROLES[r]) for r in staff.STAFF_ROLES])


@bp.route("/mensen", methods=["GET", "POST"])
@requires("administer")
def people():
    form = InviteForm()
    if form.validate_on_submit():
        try:
            user, made = staff.invite(current_user, form.email.data, form.name.data, form.role.data)
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            if made:
                flash(_("%(e)s heeft een mail gekregen om een wachtwoord te kiezen.", e=user.email), "success")
            else:
                flash(_("%(e)s heeft nu ook de rol %(r)s.", e=user.email, r=ROLES[form.role.data]), "success")
            return redirect(url_for(".people"))
    looked_up = find_user(request.args.get("email", "")) if request.args.get("email") else None
    return render_template(
        "admin/people.html",
        form=form,
        people=staff.staff(),
        looked_up=looked_up,
        asked=request.args.get("email", ""),
        roles=ROLES,
        staff_roles=staff.STAFF_ROLES,
    ), 400 if form.errors else 200


@bp.post("/mensen/<int:user_id>/rol")
@requires("administer")
def person_role(user_id: int):
    person = load(User, user_id)
    if FlaskForm().validate_on_submit():
        role, on = request.form.get("role", ""), request.form.get("on") == "1"
        try:
            staff.change_role(current_user, person, role, on)
        except ValidationFailed as exc:
            flash(next(iter(exc.errors.values())), "error")
        else:
            done = _("%(n)s heeft nu de rol %(r)s.") if on else _("%(n)s heeft de rol %(r)s niet meer.")
            flash(done % {"n": person.display_name, "r": ROLES.get(role, role)}, "success")
    return redirect(url_for(".people") + f"#persoon-{person.id}")


@bp.post("/mensen/<int:user_id>/actief")
@requires("administer")
def person_active(user_id: int):
    person = load(User, user_id)
    if FlaskForm().validate_on_submit():
        active = request.form.get("active") == "1"
        try:
            staff.change_active(current_user, person, active)
        except ValidationFailed as exc:
            flash(next(iter(exc.errors.values())), "error")
        else:
            done = _("Het account van %(n)s is weer aan.") if active else _("Het account van %(n)s is uitgeschakeld.")
            flash(done % {"n": person.display_name}, "success")
    return redirect(url_for(".people") + f"#persoon-{person.id}")
