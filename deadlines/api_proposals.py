"""API of proposed sanctions (R-A1): the traveler answers; the General Accountant dismisses
(applying is deadlines.api.SanctionApplyView). Thin DRF over deadlines.proposals."""

from __future__ import annotations

from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from deadlines import deduction_orders, proposals
from deadlines import selectors as dashboard
from deadlines.api import SanctionOut
from deadlines.models import PayrollDeductionOrder


class AnswerIn(serializers.Serializer):
    answer = serializers.CharField(max_length=proposals.ANSWER_MAX_LENGTH)


class DismissIn(serializers.Serializer):
    reason = serializers.CharField()


class SanctionAnswerView(APIView):
    """The person a sanction is proposed on answers it; the answer is on record when the
    General Accountant decides (tratamiento objetivo, R-A1)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=AnswerIn, responses=SanctionOut)
    def post(self, request, pk):
        sanction = dashboard.sanction_get_for_user(request.user, pk)
        data = AnswerIn(data=request.data)
        data.is_valid(raise_exception=True)
        sanction = proposals.sanction_answer(
            actor=request.user, sanction=sanction, text=data.validated_data["answer"]
        )
        return Response(SanctionOut(sanction).data)


class SanctionDismissView(APIView):
    """The General Accountant dismisses a proposal with a reason (R-A1)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=DismissIn, responses=SanctionOut)
    def post(self, request, pk):
        sanction = dashboard.sanction_get_for_user(request.user, pk)
        data = DismissIn(data=request.data)
        data.is_valid(raise_exception=True)
        sanction = proposals.sanction_dismiss(
            actor=request.user,
            sanction=sanction,
            reason=data.validated_data["reason"],
            today=timezone.localdate(),
        )
        return Response(SanctionOut(sanction).data)


class NextOrderIn(serializers.Serializer):
    amount = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text="The amount of this order (default: all that is still owed).",
    )


class DeductionOrderOut(serializers.ModelSerializer):
    code = serializers.CharField()
    advance = serializers.CharField(source="advance.code")

    class Meta:
        model = PayrollDeductionOrder
        fields = ["id", "code", "advance", "amount", "state", "issued_on", "exported_at"]


class SanctionOrdersView(APIView):
    """R-8b: the deduction orders of a payroll deduction (GET), and the next one (POST, the
    General Accountant, once every earlier order reached payroll)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=DeductionOrderOut(many=True))
    def get(self, request, pk):
        sanction = dashboard.sanction_get_for_user(request.user, pk)
        orders = PayrollDeductionOrder.objects.filter(sanction=sanction).select_related("advance")
        return Response(DeductionOrderOut(orders.order_by("pk"), many=True).data)

    @extend_schema(request=NextOrderIn, responses={201: DeductionOrderOut})
    def post(self, request, pk):
        sanction = dashboard.sanction_get_for_user(request.user, pk)
        data = NextOrderIn(data=request.data)
        data.is_valid(raise_exception=True)
        order = deduction_orders.deduction_order_next(
            actor=request.user,
            sanction=sanction,
            amount=data.validated_data.get("amount"),
            today=timezone.localdate(),
        )
        return Response(DeductionOrderOut(order).data, status=201)


urlpatterns = [
    path("sanctions/<int:pk>/answer/", SanctionAnswerView.as_view(), name="sanction-answer"),
    path("sanctions/<int:pk>/dismiss/", SanctionDismissView.as_view(), name="sanction-dismiss"),
    path("sanctions/<int:pk>/orders/", SanctionOrdersView.as_view(), name="sanction-orders"),
]
