"""Shared pieces of the periodic management commands."""

import datetime as dt

from django.core.management.base import CommandError
from django.utils import timezone


def run_date(value: str | None) -> dt.date:
    """The day a periodic job evaluates: `--date YYYY-MM-DD`, or today at the duty station."""
    if not value:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Invalid --date {value!r}: use YYYY-MM-DD, e.g. 2026-03-16.") from None
