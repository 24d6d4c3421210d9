from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, EmailField, IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.validators import Optional

from initiatives.forms import InitiativeForm


class MeetingForm(FlaskForm):
    title = StringField(_l("Naam van de bijeenkomst"))
    starts_at = DateTimeLocalField(_l("Datum en tijd"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    place = StringField(_l("Plek"))
    area_id = SelectField(_l("Buurt"), choices=[], coerce=str)
    trajectory_id = SelectField(_l("Traject (mag leeg blijven)"), choices=[], coerce=str)


class AttendanceForm(FlaskForm):
    email = EmailField(_l("E-mailadres van een deelnemer met account"))
    name = StringField(_l("Of: alleen een naam"))
    count = IntegerField(_l("Of: aantal mensen zonder account"), validators=[Optional()])


class AmbassadorForm(FlaskForm):
    email = EmailField(_l("E-mailadres van de bewoner"))
    area_ids = SelectMultipleField(_l("Wijken en buurten"), coerce=int, choices=[])


class AssistedForm(InitiativeForm):
    """Placing an initiative for a resident who is not online."""

    resident_name = StringField(_l("Naam van de bewoner namens wie u dit invoert"))
    consent_note = StringField(
        _l("Toestemming van de bewoner"), description=_l("Hoe en wanneer gaf de bewoner toestemming?")
    )
