from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, Length, Optional

from .models import STATUSES, TYPES


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class InitiativeForm(FlaskForm):
    title = StringField(_l("Titel"), description=_l("Kort en duidelijk, bijvoorbeeld ‘Geveltuinen in onze straat’."))
    summary = TextAreaField(_l("Korte beschrijving"), description=_l("Eén of twee zinnen (10 tot 300 tekens)."))
    description = TextAreaField(
        _l("Uitleg"), description=_l("Vertel meer: wat, waarom, wie doet er mee? U mag *Markdown* gebruiken.")
    )
    type = SelectField(_l("Soort initiatief"), choices=[])
    theme_ids = MultiCheckboxField(_l("Thema's"), coerce=int, choices=[])
    status = SelectField(_l("Status"), choices=list(STATUSES.items()), default="idea")
    address = StringField(
        _l("Adres of plek"),
        description=_l("Typ een adres, postcode of buurt. Of klik op de kaart."),
        validators=[Optional(), Length(max=200)],
    )
    lat = HiddenField()
    lon = HiddenField()
    area_geojson = HiddenField()
    # Without a pointer (WCAG 2.5.7, issue 29): a whole buurt as the area, chosen from a list.
    area_code = SelectField(
        _l("Of: een hele buurt als gebied"),
        description=_l(
            "Voor zelfbeheer van een hele buurt. Kiest u een buurt, dan is dat de plek; de kaart is niet nodig."
        ),
        choices=[],
        validate_choice=False,
    )
    links = TextAreaField(
        _l("Links (website, Facebook, YouTube)"),
        description=_l("Eén link per regel, beginnend met https://. Hoogstens 5."),
    )
    budget_requested = StringField(_l("Gevraagd budget in euro's (als dat van toepassing is)"))
    contact_name = StringField(
        _l("Publieke contactpersoon (naam)"), description=_l("Laat leeg om zelf contactpersoon te zijn.")
    )
    contact_email = EmailField(
        _l("E-mailadres van de contactpersoon"),
        description=_l("Wordt nooit getoond. Berichten via het contactformulier gaan naar dit adres."),
    )

    by_municipality = BooleanField(
        _l("Dit is een project van de gemeente zelf"),
        description=_l(
            "Alleen voor medewerkers van de gemeente. Een eigen project wacht niet op een reactie van de "
            "gemeente en staat dus niet in de wachtrij voor reacties."
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.type.choices = [("", _l("— kies —")), *TYPES.items()]  # as the administrator worded them


class ContactForm(FlaskForm):
    name = StringField(
        _l("Uw naam"),
        validators=[DataRequired(_l("Vul uw naam in.")), Length(max=80)],
        render_kw={"autocomplete": "name"},
    )
    email = EmailField(
        _l("Uw e-mailadres (voor het antwoord)"),
        validators=[DataRequired(_l("Vul uw e-mailadres in."))],
        render_kw={"autocomplete": "email"},
    )
    message = TextAreaField(
        _l("Uw bericht"),
        validators=[DataRequired(_l("Schrijf een bericht.")), Length(max=3000, message=_l("Hoogstens 3000 tekens."))],
    )
    website = StringField(_l("Laat dit veld leeg"))  # honeypot: humans never see it


class ImageForm(FlaskForm):
    image = FileField(
        _l("Foto"),
        description=_l("JPG, PNG of WebP, hoogstens 8 MB. Wij halen locatie- en cameragegevens uit de foto."),
    )
    alt = StringField(
        _l("Wat is er op de foto te zien?"),
        description=_l(
            "Verplicht: deze tekst lezen mensen die de foto niet kunnen zien. "
            "Bijvoorbeeld ‘Buren planten bloembollen in de geveltuin’."
        ),
    )
