from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length


class RegisterForm(FlaskForm):
    display_name = StringField(
        _l("Uw naam (zo ziet iedereen u)"), validators=[DataRequired(_l("Vul uw naam in.")), Length(max=80)]
    )
    email = EmailField(_l("E-mailadres"), validators=[DataRequired(_l("Vul uw e-mailadres in."))])
    password = PasswordField(
        _l("Wachtwoord (minstens 10 tekens)"), validators=[DataRequired(_l("Kies een wachtwoord."))]
    )
    consent = BooleanField(
        _l("Ik geef toestemming dat Schatkaart mijn naam en e-mailadres bewaart om mijn account te beheren.")
    )


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mailadres"), validators=[DataRequired(_l("Vul uw e-mailadres in."))])
    password = PasswordField(_l("Wachtwoord"), validators=[DataRequired(_l("Vul uw wachtwoord in."))])
