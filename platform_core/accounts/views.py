"""Registration, confirmation, login (with a second factor), password reset, account settings."""

from __future__ import annotations

import hashlib

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user

from ..extensions import limiter
from ..policy import public, requires
from ..transaction import commit
from ..urls import safe_next
from ..validation import ValidationFailed, apply_errors
from . import bp, services, twofactor
from .forms import (
    ChangePasswordForm,
    CodeForm,
    ConfirmPasswordForm,
    ForgotForm,
    LoginForm,
    NewPasswordForm,
    RegisterForm,
)
from .sessions import end_session, finish_login, pending_user, start_pending
from .tokens import user_for_reset


def _safe_next(target: str | None) -> str:
    return safe_next(target, url_for("maps.treasure_map"))


def _account_key() -> str:
    email = (request.form.get("email") or "").strip().lower()
    return "account:" + hashlib.sha256(email.encode()).hexdigest()[:32]


def _account_address_key() -> str:
    return f"{_account_key()}|{get_remote_address()}"


def _pending_key() -> str:
    data = session.get("pending")
    return f"pending:{data.get('u')}" if isinstance(data, dict) else get_remote_address()


def _failed(response) -> bool:
    """Only the per-address login limit counts failures alone: a library full of people logging
    in is not an attack. Every other limit counts every attempt, atomically, before answering
    (tests/test_limits.py: a burst of 20 at once lets exactly N through)."""
    return response.status_code >= 400


def _config(name: str):
    return lambda: current_app.config[name]


@bp.route("/registreren", methods=["GET", "POST"])
@public
@limiter.limit(_config("RATELIMIT_REGISTER"), methods=["POST"])
def register():
    form = RegisterForm()
    if request.args.get("next"):  # back there after confirming and logging in, in this browser
        session["after_signup"] = _safe_next(request.args.get("next"))
    if form.validate_on_submit():
        try:
            services.sign_up(form.email.data, form.password.data, form.display_name.data, form.consent.data)
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            return render_template("platform_core/check_mail.html", email=form.email.data.strip())
    elif request.method == "POST" and not form.consent.data:
        form.consent.errors = [_("Geef toestemming om uw gegevens te bewaren, anders kunt u geen account maken.")]
    return render_template("platform_core/register.html", form=form), 400 if form.errors else 200


@bp.route("/account/bevestigen/<token>", methods=["GET", "POST"])
@public
def confirm_email(token: str):
    """A link in mail: GET only shows a button (mail scanners follow links), POST confirms."""
    if request.method == "GET":
        return render_template("platform_core/confirm.html", token=token)
    user = services.confirm_email(token)
    if user is None:
        return render_template("platform_core/confirm.html", token=None), 400
    flash(_("Uw e-mailadres is bevestigd. Log in om mee te doen."), "success")
    session["confirmed_email"] = user.email  # the login form has it filled in: not asked twice (WCAG 3.3.7)
    return redirect(url_for("accounts.login", next=session.pop("after_signup", None)))


@bp.route("/inloggen", methods=["GET", "POST"])
@public
@limiter.limit(_config("RATELIMIT_LOGIN_ADDRESS"), methods=["POST"], deduct_when=_failed)
@limiter.limit(_config("RATELIMIT_LOGIN_ACCOUNT"), key_func=_account_address_key, methods=["POST"])
@limiter.limit(_config("RATELIMIT_LOGIN_ACCOUNT_ALL"), key_func=_account_key, methods=["POST"])
def login():
    form = LoginForm()
    next_url = _safe_next(request.args.get("next"))
    if request.method == "GET" and session.get("confirmed_email"):
        form.email.data = session["confirmed_email"]
    if form.validate_on_submit():
        session.pop("confirmed_email", None)
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors = [_("Dit e-mailadres en wachtwoord horen niet bij elkaar.")]
        elif user.email_confirmed_at is None:
            services.send_confirmation(user)
            commit()  # the new link leaves although this answer is a refusal
            form.email.errors = [
                _("Bevestig eerst uw e-mailadres. We hebben de link opnieuw gestuurd; kijk ook bij ongewenste mail.")
            ]
        elif user.has_second_factor or twofactor.required_for(user):
            start_pending(user, next_url, enrol=not user.has_second_factor)
            return redirect(url_for("accounts.second_factor" if user.has_second_factor else "accounts.enrol"))
        else:
            finish_login(user)
            flash(_("U bent ingelogd."), "success")
            return redirect(next_url)
    return render_template("platform_core/login.html", form=form), 400 if form.errors else 200


@bp.route("/inloggen/code", methods=["GET", "POST"])
@public
@limiter.limit(_config("RATELIMIT_TWO_FACTOR"), key_func=_pending_key, methods=["POST"])
def second_factor():
    pending = pending_user()
    if pending is None or pending[1].get("enrol"):
        flash(_("Log opnieuw in; de inlogpoging is verlopen."), "info")
        return redirect(url_for("accounts.login"))
    user, data = pending
    form = CodeForm()
    if form.validate_on_submit():
        if twofactor.verify(user, form.code.data):
            finish_login(user)
            flash(_("U bent ingelogd."), "success")
            return redirect(_safe_next(data.get("next")))
        form.code.errors = [_("Deze code klopt niet of is al gebruikt. Probeer de volgende code uit uw app.")]
    return render_template("platform_core/second_factor.html", form=form), 400 if form.errors else 200


@bp.route("/inloggen/tweestaps", methods=["GET", "POST"])
@public
@limiter.limit(_config("RATELIMIT_TWO_FACTOR"), key_func=_pending_key, methods=["POST"])
def enrol():
    """Set up the authenticator app: required for staff before their first login completes,
    offered to everyone else on their account page."""
    pending = pending_user()
    if pending is not None and pending[1].get("enrol"):
        user, data = pending
    elif current_user.is_authenticated and not current_user.has_second_factor:
        user, data = current_user._get_current_object(), {"next": url_for("accounts.account")}
    else:
        return redirect(url_for("accounts.login" if not current_user.is_authenticated else "accounts.account"))
    # The secret waits on the account, never in the (client-side) session cookie; kept across
    # reloads, as the app may already hold it. It counts only once a code proves it (totp_enabled_at).
    secret = twofactor.pending_secret(user)
    form = CodeForm()
    if form.validate_on_submit():
        codes = twofactor.enable(user, secret, form.code.data)
        if codes is not None:
            finish_login(user)  # the session survives enrolment with the (unchanged) version
            return render_template("platform_core/recovery_codes.html", codes=codes, next=_safe_next(data.get("next")))
        form.code.errors = [_("Deze code klopt niet. Controleer de tijd op uw telefoon en probeer de nieuwe code.")]
    return render_template(
        "platform_core/enrol.html",
        form=form,
        secret=secret,
        qr=twofactor.qr_data_uri(user, secret),
        required=twofactor.required_for(user),
    ), 400 if form.errors else 200


@bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])
@public
@limiter.limit(_config("RATELIMIT_RESET_ADDRESS"), methods=["POST"])
@limiter.limit(_config("RATELIMIT_RESET_ACCOUNT"), key_func=_account_key, methods=["POST"])
def forgot_password():
    form = ForgotForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        return render_template("platform_core/check_mail.html", email=form.email.data.strip(), reset=True)
    return render_template("platform_core/forgot.html", form=form), 400 if form.errors else 200


@bp.route("/wachtwoord-herstellen/<token>", methods=["GET", "POST"])
@public
@limiter.limit(_config("RATELIMIT_RESET_ADDRESS"), methods=["POST"])
def reset_password(token: str):
    if user_for_reset(token) is None:
        return render_template("platform_core/reset.html", form=None), 400
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            end_session()
            flash(_("Uw nieuwe wachtwoord is ingesteld. Log ermee in."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("platform_core/reset.html", form=form), 400 if form.errors else 200


@bp.route("/uitloggen", methods=["POST"])
@requires("logged_in")
def logout():
    services.end_sessions(current_user)  # a copied cookie stops working too
    end_session()
    flash(_("U bent uitgelogd."), "success")
    return redirect(url_for("maps.treasure_map"))


def _account_page(status: int = 200, **forms):
    forms.setdefault("password_form", ChangePasswordForm())
    forms.setdefault("confirm_form", ConfirmPasswordForm())
    return render_template(
        "platform_core/account.html",
        user=current_user,
        codes_left=twofactor.recovery_codes_left(current_user) if current_user.has_second_factor else 0,
        two_factor_required=twofactor.required_for(current_user),
        **forms,
    ), status


@bp.route("/account")
@requires("logged_in")
def account():
    return _account_page()


@bp.post("/account/wachtwoord")
@requires("logged_in")
@limiter.limit(_config("RATELIMIT_LOGIN_ACCOUNT"), methods=["POST"])
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.password.data)
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            finish_login(
                current_user._get_current_object()
            )  # this session goes on with the new version; all others end
            flash(_("Uw wachtwoord is gewijzigd. Op andere apparaten bent u uitgelogd."), "success")
            return redirect(url_for("accounts.account"))
    return _account_page(400, password_form=form)


@bp.post("/account/tweestaps/herstelcodes")
@requires("logged_in")
@limiter.limit(_config("RATELIMIT_LOGIN_ACCOUNT"), methods=["POST"])
def new_recovery_codes():
    form = ConfirmPasswordForm()
    if not current_user.has_second_factor:
        return redirect(url_for("accounts.account"))
    if form.validate_on_submit() and current_user.check_password(form.current_password.data):
        codes = twofactor.new_recovery_codes(current_user)
        return render_template("platform_core/recovery_codes.html", codes=codes, next=url_for("accounts.account"))
    form.current_password.errors = [_("Dit is niet uw huidige wachtwoord.")]
    return _account_page(400, confirm_form=form)


@bp.post("/account/tweestaps/uit")
@requires("logged_in")
@limiter.limit(_config("RATELIMIT_LOGIN_ACCOUNT"), methods=["POST"])
def disable_second_factor():
    form = ConfirmPasswordForm()
    if twofactor.required_for(current_user):
        flash(_("Voor uw rol is tweestapsverificatie verplicht; u kunt die niet uitzetten."), "error")
        return redirect(url_for("accounts.account"))
    if form.validate_on_submit() and current_user.check_password(form.current_password.data):
        twofactor.disable(current_user)
        flash(_("Tweestapsverificatie staat uit."), "success")
        return redirect(url_for("accounts.account"))
    form.current_password.errors = [_("Dit is niet uw huidige wachtwoord.")]
    return _account_page(400, confirm_form=form)
