from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

PASSWORD_HINT = _l(
    "Minstens 10 tekens. Een paar losse woorden achter elkaar is sterk en goed te onthouden; "
    "veelgebruikte wachtwoorden zoals 'wachtwoord123' worden geweigerd."
)

# What each field holds, for browsers and password managers to fill in (WCAG 1.3.5, 3.3.7).
EMAIL = {"autocomplete": "email"}
NEW_PASSWORD = {"autocomplete": "new-password"}


class RegisterForm(FlaskForm):
    display_name = StringField(
        _l("Uw naam (zo ziet iedereen u)"),
        validators=[DataRequired(_l("Vul uw naam in.")), Length(max=80)],
        render_kw={"autocomplete": "name"},
    )
    email = EmailField(_l("E-mailadres"), validators=[DataRequired(_l("Vul uw e-mailadres in."))], render_kw=EMAIL)
    password = PasswordField(
        _l("Wachtwoord"),
        description=PASSWORD_HINT,
        validators=[DataRequired(_l("Kies een wachtwoord."))],
        render_kw=NEW_PASSWORD,
    )
    consent = BooleanField(
        _l("Ik geef toestemming dat deze website mijn naam en e-mailadres bewaart om mijn account te beheren.")
    )


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mailadres"),
        validators=[DataRequired(_l("Vul uw e-mailadres in."))],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Wachtwoord"),
        validators=[DataRequired(_l("Vul uw wachtwoord in."))],
        render_kw={"autocomplete": "current-password"},
    )


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code"),
        description=_l(
            "De 6 cijfers uit uw authenticator-app, of een van uw herstelcodes als u de app niet bij de hand heeft."
        ),
        validators=[DataRequired(_l("Vul de code in."))],
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "autocapitalize": "off"},
    )


class ForgotForm(FlaskForm):
    email = EmailField(_l("E-mailadres"), validators=[DataRequired(_l("Vul uw e-mailadres in."))], render_kw=EMAIL)


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        _l("Nieuw wachtwoord"),
        description=PASSWORD_HINT,
        validators=[DataRequired(_l("Kies een wachtwoord."))],
        render_kw=NEW_PASSWORD,
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Huidig wachtwoord"),
        validators=[DataRequired(_l("Vul uw huidige wachtwoord in."))],
        render_kw={"autocomplete": "current-password"},
    )
    password = PasswordField(
        _l("Nieuw wachtwoord"),
        description=PASSWORD_HINT,
        validators=[DataRequired(_l("Kies een wachtwoord."))],
        render_kw=NEW_PASSWORD,
    )


class ConfirmPasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Uw wachtwoord (ter bevestiging)"),
        validators=[DataRequired(_l("Vul uw wachtwoord in."))],
        render_kw={"autocomplete": "current-password"},
    )
