from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..extensions import limiter
from ..policy import public, requires
from ..urls import safe_next
from ..validation import ValidationFailed, apply_errors
from . import bp
from .forms import LoginForm, RegisterForm
from .services import authenticate, register_user


def _safe_next(target: str | None) -> str:
    return safe_next(target, url_for("maps.treasure_map"))


@bp.route("/registreren", methods=["GET", "POST"])
@public
@limiter.limit("20/hour", methods=["POST"])
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = register_user(form.email.data, form.password.data, form.display_name.data, form.consent.data)
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            login_user(user)
            flash(_("Welkom, %(name)s! Uw account is gemaakt.", name=user.display_name), "success")
            return redirect(_safe_next(request.args.get("next")))
    elif request.method == "POST" and not form.consent.data:
        form.consent.errors = [_("Geef toestemming om uw gegevens te bewaren, anders kunt u geen account maken.")]
    return render_template("platform_core/register.html", form=form), 400 if form.errors else 200


@bp.route("/inloggen", methods=["GET", "POST"])
@public
@limiter.limit("30/hour", methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user:
            login_user(user)
            flash(_("U bent ingelogd."), "success")
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors = [_("Dit e-mailadres en wachtwoord horen niet bij elkaar.")]
    return render_template("platform_core/login.html", form=form), 400 if form.errors else 200


@bp.route("/uitloggen", methods=["POST"])
@requires("logged_in")
def logout():
    logout_user()
    flash(_("U bent uitgelogd."), "success")
    return redirect(url_for("maps.treasure_map"))


@bp.route("/account")
@requires("logged_in")
def account():
    return render_template("platform_core/account.html", user=current_user)
