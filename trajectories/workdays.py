"""Working-day arithmetic for the municipality's response norm (weekends skipped;
public holidays are not modelled yet)."""

from __future__ import annotations

from datetime import datetime, timedelta


def add_working_days(start: datetime, days: int) -> datetime:
    """The moment ``days`` working days after ``start`` (same time of day)."""
    current = start
    while current.weekday() >= 5:  # a question on Saturday starts counting on Monday
        current = (current + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    added = 0
    while added < days:
        current += timedelta(days=1)
        if current.weekday() < 5:
            added += 1
    return current


def working_hours_between(start: datetime, end: datetime) -> float:
    """Elapsed time in hours, not counting Saturdays and Sundays."""
    if end <= start:
        return 0.0
    total = timedelta()
    cursor = start
    while cursor < end:
        next_midnight = (cursor + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        chunk_end = min(next_midnight, end)
        if cursor.weekday() < 5:
            total += chunk_end - cursor
        cursor = chunk_end
    return total.total_seconds() / 3600


def working_days_between(start: datetime, end: datetime) -> float:
    return working_hours_between(start, end) / 24
