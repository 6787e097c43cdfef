"""Per-diem API (SPEC §7)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from missions.rates import AdHocQuote, per_diem_estimate
from missions.serializers import PerDiemQuoteInput, PerDiemQuoteOutput

ERROR = inline_serializer(
    "PerDiemError",
    {
        "code": serializers.CharField(
            help_text="rate_requires_quote, return_before_departure, unknown_destination, "
            "complement_not_eligible, unknown_meal_time, meal_date_outside_mission, invalid"
        ),
        "detail": serializers.CharField(help_text="Message in the user's language."),
        "errors": serializers.DictField(required=False),
    },
)


class PerDiemQuoteView(APIView):
    """Compute the per diem for one destination, line by line (R-3.9, R-3.14, R-6, R-2c,
    R-3.8b), at the rate in force on the departure date."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="per_diem_quote",
        request=PerDiemQuoteInput,
        responses={200: PerDiemQuoteOutput, 400: OpenApiResponse(ERROR)},
        examples=[
            OpenApiExample(
                "E2 San José",
                request_only=True,
                value={
                    "destination": "CR-SJO",
                    "departure_at": "2026-03-02T18:00",
                    "return_at": "2026-03-04T08:00",
                },
            )
        ],
    )
    def post(self, request):
        data = PerDiemQuoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        quote = v.get("quote")
        result = per_diem_estimate(
            destination_code=v["destination"],
            departure_at=v["departure_at"],
            return_at=v["return_at"],
            meals_covered=v.get("meals_covered") or None,
            all_meals_covered=v["all_meals_covered"],
            sponsor_daily_amount=v.get("sponsor_daily_amount"),
            home_country_no_hotel=v["home_country_no_hotel"],
            quote=AdHocQuote(quote["lodging"], quote["meals"]) if quote else None,
        )
        return Response(PerDiemQuoteOutput(result).data)
