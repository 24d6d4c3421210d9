"""What the ambassadors package adds to the pages of the packages below it."""

from __future__ import annotations

from sqlalchemy import select

from platform_core.extensions import db
from trajectories.models import Trajectory

from .models import Meeting
from .services import attendance_total

#: what meetings_of adds to the trajectory page (trajectories.signals.trajectory_page)
TRAJECTORY_MEETINGS = ("meetings", "attendance_total")


def meetings_of(trajectory: Trajectory, **_kw) -> dict:
    meetings = db.session.scalars(
        select(Meeting).where(Meeting.trajectory_id == trajectory.id).order_by(Meeting.starts_at)
    ).all()
    return {"meetings": meetings, "attendance_total": attendance_total}
