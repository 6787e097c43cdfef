"""The one place the privacy pages read today's date (tests replace it)."""

import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    return timezone.localdate()
