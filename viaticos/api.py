"""API plumbing shared by every app: the error shape and the calendar endpoints (SPEC §7)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from viaticos.business_days import duty_calendar
from viaticos.errors import DomainError

MAX_BUSINESS_DAYS = 366


def _first_message(detail) -> str:
    if isinstance(detail, dict):
        for key, value in detail.items():
            message = _first_message(value)
            return message if key == "non_field_errors" else f"{key}: {message}"
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    return str(detail)


def exception_handler(exc, context):
    """Every error answers `{"code": "...", "detail": "<message in the user's language>"}`.

    Validation errors also carry `errors` with the per-field messages.
    """
    if isinstance(exc, DomainError):
        body = {"code": exc.code, "detail": exc.message}
        if exc.field:
            body["errors"] = {exc.field: [exc.message]}
        return Response(body, status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "code": "invalid",
            "detail": _first_message(exc.detail),
            "errors": exc.detail,
        }
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        response.data = {
            "code": codes if isinstance(codes, str) else "error",
            "detail": str(exc.detail),
        }
    return response


class AddBusinessDaysQuery(serializers.Serializer):
    start = serializers.DateField()
    days = serializers.IntegerField(min_value=1, max_value=MAX_BUSINESS_DAYS)


class SettlementDueDateQuery(serializers.Serializer):
    return_date = serializers.DateField()


class AddBusinessDaysView(APIView):
    """The N-th business day after `start` on the duty-station calendar."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("start", str, required=True, description="YYYY-MM-DD"),
            OpenApiParameter("days", int, required=True, description="N ≥ 1"),
        ],
        responses=inline_serializer(
            "AddBusinessDaysResult",
            {
                "start": serializers.DateField(),
                "days": serializers.IntegerField(),
                "result": serializers.DateField(),
            },
        ),
    )
    def get(self, request):
        query = AddBusinessDaysQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        start, days = query.validated_data["start"], query.validated_data["days"]
        result = duty_calendar().add_business_days(start, days)
        return Response({"start": start, "days": days, "result": result})


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
        due = duty_calendar().settlement_due_date(return_date)
        return Response({"return_date": return_date, "due_date": due})
