from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional

from .models import FRAMING_KINDS, OUTCOMES


class TrajectoryForm(FlaskForm):
    title = StringField(_l("Titel"), description=_l("Bijvoorbeeld ‘Groen in de wijk 2027’."))
    question = TextAreaField(_l("De vraag aan de buurt"))
    department = StringField(_l("Afdeling die eigenaar is"))
    starts_on = DateField(_l("Begint op"), validators=[Optional()])
    ends_on = DateField(_l("Eindigt op"), validators=[Optional()])
    area_ids = SelectMultipleField(_l("Wijken en buurten (leeg: de hele gemeente)"), coerce=int, choices=[])
    stages = TextAreaField(
        _l("Fasen, één per regel"),
        default="verkennen\nideeën\nplan\nuitvoering\nevaluatie",
        description=_l("De volgorde is de volgorde van het traject."),
    )


class SummaryForm(FlaskForm):
    summary = TextAreaField(_l("Wat is er met de uitkomsten gedaan?"))


class FramingForm(FlaskForm):
    target = SelectField(_l("Waar gaat dit kader over?"), choices=[])
    kind = SelectField(_l("Soort kader"), choices=list(FRAMING_KINDS.items()))
    body = TextAreaField(_l("Tekst"))
    amount = IntegerField(_l("Bedrag in euro's (bij budget)"), validators=[Optional()])


class OutcomeForm(FlaskForm):
    kind = SelectField(_l("Hoe is het afgelopen?"), choices=list(OUTCOMES.items()))
    reason = TextAreaField(_l("Uitleg: wat is er gebeurd, en waarom?"))
    decided_on = DateField(_l("Datum"), validators=[Optional()])
