"""Bounds on what a person may type, shared by the API and the HTML forms."""

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Dates outside this range are typing mistakes (and year 9999 overflows time-zone arithmetic).
FIRST_DATE, LAST_DATE = dt.date(2000, 1, 1), dt.date(2099, 12, 31)
# Free-text fields: purpose, expected results, reasons, comments.
TEXT_MAX = 2000


def out_of_range_message() -> str:
    return _("Enter a date between %(first)s and %(last)s.") % {
        "first": FIRST_DATE.year,
        "last": LAST_DATE.year,
    }


def validate_date_in_range(value: dt.date) -> None:
    """Django validator for form date/datetime fields."""
    day = value.date() if isinstance(value, dt.datetime) else value
    if not FIRST_DATE <= day <= LAST_DATE:
        raise ValidationError(out_of_range_message(), code="date_out_of_range")


class BoundedDateField(forms.DateField):
    default_validators = [validate_date_in_range]


class BoundedDateTimeField(forms.DateTimeField):
    default_validators = [validate_date_in_range]

    def to_python(self, value: Any) -> dt.datetime | None:
        try:
            return super().to_python(value)
        except OverflowError:  # 9999-12-31 23:00 local overflows the conversion to UTC
            raise ValidationError(out_of_range_message(), code="date_out_of_range") from None
