"""API of proposed sanctions (R-A1): the traveler answers; the General Accountant dismisses
(applying is api_deadlines.SanctionApplyView). Thin DRF over settlements.sanction_proposals."""

from __future__ import annotations

from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from settlements import dashboard, sanction_proposals
from settlements.api_deadlines import SanctionOut


class AnswerIn(serializers.Serializer):
    answer = serializers.CharField(max_length=sanction_proposals.ANSWER_MAX_LENGTH)


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
        sanction = sanction_proposals.sanction_answer(
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
        sanction = sanction_proposals.sanction_dismiss(
            actor=request.user,
            sanction=sanction,
            reason=data.validated_data["reason"],
            today=timezone.localdate(),
        )
        return Response(SanctionOut(sanction).data)


urlpatterns = [
    path("sanctions/<int:pk>/answer/", SanctionAnswerView.as_view(), name="sanction-answer"),
    path("sanctions/<int:pk>/dismiss/", SanctionDismissView.as_view(), name="sanction-dismiss"),
]
