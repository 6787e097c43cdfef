"""Thin DRF serializers: separate input (validated, passed to services) and output shapes."""

from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from missions.models import Advance, Destination, Mission, MissionLeg
from missions.perdiem import MEAL_TIMES
from viaticos.models import Project


class LegInput(serializers.Serializer):
    destination = serializers.SlugRelatedField(slug_field="code", queryset=Destination.objects)
    arrive_at = serializers.DateTimeField()
    leave_at = serializers.DateTimeField()


class MissionInput(serializers.Serializer):
    project = serializers.SlugRelatedField(
        slug_field="code", queryset=Project.objects.filter(is_active=True)
    )
    kind = serializers.ChoiceField(choices=Mission.Kind.choices)
    purpose = serializers.CharField()
    expected_results = serializers.CharField()
    budget_line = serializers.CharField(max_length=60)
    departure_at = serializers.DateTimeField(help_text="Departure from the duty station.")
    return_at = serializers.DateTimeField(help_text="Return to the duty station.")
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
        import datetime as dt

        try:
            return {dt.date.fromisoformat(day): meals for day, meals in value.items()}
        except ValueError as exc:
            raise serializers.ValidationError("YYYY-MM-DD") from exc


class InvitationInput(serializers.Serializer):
    file = serializers.FileField()


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
    disbursed_on = serializers.DateField()
    method = serializers.ChoiceField(choices=Advance.Method.choices)
    reference = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")


class ReturnInput(serializers.Serializer):
    returned_on = serializers.DateField()
    reference = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")


class LegOutput(serializers.ModelSerializer):
    destination = serializers.CharField(source="destination.code")
    destination_name = serializers.CharField(source="destination.name")

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
        source="coordinator_authorized_by.get_username", default=None
    )
    secretary_authorized_by = serializers.CharField(
        source="secretary_authorized_by.get_username", default=None
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
            "coordinator_authorized_at",
            "secretary_authorized_by",
            "secretary_authorized_at",
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
        source="coordinator_approved_by.get_username", default=None
    )
    finance_approved_by = serializers.CharField(
        source="finance_approved_by.get_username", default=None
    )
    disbursed_by = serializers.CharField(source="disbursed_by.get_username", default=None)

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
            "coordinator_approved_at",
            "finance_approved_by",
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
