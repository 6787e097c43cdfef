"""Selectors for per-diem rates (R-3.8): the table in force on a date, per destination."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from missions.models import Destination, Rate
from missions.perdiem import DailyRate


def rate_in_force(*, destination: Destination, on: dt.date) -> Rate | None:
    """The table rate for `destination` valid on `on`; a later table never changes a past trip."""
    return (
        Rate.objects.select_related("table", "destination")
        .filter(destination=destination, table__valid_from__lte=on)
        .filter(Q(table__valid_to__isnull=True) | Q(table__valid_to__gte=on))
        .order_by("-table__valid_from")
        .first()
    )


def daily_rate_for(*, destination: Destination, on: dt.date) -> DailyRate | None:
    """The DailyRate the engine needs, or None when the destination needs a quote (R-3.8b)."""
    rate = rate_in_force(destination=destination, on=on)
    return rate.as_daily_rate() if rate else None
