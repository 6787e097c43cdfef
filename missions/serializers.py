"""Thin DRF serializers: separate input (validated, passed to services) and output shapes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from missions.models import Advance, Destination, Mission, MissionLeg
from missions.perdiem import MEAL_TIMES

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise
from viaticos.api import DateTimeInRange, date_in_range
from viaticos.models import Project
from viaticos.money import round_money

AMOUNT_ERRORS: dict[str, str | StrPromise] = {
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


class LocalDateTimeField(DateTimeInRange):
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
    exponent = value.as_tuple().exponent  # an int: shares and factors are finite
    if isinstance(exponent, int) and exponent > -2:
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


class LegInput(serializers.Serializer):
    destination = serializers.SlugRelatedField(slug_field="code", queryset=Destination.objects)
    arrive_at = DateTimeInRange()
    leave_at = DateTimeInRange()


class MissionInput(serializers.Serializer):
    project = serializers.SlugRelatedField(
        slug_field="code", queryset=Project.objects.filter(is_active=True)
    )
    kind = serializers.ChoiceField(choices=Mission.Kind.choices)
    purpose = serializers.CharField(max_length=2000)
    expected_results = serializers.CharField(max_length=2000)
    budget_line = serializers.CharField(
        max_length=60,
        help_text="SPEC §2.5: the code of one of the project's donor-approved budget lines "
        "(GET /api/v1/budget-lines/?project=CODE); 400 unknown_budget_line otherwise.",
    )
    departure_at = DateTimeInRange(help_text="Departure from the duty station.")
    return_at = DateTimeInRange(help_text="Return to the duty station.")
    legs = LegInput(many=True, allow_empty=False)
    meals_covered = serializers.DictField(
        child=serializers.ListField(child=serializers.ChoiceField(choices=MEAL_TIMES)),
        required=False,
        help_text='Events only: {"2026-03-03": ["lunch"]}.',
    )
    all_meals_covered = serializers.BooleanField(required=False, default=False)
    sponsor_daily_amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, min_value=Decimal("0")
    )

    def validate_meals_covered(self, value):
        return PerDiemQuoteInput.validate_meals_covered(self, value)


class InvitationInput(serializers.Serializer):
    file = serializers.FileField()


class SubmitInput(serializers.Serializer):
    overlap_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text="Why the mission overlaps another one of the traveler (needed only then).",
    )


class CommentInput(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField()


class StopInput(serializers.Serializer):
    reason = serializers.CharField()
    amount_spent = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        required=False,
        default=Decimal("0"),
        min_value=Decimal("0"),
        help_text="R-4: part of a disbursed advance already spent (then a settlement is due).",
    )


class AdvanceRequestInput(serializers.Serializer):
    mission = serializers.IntegerField()
    terminal_estimate = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal("0")
    )


class DisburseInput(serializers.Serializer):
    disbursed_on = serializers.DateField(validators=[date_in_range])
    method = serializers.ChoiceField(choices=Advance.Method.choices)
    reference = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")


class ReturnInput(serializers.Serializer):
    returned_on = serializers.DateField(validators=[date_in_range])
    reference = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")


class LegOutput(serializers.ModelSerializer):
    destination = serializers.CharField(source="destination.code")
    destination_name = serializers.CharField(source="destination.display_name")

    class Meta:
        model = MissionLeg
        fields = ["order", "destination", "destination_name", "arrive_at", "leave_at"]


class AdvanceSummary(serializers.ModelSerializer):
    class Meta:
        model = Advance
        fields = ["id", "code", "status", "amount", "priority"]


class MissionOutput(serializers.ModelSerializer):
    traveler = serializers.CharField(source="traveler.get_username")
    project = serializers.CharField(source="project.code")
    legs = LegOutput(many=True)
    advances = AdvanceSummary(many=True)
    coordinator_authorized_by = serializers.CharField(
        source="coordinator_authorized_by.get_username", default=None, allow_null=True
    )
    secretary_authorized_by = serializers.CharField(
        source="secretary_authorized_by.get_username", default=None, allow_null=True
    )
    coordinator_authorized_for = serializers.CharField(
        source="coordinator_authorized_for.get_username",
        default=None,
        allow_null=True,
        help_text="R-3.1d: set when a delegate authorized on this person's behalf.",
    )
    secretary_authorized_for = serializers.CharField(
        source="secretary_authorized_for.get_username",
        default=None,
        allow_null=True,
        help_text="R-3.1d: set when a delegate authorized on this person's behalf.",
    )
    has_invitation = serializers.SerializerMethodField()

    class Meta:
        model = Mission
        fields = [
            "id",
            "code",
            "status",
            "kind",
            "traveler",
            "project",
            "budget_line",
            "budget_committed",
            "budget_spent",
            "purpose",
            "expected_results",
            "departure_at",
            "return_at",
            "legs",
            "meals_covered",
            "all_meals_covered",
            "sponsor_daily_amount",
            "planned_total",
            "planned_perdiem",
            "coordinator_authorized_by",
            "coordinator_authorized_for",
            "coordinator_authorized_at",
            "secretary_authorized_by",
            "secretary_authorized_for",
            "secretary_authorized_at",
            "submitted_at",
            "overlap_reason",
            "emergency_qualified",
            "status_reason",
            "has_invitation",
            "advances",
        ]

    def get_has_invitation(self, obj) -> bool:
        return bool(obj.invitation_file)


class AdvanceOutput(serializers.ModelSerializer):
    mission = serializers.IntegerField(source="mission_id")
    mission_code = serializers.CharField(source="mission.code")
    traveler = serializers.CharField(source="mission.traveler.get_username")
    coordinator_approved_by = serializers.CharField(
        source="coordinator_approved_by.get_username", default=None, allow_null=True
    )
    finance_approved_by = serializers.CharField(
        source="finance_approved_by.get_username", default=None, allow_null=True
    )
    coordinator_approved_for = serializers.CharField(
        source="coordinator_approved_for.get_username",
        default=None,
        allow_null=True,
        help_text="R-3.1d: set when a delegate approved on this person's behalf.",
    )
    finance_approved_for = serializers.CharField(
        source="finance_approved_for.get_username",
        default=None,
        allow_null=True,
        help_text="R-3.1d: set when a delegate approved on this person's behalf.",
    )
    disbursed_by = serializers.CharField(
        source="disbursed_by.get_username", default=None, allow_null=True
    )

    class Meta:
        model = Advance
        fields = [
            "id",
            "code",
            "mission",
            "mission_code",
            "traveler",
            "status",
            "priority",
            "perdiem_amount",
            "terminal_estimate",
            "amount",
            "requested_at",
            "coordinator_approved_by",
            "coordinator_approved_for",
            "coordinator_approved_at",
            "finance_approved_by",
            "finance_approved_for",
            "finance_approved_at",
            "signed_at",
            "disbursed_by",
            "disbursed_at",
            "disbursed_on",
            "method",
            "reference",
            "return_due_amount",
            "settlement_required",
            "returned_on",
            "settled_at",
            "status_reason",
        ]


class BudgetLineOutput(serializers.Serializer):
    """SPEC §2.5: a donor-approved budget line; its figures for those who read budgets."""

    id = serializers.IntegerField()
    project = serializers.CharField(source="project.code")
    code = serializers.CharField()
    description = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    approved = serializers.DecimalField(source="amount", max_digits=14, decimal_places=2)
    committed = serializers.SerializerMethodField()
    spent = serializers.SerializerMethodField()
    available = serializers.SerializerMethodField()

    def _figure(self, obj, name) -> str | None:
        if not self.context.get("figures"):
            return None
        from missions.budget_selectors import figures_of

        return f"{getattr(figures_of(obj), name):.2f}"

    def get_committed(self, obj) -> str | None:
        return self._figure(obj, "committed")

    def get_spent(self, obj) -> str | None:
        return self._figure(obj, "spent")

    def get_available(self, obj) -> str | None:
        return self._figure(obj, "available")
