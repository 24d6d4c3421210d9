from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token travels with it."""


class JoinForm(FlaskForm):
    offer = TextAreaField(
        _l("Wat kunt u bieden? (mag leeg blijven)"),
        description=_l("Bijvoorbeeld: tijd, gereedschap, een plek, of iets wat u goed kunt."),
        validators=[Optional(), Length(max=500)],
    )
    # Joining does not silently subscribe: the resident sees the choice, ticked by default.
    follow = BooleanField(_l("Houd mij op de hoogte van dit initiatief (volgen)"), default=True)


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Uw reactie"), validators=[Length(max=2000, message=_l("Hoogstens 2000 tekens."))])
    author_name = StringField(_l("Uw naam"), description=_l("Deze naam ziet iedereen bij uw reactie."))
    author_email = EmailField(
        _l("Uw e-mailadres (mag leeg blijven)"),
        description=_l("Alleen om u te laten weten als iemand antwoordt. Wordt nooit getoond."),
    )
    parent_id = HiddenField()
    to_municipality = BooleanField(_l("Dit is een vraag aan de gemeente"))
    website = StringField(_l("Laat dit veld leeg"))  # honeypot


class CommentEditForm(FlaskForm):
    body = TextAreaField(_l("Reactie aanpassen"))


class NeedForm(FlaskForm):
    title = StringField(_l("Wat zoekt u?"), description=_l("Bijvoorbeeld: ‘Iemand met een aanhanger’."))
    description = TextAreaField(_l("Toelichting (mag leeg blijven)"), validators=[Optional(), Length(max=500)])


class NeedResponseForm(FlaskForm):
    message = TextAreaField(_l("Wat kunt u bieden?"))


class FlagForm(FlaskForm):
    reason = TextAreaField(_l("Waarom meldt u dit?"), description=_l("De redactie leest uw melding."))
    website = StringField(_l("Laat dit veld leeg"))  # honeypot


class DecisionForm(FlaskForm):
    target_type = HiddenField()
    target_id = HiddenField()
    action = HiddenField()
    reason = StringField(_l("Reden (zichtbaar voor iedereen bij verbergen)"))


class SettingsForm(FlaskForm):
    notify_mode = RadioField(
        _l("Hoe wilt u op de hoogte blijven?"),
        choices=[
            ("daily", _l("Eén overzicht per dag (aanbevolen)")),
            ("weekly", _l("Eén overzicht per week")),
            ("immediate", _l("Meteen een e-mail bij elk bericht")),
            ("none", _l("Geen e-mail; ik kijk zelf op mijn pagina")),
        ],
    )


class ModerationSettingsForm(FlaskForm):
    anonymous_comments = SelectField(
        _l("Reacties van mensen zonder account"),
        choices=[("pre", _l("Eerst bekijken, dan plaatsen")), ("post", _l("Meteen plaatsen, achteraf bekijken"))],
    )


class PageForm(FlaskForm):
    body = TextAreaField(_l("Tekst (Markdown)"))
