"""API plumbing shared by every app: the error shape and the calendar endpoints (SPEC §7)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from viaticos.business_days import duty_calendar
from viaticos.errors import DomainError, error_catalogue
from viaticos.limits import FIRST_DATE, LAST_DATE, out_of_range_message

MAX_BUSINESS_DAYS = 366
# Business dates outside this range are typing errors (year 0, 9999) and would overflow the
# calendar arithmetic; every date or datetime the API reads is checked against it.


def _out_of_range() -> serializers.ValidationError:
    return serializers.ValidationError(out_of_range_message(), code="date_out_of_range")


def date_in_range(value: dt.date) -> None:
    """Validator for serializer DateField inputs (DateTimeInRange for datetimes)."""
    day = value.date() if isinstance(value, dt.datetime) else value
    if not FIRST_DATE <= day <= LAST_DATE:
        raise _out_of_range()


class DateTimeInRange(serializers.DateTimeField):
    """A DateTimeField limited to FIRST_DATE..LAST_DATE; DRF's time-zone conversion overflows
    on 9999-12-31 late in the day, which would otherwise be a 500."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["validators"] = [*kwargs.get("validators", []), date_in_range]
        super().__init__(**kwargs)

    def to_internal_value(self, value: dt.datetime | str) -> dt.datetime:
        try:
            return super().to_internal_value(value)
        except OverflowError:
            raise _out_of_range() from None


def _first_message(detail: object) -> str:
    if isinstance(detail, dict):
        for key, value in detail.items():
            message = _first_message(value)
            return message if key == "non_field_errors" else f"{key}: {message}"
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    return str(detail)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every error answers `{"code": "...", "detail": "<message in the user's language>"}`.

    Validation errors also carry `errors` with the per-field messages.
    """
    if isinstance(exc, DomainError):
        body: dict[str, object] = {"code": exc.code, "detail": exc.message}
        if exc.field:
            body["errors"] = {exc.field: [exc.message]}
        return Response(body, status=exc.status)
    if isinstance(exc, exceptions.ParseError):
        # DRF's parse messages are in English and quote parser internals.
        exc = exceptions.ParseError(_("The request body is malformed and cannot be read."))
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


class AddBusinessDaysQuery(serializers.Serializer[object]):
    start = serializers.DateField(validators=[date_in_range])
    days = serializers.IntegerField(min_value=1, max_value=MAX_BUSINESS_DAYS)


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
    def get(self, request: Request) -> Response:
        query = AddBusinessDaysQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        start, days = query.validated_data["start"], query.validated_data["days"]
        result = duty_calendar().add_business_days(start, days)
        return Response({"start": start, "days": days, "result": result})


ERROR_SCHEMA = {
    "type": "object",
    "description": "Every error of the API (see `exception_handler`).",
    "properties": {
        "code": {"type": "string", "description": "Stable, machine-readable."},
        "detail": {"type": "string", "description": "Message in the user's language."},
        "errors": {
            "type": "object",
            "additionalProperties": {},
            "description": "Validation errors: the messages per field.",
        },
    },
    "required": ["code", "detail"],
}
_ERROR_STATUSES = {
    "400": "Invalid input, or a business rule refused the action.",
    "401": "Not signed in: send `Authorization: Token <key>` or a session cookie.",
    "403": "Signed in, but this role or person may not do this.",
    "404": "No such object, or not visible to this user.",
    "415": "The request body is not in one of the documented media types.",
    "429": "Too many requests from this address; try again later.",
}


def postprocess_error_responses(
    result: dict[str, Any], generator: object, request: object, public: bool
) -> dict[str, Any]:
    """Document the error answers every operation can give, in the shape of `exception_handler`.

    401/403 where authentication is required, 429 on the rate-limited public endpoints, 400
    wherever input is read or an action is taken, 415 where a body is read, 404 everywhere
    (unknown id or page).
    """
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = {
        **ERROR_SCHEMA,
        # The `code` values each app declares (viaticos.errors.register_error_codes).
        "x-error-codes": error_catalogue(),
    }
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            public_operation = operation.get("security") == [{}]
            wanted = {"404"}
            wanted |= {"429"} if public_operation else {"401", "403"}
            if method != "get" or operation.get("parameters"):
                wanted.add("400")
            if "requestBody" in operation:
                wanted.add("415")
            responses = operation.setdefault("responses", {})
            for code in sorted(wanted):
                responses.setdefault(code, {"description": _ERROR_STATUSES[code], "content": error})
    return result
