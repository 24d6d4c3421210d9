"""What this platform processes, why, on what legal basis, for how long and for whom.

One declaration per processing activity. The privacy statement page, the register of
processing activities (AVG art. 30) and the retention purge all read these, so they cannot
drift apart. Retention periods come from the configuration (``RETENTION_*``).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l

from platform_core import settings

BASIS = {
    "public_task": _l("algemeen belang / openbaar gezag (AVG art. 6 lid 1 sub e)"),
    "consent": _l("toestemming (AVG art. 6 lid 1 sub a)"),
    "legal": _l("wettelijke plicht (AVG art. 6 lid 1 sub c), Archiefwet 1995"),
    "legitimate": _l("gerechtvaardigd belang van de gemeente bij een veilig platform (AVG art. 6 lid 1 sub f)"),
}


@dataclass(frozen=True)
class Activity:
    key: str
    name: object
    purpose: object
    basis: str
    data: object
    people: object
    retention: object  # text, or the config key of a number of days
    recipients: object
    retention_key: str | None = None

    def retention_text(self) -> str:
        if self.retention_key:
            days = current_app.config[self.retention_key]
            return str(self.retention).format(days=days)
        return str(self.retention)


ACTIVITIES: tuple[Activity, ...] = (
    Activity(
        "account",
        _l("Account en inloggen"),
        _l("U laten meedoen met uw eigen naam, uw instellingen bewaren, het platform beveiligen."),
        "public_task",
        _l("naam, e-mailadres, wachtwoord (alleen als hash), rollen, tweestapsgeheim, inlogmomenten"),
        _l("bewoners, ambassadeurs, medewerkers van de gemeente, raadsleden"),
        _l(
            "tot u het account verwijdert; een account dat {days} dagen niet is gebruikt, "
            "verwijderen we na een waarschuwing per e-mail"
        ),
        _l("niemand buiten de gemeente; de hostingpartij als verwerker"),
        "RETENTION_INACTIVE_DAYS",
    ),
    Activity(
        "contributions",
        _l("Initiatieven, reacties, meedoen en pluimen"),
        _l("Samen de buurt vormgeven: initiatieven tonen, reacties en aanbod delen, de gemeente laten antwoorden."),
        "public_task",
        _l("wat u schrijft, uw naam bij uw bijdrage, de plek van een initiatief, foto's (zonder locatiegegevens)"),
        _l("bewoners en bezoekers die bijdragen"),
        _l(
            "zolang het initiatief op het platform staat; bij het verwijderen van uw account kiest u "
            "of uw bijdragen anoniem blijven staan of verdwijnen"
        ),
        _l("iedereen (openbaar), behalve wat de redactie heeft verborgen"),
    ),
    Activity(
        "anonymous_email",
        _l("E-mailadres bij een reactie zonder account"),
        _l("U laten weten dat iemand op uw reactie antwoordde."),
        "consent",
        _l("e-mailadres"),
        _l("bezoekers die reageren zonder account"),
        _l("{days} dagen, daarna wissen we het adres"),
        _l("niemand; nooit getoond"),
        "RETENTION_ANONYMOUS_EMAIL_DAYS",
    ),
    Activity(
        "contact",
        _l("Berichten aan initiatiefnemers"),
        _l("Uw bericht doorsturen naar de initiatiefnemer en misbruik kunnen behandelen."),
        "public_task",
        _l("naam, e-mailadres, bericht"),
        _l("afzenders van berichten"),
        _l("{days} dagen"),
        _l("de initiatiefnemer (per e-mail)"),
        "RETENTION_CONTACT_DAYS",
    ),
    Activity(
        "notifications",
        _l("Berichten en e-mailsamenvattingen"),
        _l("U op de hoogte houden van wat u volgt."),
        "consent",
        _l("wat u volgt, berichten aan u, uw keuze voor e-mail"),
        _l("mensen met een account"),
        _l("{days} dagen"),
        _l("niemand"),
        "RETENTION_NOTIFICATION_DAYS",
    ),
    Activity(
        "meetings",
        _l("Bijeenkomsten en aanwezigheid"),
        _l("Meedoen buiten het internet laten meetellen; initiatieven invoeren voor wie niet online is."),
        "public_task",
        _l("naam of account van aanwezigen, naam van wie een ambassadeur helpt en de afspraak daarover"),
        _l("aanwezigen, bewoners die een ambassadeur helpt"),
        _l("tot het traject is afgerond; namen wissen we eerder op verzoek"),
        _l("de organisator en de redactie"),
    ),
    Activity(
        "credits",
        _l("Credits"),
        _l("Bijdragen aan samenwerking zichtbaar maken en waarderen."),
        "public_task",
        _l("bijdrage, soort, reden, traject, aantal credits"),
        _l("mensen met een account"),
        _l("zolang het traject loopt en het account bestaat; daarna alleen zonder naam"),
        _l("alleen uzelf; ranglijsten alleen als u daarvoor kiest"),
    ),
    Activity(
        "record",
        _l("Openbaar archief van inbreng en besluiten"),
        _l(
            "Verantwoorden wat er met inbreng is gedaan (Archiefwet): bijdragen, kaders, antwoorden, "
            "uitkomsten, moderatiebesluiten."
        ),
        "legal",
        _l("de openbare inhoud; namen en eigen teksten apart, zodat die gewist kunnen worden"),
        _l("iedereen die openbaar bijdraagt, medewerkers van de gemeente"),
        _l("volgens de selectielijst van de gemeente; namen wissen we op verzoek zonder het archief te breken"),
        _l("het archief van de gemeente (e-depot)"),
    ),
    Activity(
        "security",
        _l("Beveiliging en misbruik"),
        _l("Aanvallen en misbruik tegengaan."),
        "legitimate",
        _l("IP-adres (alleen in tellers die na hoogstens een uur vervallen), serverlogboeken"),
        _l("alle bezoekers"),
        _l("tellers: hoogstens een uur; logboeken: {days} dagen"),
        _l("de hostingpartij als verwerker"),
        "RETENTION_LOG_DAYS",
    ),
)


def register_rows() -> list[dict]:
    """The register of processing activities, one row per activity, ready for CSV or JSON."""
    return [
        {
            "verwerking": str(a.name),
            "doel": str(a.purpose),
            "grondslag": str(BASIS[a.basis]),
            "categorieen_persoonsgegevens": str(a.data),
            "categorieen_betrokkenen": str(a.people),
            "bewaartermijn": a.retention_text(),
            "ontvangers": str(a.recipients),
            "verwerkingsverantwoordelijke": settings.get("privacy_controller"),
            "functionaris_gegevensbescherming": f"{settings.get('dpo_name')} ({settings.get('dpo_contact')})",
            "doorgifte_buiten_eer": "geen",
            "beveiliging": "TLS, gehashte wachtwoorden, tweestapsverificatie voor medewerkers, "
            "rolgebonden toegang, manipulatiebestendig archief",
        }
        for a in ACTIVITIES
    ]
