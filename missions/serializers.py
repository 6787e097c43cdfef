"""Input and output of the per-diem quote API (SPEC §7). Thin: shapes only, no rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from viaticos.money import round_money

AMOUNT_ERRORS = {
    "invalid": _("Enter an amount such as 50.00."),
    "min_value": _("Amounts cannot be negative."),
    "max_decimal_places": _("Use at most two decimal places."),
    "max_digits": _("The amount is too large."),
    "max_whole_digits": _("The amount is too large."),
}


def amount_field(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        error_messages=AMOUNT_ERRORS,
        **kwargs,
    )


class LocalDateTimeField(serializers.DateTimeField):
    """ISO 8601; without an offset it is the duty station's local time. Returns a naive local
    datetime, the engine's unit."""

    def to_internal_value(self, value):
        aware = super().to_internal_value(value)
        if timezone.is_aware(aware):
            return timezone.localtime(aware).replace(tzinfo=None)
        return aware


class QuoteAmountsSerializer(serializers.Serializer):
    lodging = amount_field(help_text='USD per night, e.g. "120.00".')
    meals = amount_field(help_text='USD per day, e.g. "45.00".')


class PerDiemQuoteInput(serializers.Serializer):
    destination = serializers.CharField(
        max_length=12, help_text="Rate code: GT, SV-SAL, HN-SPS, NI, CR-SJO, PA in the seed table."
    )
    departure_at = LocalDateTimeField(help_text="ISO 8601, local time at the duty station.")
    return_at = LocalDateTimeField(help_text="Arrival back at the duty station, ISO 8601.")
    meals_covered = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField(max_length=20)),
        required=False,
        help_text='Meal times the event covers per day: {"2026-03-03": ["lunch", "dinner"]}.',
    )
    all_meals_covered = serializers.BooleanField(required=False, default=False)
    sponsor_daily_amount = amount_field(
        required=False, allow_null=True, help_text="USD a sponsor pays per day (R-6)."
    )
    home_country_no_hotel = serializers.BooleanField(required=False, default=False)
    quote = QuoteAmountsSerializer(
        required=False,
        allow_null=True,
        help_text="Lodging and meal amounts for a destination without a table rate (R-3.8b).",
    )

    def validate_meals_covered(self, value):
        parsed: dict[dt.date, list[str]] = {}
        for key, meals in value.items():
            try:
                day = dt.date.fromisoformat(key)
                if len(key) != 10:
                    raise ValueError
            except (TypeError, ValueError):
                raise serializers.ValidationError(
                    _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": key}
                ) from None
            parsed[day] = list(meals)
        return parsed


def _money(value: Decimal) -> str:
    return f"{round_money(value):.2f}"


def _ratio(value: Decimal) -> str:
    """A share or factor: at least two places (1.00, 0.50, 0.33), all of its digits (0.6666)."""
    if value.as_tuple().exponent > -2:
        value = value.quantize(Decimal("0.01"))
    return f"{value:f}"


@extend_schema_field({"type": "string", "pattern": r"^-?\d+\.\d{2}$", "example": "120.00"})
class MoneyString(serializers.Field):
    def to_representation(self, value):
        return _money(value)


@extend_schema_field(OpenApiTypes.STR)
class RatioString(serializers.Field):
    def to_representation(self, value):
        return _ratio(value)


class PerDiemLineOutput(serializers.Serializer):
    date = serializers.DateField()
    concept = serializers.ChoiceField(choices=["lodging", "meals", "sponsor"])
    rate = MoneyString(help_text="USD, two places.")
    share = RatioString(help_text="Share of the rate paid (meal times not covered).")
    factor = RatioString(help_text="Day factor (R-3.9).")
    amount = MoneyString(help_text="round_half_up(rate × share × factor, 2); sponsor lines ≤ 0.")
    rule = serializers.CharField()


class PerDiemQuoteOutput(serializers.Serializer):
    currency = serializers.CharField()
    lodging_total = MoneyString()
    meals_total = MoneyString()
    sponsor_total = MoneyString(help_text="≤ 0: what the sponsor pays (R-6).")
    total = MoneyString()
    mission_days = serializers.IntegerField()
    nights = serializers.IntegerField()
    lines = PerDiemLineOutput(many=True)
