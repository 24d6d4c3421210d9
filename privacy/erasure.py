"""Right to erasure (AVG art. 17) that keeps the public record whole.

An erased account stays as an anonymous row ("Oud-deelnemer") so that initiatives, credit
events and the council's facts keep pointing at something: the ledger and the facts do not
change unless the person also removes their contributions, and then they change through the
same withdrawals a moderator's decision uses (so ``credits verify`` and ``council verify``
stay clean). Names and texts leave the archive through redaction entries.
"""

from __future__ import annotations

import secrets

from flask_babel import gettext as _
from sqlalchemy import delete, select, update
from werkzeug.security import generate_password_hash

from ambassadors.models import Attendance
from credits.models import StandingOptIn
from initiatives.models import ContactMessage, Initiative
from initiatives.services import set_visibility
from initiatives.signals import initiative_changed
from participation.models import Comment, Flag, Follow, NeedResponse, Notification, Participation
from participation.signals import withdrawn
from platform_core.contributions import Contribution
from platform_core.extensions import db
from platform_core.models import Consent, RecoveryCode, User, UserRole, utcnow
from platform_core.policy import require
from platform_core.spatial import begin_write, lock_row
from reports.files import forget_all as forget_report_files
from trajectories.models import TrajectoryRequest

from . import archive
from .models import DataExport
from .receivers import NAME_FIELDS

ERASED_NAME = "Oud-deelnemer"
ASSISTED_NAME = "een bewoner"


def erase_account(actor: User, user: User, keep_contributions: bool = True) -> dict:
    """Erase ``user`` (the person themselves, or an administrator on their written request)."""
    if actor.id != user.id:
        require(actor, "administer")
    if user.erased_at is not None:
        return {"already": True}
    begin_write(db.session)
    uid = user.id
    report = {"comments_removed": 0, "initiatives_withdrawn": 0}
    for comment in db.session.scalars(select(Comment).where(Comment.author_id == uid).order_by(Comment.id)):
        if not keep_contributions and comment.status != "deleted":
            was_published = comment.status == "published"
            comment.status = "deleted"
            db.session.flush()  # the council's receivers recount from the tables
            if was_published:
                lock_row(db.session, Initiative, comment.initiative_id)
                db.session.execute(
                    update(Initiative)
                    .where(Initiative.id == comment.initiative_id)
                    .values(comments_count=Initiative.comments_count - 1)
                )
                withdrawn.send(
                    Contribution.COMMENT,
                    source_id=comment.id,
                    initiative_id=comment.initiative_id,
                    reason=_("Account verwijderd"),
                )
            report["comments_removed"] += 1
        if comment.status == "deleted":
            comment.body = ""
        comment.author_name = ERASED_NAME
    for initiative in db.session.scalars(select(Initiative).where(Initiative.owner_id == uid)):
        initiative.contact_name = initiative.contact_email = None
        if not keep_contributions and initiative.visibility == "published":
            set_visibility(initiative, "hidden", _("Verwijderd op verzoek van de initiatiefnemer."))
            initiative_changed.send(initiative, changed={"visibility"}, reason=initiative.hidden_reason)
            report["initiatives_withdrawn"] += 1
    db.session.execute(update(Participation).where(Participation.user_id == uid).values(offer=None))
    db.session.execute(update(NeedResponse).where(NeedResponse.user_id == uid).values(message=""))
    db.session.execute(update(TrajectoryRequest).where(TrajectoryRequest.asked_by_id == uid).values(message=""))
    db.session.execute(update(Flag).where(Flag.reporter_id == uid).values(reporter_id=None))
    # Other people's notifications that carry this person's name or words (joined, offered, replied).
    db.session.execute(delete(Notification).where(Notification.actor_id == uid))
    if len(user.display_name or "") >= 3:  # written before notifications named their actor (0020)
        db.session.execute(
            delete(Notification).where(
                Notification.actor_id.is_(None), Notification.text.contains(user.display_name, autoescape=True)
            )
        )
    for model, column in (
        (Follow, Follow.user_id),
        (Notification, Notification.user_id),
        (Consent, Consent.user_id),
        (DataExport, DataExport.user_id),
        (StandingOptIn, StandingOptIn.user_id),
        (RecoveryCode, RecoveryCode.user_id),
        (UserRole, UserRole.user_id),
        (ContactMessage, ContactMessage.sender_id),
    ):
        db.session.execute(delete(model).where(column == uid))
    forget_report_files()  # a prepared participatieverslag may quote what this person said
    report["archive_values_erased"] = archive.erase_person(
        uid, set(NAME_FIELDS) if keep_contributions else None, "account verwijderd (AVG art. 17)"
    )
    db.session.expire(user, ["roles"])
    user.display_name = ERASED_NAME
    user.email = f"verwijderd-{uid}@invalid"
    user.password_hash = generate_password_hash(secrets.token_hex(32), method="pbkdf2:sha256:1000")
    user.is_active_account = False
    user.session_version += 1
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    user.email_confirmed_at = user.last_seen_at = user.last_digest_at = user.last_login_at = None
    user.inactivity_warned_at = None
    user.notify_mode = "none"
    user.consent_version = None
    user.erased_at = utcnow()
    db.session.flush()
    return report


def erase_assisted(actor: User, initiative: Initiative) -> int:
    """Erase the name of a resident an ambassador entered an initiative for (on their request)."""
    require(actor, "steer_initiative", initiative)  # the ambassador who entered it
    if not initiative.on_behalf_of:
        return 0
    begin_write(db.session)
    initiative.on_behalf_of = ASSISTED_NAME
    initiative.consent_note = None
    pairs = [
        (entry.seq, "on_behalf_of")
        for entry in archive.entries_about("initiative", initiative.id)
        if "on_behalf_of" in (entry.erasable_digests or "")
    ]
    archive.erase_fields(pairs, "naam van een bewoner gewist op verzoek (AVG art. 17)")
    db.session.flush()
    return 1 + len(pairs)


def erase_attendance_name(actor: User, attendance: Attendance) -> None:
    """Remove the name of someone registered at a meeting without an account."""
    meeting = attendance.meeting
    require(actor, "organise_in", meeting)
    begin_write(db.session)
    attendance.name = None
    db.session.flush()
