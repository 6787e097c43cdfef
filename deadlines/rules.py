"""The deadline rules as plain calculations (SPEC §4): the settlement due date (R-3.3), the
reminders, the documentation requirement's issue date (R-3.4), the payroll deduction's grace
(R-8b) and the age buckets of the dashboard. No model and no query: dates and a business-day
calendar in, dates and numbers out; deadlines.enforcement, the ledger and the pages build on it.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from viaticos.business_days import BusinessCalendar
from viaticos.rules_registry import enforces

SETTLEMENT_DEADLINE_BUSINESS_DAYS = 5
REMINDER_SOON_BUSINESS_DAYS = 2
REQUIREMENT_ISSUE_BUSINESS_DAYS = 3

# Outstanding advances by age in business days late (dashboard): (key, lowest, highest).
AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("due", -10_000, 0),
    ("1-5", 1, 5),
    ("6-15", 6, 15),
    ("16-30", 16, 30),
    ("30+", 31, None),
)


def local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


@enforces("R-3.3")
def settlement_due_date(calendar: BusinessCalendar, return_date: dt.date) -> dt.date:
    """R-3.3: a settlement is due 5 business days after the return date, counted from the next
    day. The one implementation: the daily job, the ledger, the pages and the API ask it."""
    return calendar.add_business_days(return_date, SETTLEMENT_DEADLINE_BUSINESS_DAYS)


def deadline_counted_from(return_date: dt.date, disbursed_on: dt.date | None) -> dt.date:
    """The day an advance's 5 business days count from: the return date, or the payment date
    when the advance was paid after the return (R-5). The due date grows with this day, so
    the dashboard sorts and buckets advances by it in SQL (deadlines.selectors)."""
    return max(return_date, disbursed_on) if disbursed_on else return_date


@enforces("R-3.3", "R-5")
def advance_due_date(
    calendar: BusinessCalendar, *, return_date: dt.date, disbursed_on: dt.date | None
) -> dt.date:
    """R-3.3: the settlement of an advance is due 5 business days after the return. An advance
    paid later (an emergency advance, R-5, paid after the return) gets the same 5 business
    days from its payment date: the later of the two due dates, never overdue on the day it
    is paid. The job, the dashboard, "Mis plazos" and the API all ask this function."""
    return settlement_due_date(calendar, deadline_counted_from(return_date, disbursed_on))


def business_days_left(calendar: BusinessCalendar, due: dt.date, today: dt.date) -> int:
    """Business days from `today` to `due`: 0 on the due date, negative when late (−1 on the
    first business day after it)."""
    return calendar.business_days_between(today, due)


class Countdown:
    """A row with `days_left` business days to its due date (negative when late), as the
    deadline pages show it."""

    days_left: int

    @property
    def late(self) -> bool:
        return self.days_left < 0

    @property
    def days_late(self) -> int:
        return max(0, -self.days_left)


def business_days_left_many(
    calendar: BusinessCalendar, dues: set[dt.date], today: dt.date
) -> dict[dt.date, int]:
    """business_days_left for many due dates in one walk over the calendar."""
    if not dues:
        return {}
    start = min(min(dues), today)
    counts, count, day = {start: 0}, 0, start
    while day < max(max(dues), today):
        day += dt.timedelta(days=1)
        count += calendar.is_business_day(day)
        counts[day] = count
    return {due: counts[due] - counts[today] for due in dues}


def reminder_kind(days_left: int) -> str | None:
    """R-3.3: remind two business days (or one) before the due date, and on the day itself."""
    if days_left == 0:
        return "due_today"  # DeadlineReminder.Kind.DUE_TODAY
    if 0 < days_left <= REMINDER_SOON_BUSINESS_DAYS:
        return "soon"  # DeadlineReminder.Kind.SOON
    return None


@enforces("R-3.4")
def requirement_issue_by(calendar: BusinessCalendar, due: dt.date) -> dt.date:
    """R-3.4: the requirement is issued within 3 business days after the due date."""
    return calendar.add_business_days(due, REQUIREMENT_ISSUE_BUSINESS_DAYS)


@enforces("R-8b")
def deduction_grace_end(calendar: BusinessCalendar, issued_on: dt.date, grace: int) -> dt.date:
    """R-8b (interpretation): the last day of grace after the requirement; the deduction
    order is created on the first business day after it."""
    return calendar.add_business_days(issued_on, grace)


def age_bucket(days_late: int) -> str:
    for key, low, high in AGE_BUCKETS:
        if days_late >= low and (high is None or days_late <= high):
            return key
    return AGE_BUCKETS[-1][0]
