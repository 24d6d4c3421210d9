"""The accessibility statement (/toegankelijkheid), as the Besluit digitale toegankelijkheid
overheid asks for one, and its content set by the functional administrator in Beheer: the status
(A-D, as DigiToegankelijk names them), the day it was drawn up, what does not work yet (in both
languages) and where the independent research can be read."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField

from platform_core import settings
from platform_core.pagecache import for_visitors
from platform_core.policy import public, requires
from platform_core.validation import ValidationFailed, apply_errors

from . import bp

STATUSES = {
    "A": _l("Voldoet volledig"),
    "B": _l("Voldoet gedeeltelijk"),
    "C": _l("Eerste maatregelen genomen"),
    "D": _l("Eisen nog niet ingevoerd"),
}
# What the product itself knows does not work yet; a municipality that lists its own replaces it.
KNOWN_LIMITATIONS = (
    _l(
        "Kaarten: de achtergrondkaart zelf is een afbeelding. Alles op de kaart staat ook in een lijst of tabel "
        "ernaast; gebruik die als de kaart niet werkt voor u. (blijft; alternatief aanwezig)"
    ),
    _l(
        "Een gebied met eigen hoeken tekenen kan alleen met een muis of aanraakscherm. Met het toetsenbord kiest "
        "u een hele buurt als gebied, of een adres of punt; de redactie tekent een ander gebied op verzoek."
    ),
    _l("Berichten die al verstuurd zijn, staan in de taal die u toen gebruikte. (blijft)"),
)
NAMES = [
    "accessibility_status",
    "accessibility_date",
    "accessibility_limitations",
    "accessibility_limitations_en",
    "accessibility_report_url",
]


class StatementForm(FlaskForm):
    accessibility_status = SelectField(_l("Status"), choices=[])
    accessibility_date = StringField(
        _l("Opgesteld op"), description=_l("De datum van de verklaring, als 2027-01-31. Werk haar elk jaar bij.")
    )
    accessibility_limitations = TextAreaField(
        _l("Wat nog niet goed werkt, één punt per regel"),
        description=_l("Met per punt wat u eraan doet en wanneer. Leeg: de punten die het platform zelf kent."),
    )
    accessibility_limitations_en = TextAreaField(
        _l("Dezelfde punten in het Engels, in dezelfde volgorde"),
        description=_l("Leeg: Engelstaligen lezen de Nederlandse punten."),
    )
    accessibility_report_url = StringField(
        _l("Link naar het onderzoek"), description=_l("Het rapport van de onafhankelijke toets, als https-link.")
    )


@bp.route("/toegankelijkheid")
@public
@for_visitors
def accessibility():
    drawn_up = settings.get("accessibility_date")
    status = settings.get("accessibility_status")
    return render_template(
        "participation/accessibility.html",
        status=status,
        status_label=STATUSES.get(status, STATUSES["B"]),
        drawn_up=date.fromisoformat(drawn_up) if drawn_up else None,
        limitations=settings.lines("accessibility_limitations") or [str(item) for item in KNOWN_LIMITATIONS],
        report_url=settings.get("accessibility_report_url"),
    )


@bp.route("/beheer/toegankelijkheid", methods=["GET", "POST"])
@requires("administer")
def admin_statement():
    form = StatementForm(data={name: settings.get(name) for name in NAMES} if request.method == "GET" else None)
    form.accessibility_status.choices = [(code, f"{code}: {label}") for code, label in STATUSES.items()]
    if form.validate_on_submit():
        try:
            settings.save(current_user, {name: getattr(form, name).data for name in NAMES})
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            flash(_("De toegankelijkheidsverklaring is bijgewerkt."), "success")
            return redirect(url_for(".admin_statement"))
    return render_template("participation/accessibility_admin.html", form=form), 400 if form.errors else 200
