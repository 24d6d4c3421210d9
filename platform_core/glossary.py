"""The participation words, explained in plain language (B1): shown where a word appears (a small
disclosure next to it) and together on the Wegwijzer page. JijMaaktUtrecht replaced an unread
introduction page by exactly this: explanations where people need them."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from . import settings
from .i18n import language

TERMS: dict[str, tuple[object, object]] = {
    "participation": (
        _l("Participatie"),
        _l(
            "De gemeente maakt een plan en vraagt bewoners mee te denken en mee te praten. Het plan "
            "blijft van de gemeente."
        ),
    ),
    "self_management": (
        _l("Zelfbeheer"),
        _l(
            "De grond is van de gemeente, maar bewoners richten de plek in en zorgen ervoor. Dat "
            "spreken ze af in een beheerafspraak."
        ),
    ),
    "initiative": (
        _l("Initiatief"),
        _l("Een plan van bewoners, een club of een bedrijf. Zij doen het zelf; de gemeente heeft meestal geen rol."),
    ),
    "liveability": (
        _l("Leefbaarheidsinitiatief"),
        _l(
            "Een plan voor een prettigere buurt, (deels) betaald uit het leefbaarheidsbudget van de "
            "gemeente. U ziet hoeveel geld er is uitgegeven."
        ),
    ),
    "kaders": (
        _l("Kaders"),
        _l(
            "Wat wel en niet kan: het geld, de regels, wie beslist en wat de raad met de uitkomst doet. "
            "De gemeente zegt dit vooraf, zodat u weet waar u over meepraat."
        ),
    ),
    "krachtenveld": (
        _l("Krachtenveld"),
        _l(
            "Wie er meedoen en wie nog ontbreken: bewoners, clubs, bedrijven en de gemeente. Zo ziet "
            "iedereen wie er nog bij moet."
        ),
    ),
    "traject": (
        _l("Traject"),
        _l(
            "Een co-creatietraject: bewoners en gemeente zoeken samen een antwoord op één vraag, in een "
            "paar stappen, met een begin en een eind."
        ),
    ),
    "fase": (
        _l("Fase"),
        _l("Een stap in een traject: verkennen, ideeën verzamelen, plannen maken, uitvoeren en terugkijken."),
    ),
    "pluim": (
        _l("Pluim"),
        _l(
            "Een compliment voor een initiatief of een reactie. U geeft er één per initiatief of "
            "reactie en u kunt hem weer intrekken."
        ),
    ),
    "credits": (
        _l("Credits"),
        _l(
            "Punten voor wat u bijdraagt aan samenwerken in een traject. Ze tonen wat u deed; het is "
            "geen wedstrijd. Bij elke credit staat waarom."
        ),
    ),
    "uitdaagrecht": (
        _l("Uitdaagrecht"),
        _l(
            "Het recht van bewoners om de gemeente uit te dagen: ‘Wij kunnen deze taak beter of "
            "goedkoper zelf doen.’ Vraag de gemeente hoe dat hier werkt."
        ),
    ),
}


def explain(key: str) -> Markup:
    """A small disclosure next to a word: ‘?’ opens its explanation (keyboard and screen reader too)."""
    name, text = TERMS[key]
    text = settings.label(f"type_explanation.{key}.{language()}") or text  # an administrator's wording
    return Markup(
        '<details class="explain"><summary><span aria-hidden="true">?</span>'
        '<span class="visually-hidden-focusable">{question}</span></summary>'
        '<p>{text} <a href="{url}#{key}">{more}</a></p></details>'
    ).format(
        question=_("Wat betekent ‘%(term)s’?", term=name),
        text=text,
        url=url_for("participation.wegwijzer"),
        key=key,
        more=_("Meer in de wegwijzer"),
    )
