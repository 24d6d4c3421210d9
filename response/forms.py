from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from .models import FACILITATION_KINDS, ROLE_SCALE, ROLES


class FeedbackForm(FlaskForm):
    body = TextAreaField(_l("Reactie van de gemeente"))
    department = StringField(_l("Afdeling"))
    answers = HiddenField()


class RoleForm(FlaskForm):
    role = SelectField(_l("Rol van de gemeente"), choices=list(ROLES.items()))
    scale = SelectField(_l("Positie op de schaal"), choices=[("", "—"), *ROLE_SCALE.items()])
    stage_id = SelectField(_l("Voor welke fase"), choices=[], coerce=str)


class FacilitationForm(FlaskForm):
    kind = SelectField(_l("Wat biedt de gemeente aan?"), choices=list(FACILITATION_KINDS.items()))
    description = StringField(_l("Omschrijving"))
    amount = IntegerField(_l("Bedrag in euro's (alleen bij budget)"), validators=[Optional()])


class BlockerForm(FlaskForm):
    description = TextAreaField(_l("Knelpunt"))
    department = StringField(_l("Doorgezet naar afdeling"))
