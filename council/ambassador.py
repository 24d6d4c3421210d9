"""The ambassador's page: what happens in their buurten, and who took part for the first time
(read from the council's facts, so it is cheap and exact)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from ambassadors.models import Meeting
from ambassadors.services import ambassador_area_ids, attendance_total
from initiatives.models import Initiative
from initiatives.search import Filters, apply_filters
from maps.models import Area
from participation.models import Comment
from platform_core.contributions import Contribution
from platform_core.extensions import db
from platform_core.models import User, utcnow
from platform_core.policy import requires

from . import bp
from .models import ContributionFact, PersonSummary, day_date, day_number


def newcomers(area_ids: set[int], days: int = 30, now: datetime | None = None, limit: int = 30) -> list[dict]:
    """People whose very first contribution on the platform was in the last ``days`` days and who
    did something public in these buurten (placed an initiative, commented, came to a meeting):
    the people an ambassador welcomes. Read from the council's facts, so it is cheap and exact."""
    if not area_ids:
        return []
    f, first = ContributionFact.__table__, PersonSummary.__table__
    since = day_number((now or utcnow()) - timedelta(days=days))
    public = [Contribution.INITIATIVE, Contribution.COMMENT, Contribution.ATTENDANCE]
    rows = db.session.execute(
        select(f.c.person_id, f.c.kind, f.c.day, f.c.initiative_id, f.c.meeting_id)
        .join(first, first.c.person_id == f.c.person_id)
        .where(first.c.first_day >= since, f.c.area_id.in_(sorted(area_ids)), f.c.kind.in_(public))
        .order_by(f.c.day, f.c.kind)
    ).all()
    seen: dict[int, dict] = {}
    for person_id, kind, day, initiative_id, meeting_id in rows:
        if person_id not in seen and len(seen) < limit:
            seen[person_id] = {
                "person_id": person_id,
                "kind": kind,
                "day": day_date(day),
                "initiative_id": initiative_id,
                "meeting_id": meeting_id,
            }
    if not seen:
        return []
    names = dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(list(seen)))).all())
    titles = dict(
        db.session.execute(
            select(Initiative.id, Initiative.title).where(
                Initiative.id.in_([n["initiative_id"] for n in seen.values() if n["initiative_id"]])
            )
        ).all()
    )
    meetings = dict(
        db.session.execute(
            select(Meeting.id, Meeting.title).where(
                Meeting.id.in_([n["meeting_id"] for n in seen.values() if n["meeting_id"]])
            )
        ).all()
    )
    out = []
    for entry in seen.values():
        entry["name"] = names.get(entry["person_id"], "?")
        entry["what"] = titles.get(entry["initiative_id"]) or meetings.get(entry["meeting_id"]) or ""
        out.append(entry)
    return sorted(out, key=lambda e: e["day"], reverse=True)


NEWCOMER_VERBS = {
    Contribution.INITIATIVE: _l("plaatste"),
    Contribution.COMMENT: _l("reageerde bij"),
    Contribution.ATTENDANCE: _l("kwam naar"),
}


@bp.route("/ambassadeur")
@requires("act_as_ambassador")
def ambassador():
    area_ids = ambassador_area_ids(current_user)
    areas = db.session.scalars(
        select(Area).where(Area.id.in_(area_ids), Area.level == "neighbourhood").order_by(Area.name)
    ).all()
    recent = db.session.scalars(
        apply_filters(select(Initiative), Filters())
        .where(Initiative.area_id.in_(area_ids))
        .order_by(Initiative.last_activity_at.desc())
        .limit(20)
    ).all()
    comments = db.session.scalars(
        select(Comment)
        .join(Initiative)
        .where(Initiative.area_id.in_(area_ids), Comment.status == "published")
        .order_by(Comment.created_at.desc())
        .limit(20)
    ).all()
    meetings = db.session.scalars(
        select(Meeting).where(Meeting.area_id.in_(area_ids)).order_by(Meeting.starts_at.desc()).limit(20)
    ).all()
    return render_template(
        "council/ambassador.html",
        newcomers=newcomers(area_ids),
        kinds=NEWCOMER_VERBS,
        areas=areas,
        recent=recent,
        comments=comments,
        meetings=meetings,
        attendance_total=attendance_total,
    )
