"""Right of access (AVG art. 15) and portability (art. 20): everything held about one person.

Each section is one query bounded by what that person did; the result is plain data, written
out as JSON or shown as a readable page. Nothing about other people is included beyond what
the person could already see (titles of public initiatives they took part in).
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime

from sqlalchemy import select, update

from ambassadors.models import Attendance, Meeting
from challenges.models import Challenge, ChallengeMessage, ChallengeSupport
from credits.models import CreditEvent, StandingOptIn
from initiatives.models import ContactMessage, Initiative, InitiativeImage
from initiatives.search import fold
from participation.models import (
    Comment,
    Flag,
    Follow,
    ModerationDecision,
    Need,
    NeedResponse,
    Notification,
    Participation,
    Pluim,
)
from platform_core import settings
from platform_core.extensions import db
from platform_core.models import Consent, User, utcnow
from platform_core.spatial import begin_write
from response.models import Feedback
from trajectories.models import Framing, Outcome

from .models import DataExport

SECTIONS = {
    "account": "Account",
    "consents": "Toestemmingen",
    "initiatives": "Initiatieven",
    "challenges": "Uitdagingen (uitdaagrecht)",
    "challenge_support": "Uitdagingen die u steunde",
    "challenge_messages": "Berichten bij uitdagingen",
    "images": "Foto's",
    "comments": "Reacties",
    "participations": "Meedoen en aanbod",
    "need_responses": "Reacties op een vraag",
    "pluimen": "Gegeven pluimen",
    "follows": "Wat u volgt",
    "notifications": "Berichten aan u",
    "credits": "Credits (met reden)",
    "standings": "Zichtbaar in ranglijsten",
    "attendance": "Aanwezigheid bij bijeenkomsten",
    "messages_sent": "Berichten die u stuurde",
    "flags": "Meldingen die u deed",
    "framing": "Kaders die u schreef",
    "feedback": "Antwoorden namens de gemeente",
    "outcomes": "Afgeronde initiatieven",
    "moderation": "Moderatiebesluiten",
}


def site_slug(fallback: str) -> str:
    """The site's name as a file name, folded as search folds it ("Súdwest-Fryslân": sudwest-fryslan)."""
    return re.sub(r"[^a-z0-9]+", "-", fold(settings.get("site_name"))).strip("-") or fallback


def _value(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _rows(stmt, *names: str) -> list[dict]:
    return [{name: _value(value) for name, value in zip(names, row, strict=True)} for row in db.session.execute(stmt)]


def collect(user: User) -> dict:
    uid = user.id
    data: dict[str, object] = {
        "account": {
            "id": user.id,
            "naam": user.display_name,
            "e-mailadres": user.email,
            "rollen": sorted(user.role_names),
            "aangemaakt": _value(user.created_at),
            "e-mail_bevestigd": _value(user.email_confirmed_at),
            "laatst_ingelogd": _value(user.last_login_at),
            "tweestapsverificatie": user.has_second_factor,
            "berichten_per_e-mail": user.notify_mode,
            "privacyverklaring_versie": user.consent_version,
        },
        "consents": _rows(
            select(Consent.version, Consent.given_at).where(Consent.user_id == uid).order_by(Consent.given_at),
            "versie",
            "gegeven_op",
        ),
        "initiatives": _rows(
            select(
                Initiative.id,
                Initiative.title,
                Initiative.summary,
                Initiative.description,
                Initiative.type,
                Initiative.status,
                Initiative.visibility,
                Initiative.address,
                Initiative.lon,
                Initiative.lat,
                Initiative.contact_name,
                Initiative.contact_email,
                Initiative.on_behalf_of,
                Initiative.created_at,
            )
            .where(Initiative.owner_id == uid)
            .order_by(Initiative.id),
            "id",
            "titel",
            "korte_beschrijving",
            "uitleg",
            "soort",
            "status",
            "zichtbaarheid",
            "adres",
            "lengtegraad",
            "breedtegraad",
            "contactpersoon",
            "contact_e-mail",
            "namens",
            "geplaatst",
        ),  # fmt: skip
        "challenges": _rows(
            select(
                Challenge.id,
                Challenge.title,
                Challenge.task,
                Challenge.motivation,
                Challenge.needs,
                Challenge.support,
                Challenge.organisation,
                Challenge.state,
                Challenge.decision,
                Challenge.created_at,
            )
            .where(Challenge.owner_id == uid)
            .order_by(Challenge.id),
            "id",
            "titel",
            "taak",
            "motivering",
            "nodig",
            "steun",
            "organisatie",
            "stand",
            "besluit",
            "ingediend",
        ),  # fmt: skip
        "challenge_support": _rows(
            select(ChallengeSupport.challenge_id, ChallengeSupport.created_at)
            .where(ChallengeSupport.user_id == uid)
            .order_by(ChallengeSupport.id),
            "uitdaging",
            "gesteund_op",
        ),
        "challenge_messages": _rows(
            select(ChallengeMessage.challenge_id, ChallengeMessage.body, ChallengeMessage.created_at)
            .where(ChallengeMessage.author_id == uid)
            .order_by(ChallengeMessage.id),
            "uitdaging",
            "bericht",
            "geschreven",
        ),
        "images": _rows(
            select(InitiativeImage.initiative_id, InitiativeImage.alt, InitiativeImage.name, InitiativeImage.created_at)
            .where(InitiativeImage.uploaded_by_id == uid)
            .order_by(InitiativeImage.id),
            "initiatief",
            "beschrijving",
            "bestand",
            "toegevoegd",
        ),  # fmt: skip
        "comments": _rows(
            select(
                Comment.id, Comment.initiative_id, Comment.body, Comment.status, Comment.created_at, Comment.edited_at
            )
            .where(Comment.author_id == uid)
            .order_by(Comment.id),
            "id",
            "initiatief",
            "tekst",
            "status",
            "geplaatst",
            "aangepast",
        ),  # fmt: skip
        "participations": _rows(
            select(Participation.initiative_id, Initiative.title, Participation.offer, Participation.created_at)
            .join(Initiative, Initiative.id == Participation.initiative_id)
            .where(Participation.user_id == uid)
            .order_by(Participation.id),
            "initiatief",
            "titel",
            "aanbod",
            "sinds",
        ),  # fmt: skip
        "need_responses": _rows(
            select(Need.initiative_id, Need.title, NeedResponse.message, NeedResponse.created_at)
            .join(Need, Need.id == NeedResponse.need_id)
            .where(NeedResponse.user_id == uid)
            .order_by(NeedResponse.id),
            "initiatief",
            "vraag",
            "bericht",
            "geplaatst",
        ),  # fmt: skip
        "pluimen": _rows(
            select(Pluim.target_type, Pluim.target_id, Pluim.created_at).where(Pluim.user_id == uid).order_by(Pluim.id),
            "soort",
            "id",
            "gegeven",
        ),  # fmt: skip
        "follows": _rows(
            select(Follow.target_type, Follow.target_id, Follow.created_at)
            .where(Follow.user_id == uid)
            .order_by(Follow.id),
            "soort",
            "id",
            "sinds",
        ),  # fmt: skip
        "notifications": _rows(
            select(Notification.kind, Notification.text, Notification.created_at, Notification.emailed_at)
            .where(Notification.user_id == uid)
            .order_by(Notification.id),
            "soort",
            "tekst",
            "gemaakt",
            "gemaild",
        ),  # fmt: skip
        "credits": _rows(
            select(
                CreditEvent.trajectory_id,
                CreditEvent.kind,
                CreditEvent.entry,
                CreditEvent.amount,
                CreditEvent.reason,
                CreditEvent.source_type,
                CreditEvent.source_id,
                CreditEvent.created_at,
            )
            .where(CreditEvent.user_id == uid)
            .order_by(CreditEvent.id),
            "traject",
            "soort",
            "boeking",
            "credits",
            "reden",
            "bron",
            "bron_id",
            "geboekt",
        ),  # fmt: skip
        "standings": _rows(select(StandingOptIn.trajectory_id).where(StandingOptIn.user_id == uid), "traject"),
        "attendance": _rows(
            select(Meeting.id, Meeting.title, Meeting.starts_at, Attendance.created_at)
            .join(Meeting, Meeting.id == Attendance.meeting_id)
            .where(Attendance.user_id == uid)
            .order_by(Attendance.id),
            "bijeenkomst",
            "titel",
            "datum",
            "geregistreerd",
        ),  # fmt: skip
        "messages_sent": _rows(
            select(
                ContactMessage.initiative_id,
                ContactMessage.sender_name,
                ContactMessage.sender_email,
                ContactMessage.message,
                ContactMessage.created_at,
            )
            .where(ContactMessage.sender_id == uid)
            .order_by(ContactMessage.id),
            "initiatief",
            "naam",
            "e-mailadres",
            "bericht",
            "verstuurd",
        ),  # fmt: skip
        "flags": _rows(
            select(Flag.target_type, Flag.target_id, Flag.reason, Flag.created_at).where(Flag.reporter_id == uid),
            "soort",
            "id",
            "reden",
            "gemeld",
        ),  # fmt: skip
        "framing": _rows(
            select(Framing.target_type, Framing.target_id, Framing.kind, Framing.body, Framing.created_at).where(
                Framing.author_id == uid
            ),
            "bij",
            "id",
            "soort",
            "tekst",
            "geschreven",
        ),  # fmt: skip
        "feedback": _rows(
            select(Feedback.initiative_id, Feedback.department, Feedback.body, Feedback.created_at).where(
                Feedback.author_id == uid
            ),
            "initiatief",
            "afdeling",
            "tekst",
            "geschreven",
        ),  # fmt: skip
        "outcomes": _rows(
            select(Outcome.initiative_id, Outcome.kind, Outcome.reason, Outcome.decided_on).where(
                Outcome.reported_by_id == uid
            ),
            "initiatief",
            "uitkomst",
            "toelichting",
            "besloten_op",
        ),  # fmt: skip
        "moderation": _rows(
            select(
                ModerationDecision.target_type,
                ModerationDecision.target_id,
                ModerationDecision.action,
                ModerationDecision.reason,
                ModerationDecision.created_at,
            ).where(ModerationDecision.moderator_id == uid),
            "soort",
            "id",
            "besluit",
            "reden",
            "genomen",
        ),  # fmt: skip
    }
    return data


def prepare(ids: list[int], user_id: int) -> int:
    """The job behind ``/account/gegevens``: gather the person's data once and keep it with each
    of their waiting links (a row already ready, used or gone is left alone, so a retried job
    does no harm); returns how many links it readied. The gathering grows with what the person
    did, so it happens here, not in the request that asked for it."""
    user = db.session.get(User, user_id)
    if user is None:
        return 0
    now = utcnow()
    body = json.dumps(
        {"platform": settings.get("site_name"), "gemaakt": now.isoformat(), **collect(user)},
        ensure_ascii=False,
        indent=2,
    )
    begin_write(db.session)
    return db.session.execute(
        update(DataExport)
        .where(
            DataExport.id.in_(ids),
            DataExport.user_id == user_id,
            DataExport.ready_at.is_(None),
            DataExport.used_at.is_(None),
        )
        .values(ready_at=now, body=body)
    ).rowcount
