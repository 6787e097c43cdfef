"""API of deadlines and sanctions (thin DRF over deadlines.selectors and deadlines.sanctions)."""

from __future__ import annotations

from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from deadlines import rules, sanctions
from deadlines import selectors as dashboard
from deadlines.filters import SanctionFilter
from deadlines.models import Sanction
from missions.models import Advance, Mission
from missions.selectors import mission_get_for_user
from settlements import ledger, returns
from settlements.models import ReturnRecord
from viaticos.api import date_in_range
from viaticos.business_days import duty_calendar


class LedgerOut(serializers.Serializer):
    """The advance's ledger (settlements.ledger): every movement from payment to zero."""

    disbursed = serializers.DecimalField(max_digits=14, decimal_places=2)
    recovered_by_deduction = serializers.DecimalField(
        source="recovered", max_digits=14, decimal_places=2
    )
    returned = serializers.DecimalField(max_digits=14, decimal_places=2)
    reimbursed = serializers.DecimalField(max_digits=14, decimal_places=2)
    viaticos_recognized = serializers.DecimalField(
        source="recognized", max_digits=14, decimal_places=2, allow_null=True
    )
    terminal_accepted = serializers.DecimalField(
        source="accepted", max_digits=14, decimal_places=2, allow_null=True
    )


class DeadlineOut(serializers.Serializer):
    advance = serializers.CharField(source="advance.code")
    mission = serializers.CharField(source="advance.mission.code")
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text="What the traveler owes now (≥ 0)."
    )
    owed = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        help_text="The ledger position: positive, the traveler owes it; negative, the "
        "organization reimburses it; zero, settled.",
    )
    state = serializers.ChoiceField(choices=ledger.State.choices)
    ledger = LedgerOut(source="movements")
    return_date = serializers.DateField()
    due_date = serializers.DateField(allow_null=True)
    business_days_left = serializers.IntegerField(source="days_left")
    requirement = serializers.CharField(source="requirement.code", default=None, allow_null=True)
    deduction_order = serializers.CharField(source="order.code", default=None, allow_null=True)
    next_step = serializers.CharField()


class SanctionOut(serializers.ModelSerializer):
    code = serializers.CharField()
    person = serializers.CharField(source="person.get_username")
    mission = serializers.CharField(source="mission.code", default=None, allow_null=True)
    advance = serializers.CharField(source="advance.code", default=None, allow_null=True)

    class Meta:
        model = Sanction
        fields = [
            "id",
            "code",
            "kind",
            "rule",
            "state",
            "person",
            "mission",
            "advance",
            "entity_name",
            "amount",
            "suspension_days",
            "legal_action",
            "reason",
            "proposed_on",
            "applied_on",
            "lifted_on",
            "lift_reason",
            "answer",
            "answered_at",
            "decision_note",
            "dismissed_on",
        ]


class SanctionIn(serializers.Serializer):
    kind = serializers.CharField(
        help_text="no_show (R-3.17), altered_documents (R-8c), undue_per_diem (R-8a), "
        "member_institution_block or co_executing_block (R-3.13)"
    )
    mission = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)
    reason = serializers.CharField()


class ReturnRecordIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReturnRecord.Kind.choices)
    at = serializers.DateTimeField(help_text="Back at the duty station (actual, or extended to).")
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ReturnRecordOut(serializers.ModelSerializer):
    mission = serializers.CharField(source="mission.code")

    class Meta:
        model = ReturnRecord
        fields = ["id", "mission", "kind", "at", "reason", "recorded_on"]


class RecordReturnView(APIView):
    """SPEC §4 "When the clock starts": the traveler or the Project Coordinator records the
    actual return; the Project Coordinator or the Executive Secretary an authorized extension.
    The settlement deadline counts from it (R-3.3)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=ReturnRecordIn, responses={201: ReturnRecordOut})
    def post(self, request, pk):
        mission = mission_get_for_user(request.user, pk)
        data = ReturnRecordIn(data=request.data)
        data.is_valid(raise_exception=True)
        record = returns.mission_record_return(
            actor=request.user, mission=mission, today=timezone.localdate(), **data.validated_data
        )
        return Response(ReturnRecordOut(record).data, status=status.HTTP_201_CREATED)


class LiftIn(serializers.Serializer):
    reason = serializers.CharField()


class MyDeadlinesView(GenericAPIView):
    """R-3.3: the signed-in traveler's advances the ledger still follows (paid and not yet
    accounted for, or settled with a balance either way), what each owes, by when and the
    next step, a page at a time like every API list."""

    permission_classes = [IsAuthenticated]
    serializer_class = DeadlineOut
    filter_backends: list[type] = []  # no filters: a page of the traveler's own

    @extend_schema(responses=DeadlineOut(many=True))
    def get(self, request):
        today = timezone.localdate()
        advances = dashboard.traveler_deadline_advances(request.user, today=today)
        page = self.paginate_queryset(advances)
        rows = dashboard.deadline_rows(page, today=today, calendar=duty_calendar())
        return self.get_paginated_response(DeadlineOut(rows, many=True).data)


class SanctionListView(GenericAPIView):
    """Sanctions: one's own, or all of them for the General Accountant and the Auditor, with
    the filters of the sanctions page (issue 20); the latest 500 that match."""

    permission_classes = [IsAuthenticated]
    serializer_class = SanctionOut
    queryset = Sanction.objects.none()  # for the schema; get_queryset applies access
    filterset_class = SanctionFilter
    pagination_class = None

    def get_queryset(self):
        return dashboard.sanctions_visible_to(self.request.user).order_by("-proposed_on", "-pk")

    @extend_schema(responses=SanctionOut(many=True))
    def get(self, request):
        qs = self.filter_queryset(self.get_queryset())[:500]
        return Response(SanctionOut(qs, many=True).data)

    @extend_schema(request=SanctionIn, responses={201: SanctionOut})
    def post(self, request):
        """Propose a sanction (R-3.13, R-3.17, R-8a, R-8c) on the traveler of a mission."""
        if not dashboard.can_decide(request.user):
            raise exceptions.PermissionDenied()
        data = SanctionIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        mission = Mission.objects.select_related("traveler").filter(pk=values["mission"]).first()
        if mission is None:
            raise exceptions.NotFound(_("There is no such mission."))
        advance = (
            mission.advances.exclude(
                status__in=[Advance.Status.REJECTED, Advance.Status.CANCELLED]
            ).first()
            if values["kind"] in Sanction.LATE_SETTLEMENT_KINDS
            else None
        )
        sanction = sanctions.sanction_propose(
            actor=request.user,
            kind=values["kind"],
            person=mission.traveler,
            mission=mission,
            advance=advance,
            amount=values.get("amount"),
            reason=values["reason"],
            today=timezone.localdate(),
        )
        return Response(SanctionOut(sanction).data, status=status.HTTP_201_CREATED)


class ApplyIn(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    amount = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text="A payroll deduction: the amount of this order (default: all that is owed).",
    )


class SanctionApplyView(APIView):
    """The General Accountant applies a proposal, the traveler's answer on record (R-A1)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=ApplyIn, responses=SanctionOut)
    def post(self, request, pk):
        sanction = dashboard.sanction_get_for_user(request.user, pk)
        data = ApplyIn(data=request.data)
        data.is_valid(raise_exception=True)
        sanction = sanctions.sanction_apply(
            actor=request.user,
            sanction=sanction,
            today=timezone.localdate(),
            note=data.validated_data["note"],
            amount=data.validated_data.get("amount"),
        )
        return Response(SanctionOut(sanction).data)


class SanctionLiftView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=LiftIn, responses=SanctionOut)
    def post(self, request, pk):
        sanction = dashboard.sanction_get_for_user(request.user, pk)
        data = LiftIn(data=request.data)
        data.is_valid(raise_exception=True)
        sanction = sanctions.sanction_lift(
            actor=request.user,
            sanction=sanction,
            reason=data.validated_data["reason"],
            today=timezone.localdate(),
        )
        return Response(SanctionOut(sanction).data)


class SettlementDueDateQuery(serializers.Serializer):
    return_date = serializers.DateField(validators=[date_in_range])


class SettlementDueDateView(APIView):
    """R-3.3: the settlement due date for a mission that returned on `return_date`."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("return_date", str, required=True, description="YYYY-MM-DD")],
        responses=inline_serializer(
            "SettlementDueDateResult",
            {"return_date": serializers.DateField(), "due_date": serializers.DateField()},
        ),
    )
    def get(self, request):
        query = SettlementDueDateQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        return_date = query.validated_data["return_date"]
        due = rules.settlement_due_date(duty_calendar(), return_date)
        return Response({"return_date": return_date, "due_date": due})


urlpatterns = [
    path("deadlines/mine/", MyDeadlinesView.as_view(), name="deadlines-mine"),
    path(
        "deadlines/missions/<int:pk>/return/",
        RecordReturnView.as_view(),
        name="deadlines-record-return",
    ),
    path("sanctions/", SanctionListView.as_view(), name="sanction-list"),
    path("sanctions/<int:pk>/apply/", SanctionApplyView.as_view(), name="sanction-apply"),
    path("sanctions/<int:pk>/lift/", SanctionLiftView.as_view(), name="sanction-lift"),
]
