"""Two languages, really: which one a person sees, and numbers, money and dates in its style.

The language comes from the account (set by the switch when logged in), then from the switch
(kept in the session), then from the browser's Accept-Language, then Dutch. Dates are stored in
UTC and shown in the municipality's time zone (``BABEL_DEFAULT_TIMEZONE``).
"""

from __future__ import annotations

import re
from datetime import date, datetime

from babel import Locale
from babel.dates import format_datetime as babel_format_datetime
from babel.numbers import format_currency
from flask import Flask, current_app, has_request_context, redirect, request, session, url_for
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from .policy import public
from .urls import safe_next

DATE_FORMATS = {"nl": "dd-MM-yyyy", "en": "d MMM yyyy"}
DATETIME_FORMATS = {"nl": "dd-MM-yyyy HH:mm", "en": "d MMM yyyy, HH:mm"}


def N_(text: str) -> str:
    """Marks a Dutch text for the catalogue and keeps it as it is: it is stored in Dutch (for instance
    in a record) and translated where it is shown, with ``gettext(text)``."""
    return text


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    # The public API holds no account's words; its few messages follow the session or the browser,
    # so answering it never loads the account (issue 28).
    if request.blueprint != "api" and current_user and getattr(current_user, "is_authenticated", False):
        chosen = getattr(current_user, "locale", None)
        if chosen in languages:
            return chosen
    if session.get("lang") in languages:
        return session["lang"]
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


_WTFORMS: dict[str, object] = {}


def wtforms_translations():
    """WTForms' own messages (a field's built-in errors) in the page's language, kept per process."""
    from babel import support
    from wtforms.i18n import messages_path

    locale = get_locale()
    key = str(locale)
    if key not in _WTFORMS:
        _WTFORMS[key] = support.Translations.load(messages_path(), [locale], domain="wtforms")
    return _WTFORMS[key]


def language() -> str:
    return str(get_locale() or "nl").split("_")[0]


def money(value: int | float | None) -> str:
    """Whole euros in the locale's style: ‘€ 216.000’ in Dutch, ‘€216,000’ in English."""
    if value is None:
        return "–"
    locale = language()
    pattern = Locale.parse(locale).currency_formats["standard"].pattern.split(";")[0].replace(".00", "")
    return format_currency(value, "EUR", format=pattern, locale=locale, currency_digits=False)


def number(value: int | float | None) -> str:
    return "–" if value is None else format_decimal(value)


def day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, DATE_FORMATS.get(language(), "dd-MM-yyyy"))
    return format_date(value, DATE_FORMATS.get(language(), "dd-MM-yyyy"))


def moment(value: datetime | None) -> str:
    return "" if value is None else format_datetime(value, DATETIME_FORMATS.get(language(), "dd-MM-yyyy HH:mm"))


def wallclock(value: datetime | None) -> str:
    """A time as it was entered (a meeting at 19:30 is at 19:30), without time-zone conversion."""
    if value is None:
        return ""
    return babel_format_datetime(value, DATETIME_FORMATS.get(language(), "dd-MM-yyyy HH:mm"), locale=language())


# The commonest short words of each language; residents' text is told apart by them.
_WORDS = {
    "nl": frozenset(
        [
            "de",
            "het",
            "een",
            "en",
            "van",
            "in",
            "op",
            "is",
            "dat",
            "die",
            "met",
            "voor",
            "niet",
            "zijn",
            "er",
            "te",
            "we",
            "wij",
            "ook",
            "aan",
            "om",
            "maar",
            "als",
            "bij",
            "nog",
            "naar",
            "dan",
            "wat",
            "kan",
            "hebben",
            "worden",
            "onze",
            "ons",
            "je",
            "jij",
            "u",
            "uw",
            "zo",
            "wel",
            "meer",
            "geen",
            "deze",
            "dit",
            "door",
            "over",
            "tot",
            "buurt",
            "straat",
            "graag",
            "samen",
            "iedereen",
            "wie",
            "waar",
            "hoe",
            "waarom",
        ]
    ),
    "en": frozenset(
        [
            "the",
            "a",
            "an",
            "and",
            "of",
            "in",
            "on",
            "is",
            "that",
            "with",
            "for",
            "not",
            "are",
            "be",
            "we",
            "our",
            "us",
            "you",
            "your",
            "to",
            "at",
            "but",
            "as",
            "by",
            "it",
            "this",
            "these",
            "from",
            "have",
            "has",
            "will",
            "can",
            "would",
            "more",
            "no",
            "about",
            "what",
            "who",
            "where",
            "how",
            "why",
            "there",
            "their",
            "they",
            "neighbourhood",
            "neighborhood",
            "street",
            "together",
            "everyone",
            "please",
        ]
    ),
}


def text_language(text: str | None) -> str:
    """The language a resident wrote in, told by its short words; Dutch when nothing tells."""
    counts = dict.fromkeys(_WORDS, 0)
    for word in re.findall(r"[a-zà-ÿ]+", (text or "").lower())[:200]:
        for lang, words in _WORDS.items():
            counts[lang] += word in words
    best = max(counts, key=counts.get)
    return best if counts[best] > min(counts.values()) else current_app.config.get("BABEL_DEFAULT_LOCALE", "nl")


def lang_of(text: str | None) -> Markup:
    """` lang="nl"` on an element whose user text is not in the page's language (WCAG 3.1.2),
    nothing when it is: ``<h1{{ item.title|lang_of }}>{{ item.title }}</h1>``."""
    lang = text_language(text)
    return Markup("") if lang == language() else Markup(' lang="%s"') % lang


@public
def switch_language():
    """The visible switch: remembered in the session, and on the account when logged in."""
    chosen = request.form.get("lang", "")
    if chosen in current_app.config["LANGUAGES"]:
        session["lang"] = chosen
        if current_user.is_authenticated:
            current_user.locale = chosen
    return redirect(safe_next(request.form.get("next"), url_for("maps.treasure_map")))


_JS_MESSAGES: dict[str, dict[str, str]] = {}


def js_messages() -> dict[str, str]:
    """The words our scripts show, in the page's language (read from a JSON block, never run);
    worked out once per process and language."""
    key = str(get_locale())
    if key not in _JS_MESSAGES:
        _JS_MESSAGES[key] = _script_words()
    return _JS_MESSAGES[key]


def _script_words() -> dict[str, str]:
    return {
        "chosen_place": _("Gekozen plek"),
        "chosen_at": _("Gekozen plek: {place}"),
        "area_drawn": _("Gebied getekend met {n} hoeken."),
        "corner_chosen": _("Hoek {n} gekozen. Klik nog {m} hoek(en) aan."),
        "cleared": _("De plek is gewist."),
        "nothing_found": _("Niets gevonden. Probeer een andere schrijfwijze of klik op de kaart."),
        "search_failed": _("Zoeken lukt nu niet. Klik de plek aan op de kaart."),
        "searching": _("Zoeken…"),
        "one_in_view": _("1 initiatief in beeld."),
        "n_in_view": _("{n} initiatieven in beeld."),
        "zoom_in": _("Zoom in om de namen te zien, of bekijk ze in de lijst."),
        "newest_only": _(
            "Meer dan {n} initiatieven passen bij uw keuze; de kaart toont de {n} nieuwste."
            " Zoom in of maak uw keuze kleiner om de andere te zien, of bekijk ze allemaal in de lijst."
        ),
        "load_failed": _("De initiatieven konden niet geladen worden. Probeer het opnieuw of bekijk de lijst."),
        "cluster": _("{n} initiatieven"),
        "cluster_open": _("{n} initiatieven: inzoomen"),
        "spent": _("Besteed: {amount}"),
        "area": _("een gebied"),
        "challenge": _("Uitdaging: {title}"),
        "challenge_kind": _("Uitdaging (uitdaagrecht)"),
    }


def register_i18n(app: Flask) -> None:
    app.add_url_rule("/taal", "switch_language", switch_language, methods=["POST"])
    app.jinja_env.filters.update(
        money=money, number=number, day=day, moment=moment, wallclock=wallclock, lang_of=lang_of
    )
    app.jinja_env.globals["language"] = language
    app.jinja_env.globals["js_messages"] = js_messages
