from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, SelectMultipleField, StringField, TextAreaField

from .models import CHALLENGERS, DECISIONS


class ChallengeForm(FlaskForm):
    title = StringField(_l("Titel"), description=_l("Bijvoorbeeld ‘Wij onderhouden het buurtpark zelf’."))
    task = TextAreaField(
        _l("Welke taak van de gemeente wilt u overnemen?"),
        description=_l("Bijvoorbeeld het onderhoud van een park, of het beheer van een buurthuis."),
    )
    motivation = TextAreaField(
        _l("Waarom kunt u het beter, goedkoper of dichter bij de buurt?"),
        description=_l("Leg uit wat u anders doet en wat de buurt eraan heeft."),
    )
    needs = TextAreaField(
        _l("Wat heeft u nodig?"), description=_l("Budget, ruimte of gebouw, afspraken met de gemeente.")
    )
    budget_needed = StringField(_l("Budget dat u nodig heeft, in euro's per jaar (als dat van toepassing is)"))
    support = TextAreaField(
        _l("Wie steunt u?"),
        description=_l("Bijvoorbeeld buren, een bewonersvereniging of ondernemers. Anderen kunnen ook online steunen."),
    )
    challenger = RadioField(
        _l("Wie dient de uitdaging in?"), choices=list(CHALLENGERS.items()), default="individual", validate_choice=False
    )
    organisation = StringField(
        _l("Naam van de groep of organisatie"), description=_l("Niet nodig als u alleen indient.")
    )
    area_code = SelectField(_l("In welke buurt?"), choices=[], validate_choice=False)
    linked_initiative_id = StringField(
        _l("Hoort bij initiatief (nummer, als dat er is)"),
        description=_l("Het nummer staat aan het eind van het webadres van het initiatief."),
    )


class MessageForm(FlaskForm):
    body = TextAreaField(_l("Bericht"))


class DecisionForm(FlaskForm):
    decision = RadioField(_l("Besluit"), choices=list(DECISIONS.items()), validate_choice=False)
    reason = TextAreaField(_l("Motivering"), description=_l("Leg uit waarom, in gewone taal: dit is openbaar."))


class AgreementForm(FlaskForm):
    agreement = TextAreaField(
        _l("Afspraak over zelfbeheer"),
        description=_l("Wat doen de uitdagers, wat doet de gemeente, hoe lang, met welk budget."),
    )


class TermsForm(FlaskForm):
    challenge_who = SelectMultipleField(
        _l("Wie mag uitdagen"), choices=list(CHALLENGERS.items()), validate_choice=False
    )
    challenge_criteria = TextAreaField(
        _l("Criteria, één per regel"),
        description=_l("Leeg: beter, goedkoper, dichter bij de buurt en haalbaar (de standaardcriteria, vertaald)."),
    )
    challenge_criteria_en = TextAreaField(
        _l("De criteria in het Engels, één per regel, in dezelfde volgorde"),
        description=_l("Leeg: Engelstaligen lezen de Nederlandse criteria."),
    )
    challenge_ack_days = StringField(_l("Ontvangstbevestiging binnen (werkdagen)"))
    challenge_decision_days = StringField(_l("Besluit binnen (werkdagen)"))
    challenge_public = SelectField(
        _l("Openbaar"),
        choices=[("1", _l("Ja: uitdagingen staan op de kaart en in het openbaar archief")), ("0", _l("Nee"))],
    )
