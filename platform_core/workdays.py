"""Working-day arithmetic for the municipality's response norm.

Not working days: Saturdays, Sundays and the generally recognised holidays of the Algemene
termijnenwet (art. 3): New Year's Day, Easter Monday, Ascension Day, Whit Monday, King's Day,
5 May and both Christmas days. The law that extends legal deadlines is the fair measure for the
municipality's own norm too.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache


def easter(year: int) -> date:
    """Easter Sunday in the Gregorian calendar (Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday) // 451
    month, day = divmod(h + weekday - 7 * m + 114, 31)
    return date(year, month, day + 1)


@lru_cache(maxsize=64)
def holidays(year: int) -> frozenset[date]:
    sunday = easter(year)
    kings_day = date(year, 4, 27)
    if kings_day.weekday() == 6:  # on a Sunday King's Day moves to the Saturday before
        kings_day -= timedelta(days=1)
    return frozenset(
        {
            date(year, 1, 1),
            sunday + timedelta(days=1),  # Easter Monday
            sunday + timedelta(days=39),  # Ascension Day
            sunday + timedelta(days=50),  # Whit Monday
            kings_day,
            date(year, 5, 5),
            date(year, 12, 25),
            date(year, 12, 26),
        }
    )


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in holidays(day.year)


def add_working_days(start: datetime, days: int) -> datetime:
    """The moment ``days`` working days after ``start`` (same time of day)."""
    current = start
    while not is_working_day(current.date()):  # a question on Saturday starts counting on Monday
        current = (current + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    added = 0
    while added < days:
        current += timedelta(days=1)
        if is_working_day(current.date()):
            added += 1
    return current


def working_hours_between(start: datetime, end: datetime) -> float:
    """Elapsed time in hours, not counting weekends and holidays."""
    if end <= start:
        return 0.0
    total = timedelta()
    cursor = start
    while cursor < end:
        next_midnight = (cursor + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        chunk_end = min(next_midnight, end)
        if is_working_day(cursor.date()):
            total += chunk_end - cursor
        cursor = chunk_end
    return total.total_seconds() / 3600


def working_days_between(start: datetime, end: datetime) -> float:
    return working_hours_between(start, end) / 24
