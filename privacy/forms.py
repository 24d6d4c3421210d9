from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, RadioField, StringField
from wtforms.validators import DataRequired


class IdentityForm(FlaskForm):
    """A fresh proof that it is really you: your password, and your code when you have one."""

    password = PasswordField(
        _l("Uw wachtwoord (ter bevestiging)"), validators=[DataRequired(_l("Vul uw wachtwoord in."))]
    )
    code = StringField(
        _l("Code uit uw authenticator-app"),
        description=_l("Alleen als u tweestapsverificatie gebruikt: de 6 cijfers of een herstelcode."),
    )


class DeleteForm(IdentityForm):
    keep = RadioField(
        _l("Wat gebeurt er met wat u schreef?"),
        choices=[
            ("keep", _l("Laat mijn reacties en initiatieven staan, zonder mijn naam (‘Oud-deelnemer’)")),
            ("remove", _l("Verwijder ook mijn reacties, en haal mijn initiatieven van de kaart")),
        ],
        default="keep",
        validators=[DataRequired(_l("Kies wat er met uw bijdragen gebeurt."))],
    )
    sure = BooleanField(
        _l("Ik begrijp dat dit niet ongedaan kan worden"),
        validators=[DataRequired(_l("Vink aan dat u begrijpt dat dit niet ongedaan kan worden."))],
    )


class ConsentForm(FlaskForm):
    agree = BooleanField(
        _l("Ik heb de privacyverklaring gelezen en ga ermee akkoord"),
        validators=[DataRequired(_l("Vink aan dat u akkoord gaat, of log uit."))],
    )
    next = HiddenField()


class DownloadForm(FlaskForm):
    token = HiddenField()
