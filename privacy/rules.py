"""ARCO deadlines (R-A2…R-A4): plain dates in, plain dates out, on a BusinessCalendar."""

from __future__ import annotations

import datetime as dt
from functools import cache

from viaticos.business_days import BusinessCalendar
from viaticos.rules_registry import enforces

# R-A2: the law's deadlines run in Peruvian business days, whatever the duty station of the
# organization and its own closure days (which do not stop the requester's clock).
ARCO_COUNTRY = "PE"

# R-A2: business days, counted from the day after receipt.
DEADLINE_DAYS = {
    "informacion": 8,
    "acceso": 20,
    "rectificacion": 10,
    "cancelacion": 10,
    "oposicion": 10,
    "tratamiento_objetivo": 10,
    "portabilidad": 10,
}
ACCESS_DELIVERY_DAYS = 10  # R-A2: data delivered within 10 more days after granting access
OBSERVATION_WINDOW_DAYS = 5  # R-A4: the officer observes within 5 business days of receipt
CORRECTION_DAYS = 5  # R-A4: the requester has 5 business days to fix
DUE_SOON_DAYS = 3  # the queue highlights what is due within 3 business days


@enforces("R-A2")
@cache
def arco_calendar() -> BusinessCalendar:
    """The calendar of every ARCO deadline: Peru's weekends and national holidays."""
    return BusinessCalendar(ARCO_COUNTRY)


@enforces("R-A2")
def due_date(cal: BusinessCalendar, right: str, counts_from: dt.date) -> dt.date:
    """R-A2: the deadline of a right, counted from the day after `counts_from`."""
    return cal.add_business_days(counts_from, DEADLINE_DAYS[right])


@enforces("R-A3")
def extended_due_date(cal: BusinessCalendar, right: str, current_due: dt.date) -> dt.date:
    """R-A3: one extension of the same length, added to the original deadline."""
    return cal.add_business_days(current_due, DEADLINE_DAYS[right])


@enforces("R-A3")
def can_extend(right: str) -> bool:
    """R-A3: información cannot be extended."""
    return right != "informacion"


@enforces("R-A4")
def observation_deadline(cal: BusinessCalendar, received_on: dt.date) -> dt.date:
    """R-A4: the last day the officer may send observations."""
    return cal.add_business_days(received_on, OBSERVATION_WINDOW_DAYS)


@enforces("R-A4")
def correction_deadline(cal: BusinessCalendar, observed_on: dt.date) -> dt.date:
    """R-A4: the requester's last day to fix the request."""
    return cal.add_business_days(observed_on, CORRECTION_DAYS)


@enforces("R-A7")
def due_soon_until(cal: BusinessCalendar, today: dt.date) -> dt.date:
    """R-A7: the last due date that is "soon" on `today`: at most DUE_SOON_DAYS business days
    away (the day before the next business day after those)."""
    return cal.add_business_days(today, DUE_SOON_DAYS + 1) - dt.timedelta(days=1)


@enforces("R-A7")
def urgency(cal: BusinessCalendar, due: dt.date, today: dt.date) -> str:
    """R-A7: "late", "soon" (within DUE_SOON_DAYS business days) or "ok"."""
    if today > due:
        return "late"
    if due <= due_soon_until(cal, today):
        return "soon"
    return "ok"
