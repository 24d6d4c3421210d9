"""Ambassadors and meetings: ambassadors act in their own buurten, enter initiatives for residents
who are not online, and register who came to a meeting."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from initiatives.models import Initiative
from initiatives.services import create_initiative, validate
from maps.models import Area
from maps.services import neighbourhood_for
from participation.signals import contributed
from platform_core.accounts.services import grant_role
from platform_core.contributions import Contribution, ContributionEvent
from platform_core.extensions import db
from platform_core.models import User
from platform_core.policy import can, require
from platform_core.spatial import begin_write
from platform_core.validation import PermissionDenied, ValidationFailed, text_field
from trajectories.models import Trajectory

from .models import AmbassadorArea, Attendance, Meeting

# --- ambassadors, assisted entry, meetings ------------------------------------------------------


def make_ambassador(admin: User, user: User, area_ids: list[int]) -> None:
    require(admin, "administer")
    areas = list(
        db.session.scalars(select(Area).where(Area.id.in_(area_ids), Area.level.in_(("district", "neighbourhood"))))
    )
    if not areas:
        raise ValidationFailed({"areas": _("Kies minstens één wijk of buurt.")})
    grant_role(user, "ambassador")
    known = {a.area_id for a in db.session.scalars(select(AmbassadorArea).filter_by(user_id=user.id))}
    for area in areas:
        if area.id not in known:
            db.session.add(AmbassadorArea(user_id=user.id, area_id=area.id))
    db.session.flush()


def ambassador_area_ids(user: User | None) -> set[int]:
    """The buurten an ambassador works in (a wijk counts with all its buurten)."""
    if not can("act_as_ambassador", user=user):
        return set()
    ids = set(db.session.scalars(select(AmbassadorArea.area_id).filter_by(user_id=user.id)))
    ids |= set(db.session.scalars(select(Area.id).where(Area.parent_id.in_(ids))))
    return ids


def _within(ambassador: User, area_id: int | None) -> None:
    if area_id is None or area_id not in ambassador_area_ids(ambassador):
        raise PermissionDenied("ambassadors act only within their neighbourhoods")


def assisted_entry(ambassador: User, resident_name: str, consent_note: str, data) -> Initiative:
    """Place an initiative for a resident who is not online, with their consent noted."""
    require(ambassador, "act_as_ambassador")
    errors = {}
    name = (resident_name or "").strip()
    if not 2 <= len(name) <= 80:
        errors["resident_name"] = _("Vul de naam in van de bewoner namens wie u dit invoert.")
    if len((consent_note or "").strip()) < 5:
        errors["consent_note"] = _("Noteer hoe en wanneer de bewoner toestemming gaf.")
    if errors:
        raise ValidationFailed(errors)

    clean = validate(data)
    area = neighbourhood_for(clean["geom"])
    _within(ambassador, area.id if area else None)
    initiative = create_initiative(ambassador, data)
    initiative.on_behalf_of = name
    initiative.consent_note = consent_note.strip()[:300]
    return initiative


def can_organise(user: User | None, area_id: int | None) -> bool:
    return can("organise_in", area_id, user=user)


def create_meeting(
    organiser: User,
    title: str,
    starts_at: datetime,
    place: str,
    area_id: int | None,
    trajectory: Trajectory | None = None,
    initiative: Initiative | None = None,
) -> Meeting:
    if initiative is not None and area_id is None:
        area_id = initiative.area_id
    if not can_organise(organiser, area_id):
        raise PermissionDenied("ambassadors organise meetings in their own neighbourhoods")
    if starts_at is None:
        raise ValidationFailed({"starts_at": _("Vul een datum en tijd in.")})
    meeting = Meeting(
        title=text_field(title, "title", 3, 120),
        starts_at=starts_at,
        place=text_field(place, "place", 2, 200),
        area_id=area_id,
        trajectory_id=trajectory.id if trajectory else None,
        initiative_id=initiative.id if initiative else None,
        organiser_id=organiser.id,
    )
    db.session.add(meeting)
    db.session.flush()
    return meeting


def register_attendance(
    registrar: User, meeting: Meeting, user: User | None = None, name: str | None = None, count: int = 1
) -> Attendance:
    """An account, a name only, or a head count of people without an account."""
    require(registrar, "organise_in", meeting)
    begin_write(db.session)
    name = (name or "").strip() or None
    if user is None and name is None and count < 1:
        raise ValidationFailed({"count": _("Vul een naam of een aantal in.")})
    if not 1 <= count <= 1000:
        raise ValidationFailed({"count": _("Het aantal moet tussen 1 en 1000 liggen.")})
    if user is not None:
        count = 1
        exists = db.session.scalar(select(Attendance).filter_by(meeting_id=meeting.id, user_id=user.id))
        if exists:
            return exists
    item = Attendance(
        meeting_id=meeting.id,
        user_id=user.id if user else None,
        name=name[:80] if name else None,
        count=count,
        registered_by_id=registrar.id,
    )
    db.session.add(item)
    db.session.flush()
    if user is not None:
        contributed.send(attendance_event(item, meeting))
    return item


def attendance_event(item: Attendance, meeting: Meeting) -> ContributionEvent:
    return ContributionEvent(
        kind=Contribution.ATTENDANCE,
        source_id=item.id,
        person_id=item.user_id,
        created_at=meeting.starts_at,  # counted on the day of the meeting
        meeting_id=meeting.id,
        trajectory_id=meeting.trajectory_id,
        area_id=meeting.area_id,
    )


def attendance_total(meeting: Meeting) -> int:
    return db.session.scalar(select(func.coalesce(func.sum(Attendance.count), 0)).filter_by(meeting_id=meeting.id))
