"""Business-day calendar of the duty station (R-3.3, R-A2).

Business days exclude Saturdays, Sundays, the national holidays of the duty-station country
(from the `holidays` package) and the closure days the organization adds in the admin.
`BusinessCalendar` is pure (no database); `duty_calendar()` builds it from settings and the
organization's closure days, so that a sweep over thousands of rows loads the calendar once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import cached_property

import holidays
from django.conf import settings


class BusinessCalendar:
    def __init__(self, country: str, closure_days: Iterable[dt.date] = ()):
        self.country = country
        self.closure_days = frozenset(closure_days)
        # The calendar never changes once built: a sweep or a dashboard over thousands of rows
        # asks the same few hundred (start, end) questions, so the answers are kept.
        self._added: dict[tuple[dt.date, int], dt.date] = {}
        self._between: dict[tuple[dt.date, dt.date], int] = {}

    @cached_property
    def _holidays(self) -> holidays.HolidayBase:
        # Years are filled in lazily by the holidays package as dates are looked up.
        return holidays.country_holidays(self.country)

    def is_business_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and day not in self._holidays and day not in self.closure_days

    def holiday_name(self, day: dt.date) -> str | None:
        return self._holidays.get(day)

    def add_business_days(self, start: dt.date, days: int) -> dt.date:
        """The `days`-th business day after `start`, counting from the next day (days >= 1)."""
        if days < 1:
            raise ValueError("days must be at least 1")
        known = self._added.get((start, days))
        if known is not None:
            return known
        current, remaining = start, days
        while remaining:
            current += dt.timedelta(days=1)
            if self.is_business_day(current):
                remaining -= 1
        self._added[(start, days)] = current
        return current

    def business_days_between(self, start: dt.date, end: dt.date) -> int:
        """Business days in (start, end]; negative when end is before start."""
        if end < start:
            return -self.business_days_between(end, start)
        known = self._between.get((start, end))
        if known is not None:
            return known
        count, current = 0, start
        while current < end:
            current += dt.timedelta(days=1)
            if self.is_business_day(current):
                count += 1
        self._between[(start, end)] = count
        return count


def duty_calendar() -> BusinessCalendar:
    """The duty-station calendar with the organization's closure days (one query)."""
    from viaticos.models import ClosureDay

    return BusinessCalendar(
        settings.VIATICOS_DUTY_COUNTRY, ClosureDay.objects.values_list("date", flat=True)
    )


def add_business_days(start: dt.date, days: int) -> dt.date:
    return duty_calendar().add_business_days(start, days)
