"""Missions and advances API: every business action is an explicit POST endpoint.

Objects are fetched through the access helpers (404 when not visible); services enforce who may
decide and in which state; DomainError answers 400 {"code", "detail"}.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from missions import budget_selectors, selectors, services
from missions import serializers as s
from missions.filters import AdvanceFilter, MissionFilter
from missions.models import Advance, BudgetLine, Mission
from missions.rates import AdHocQuote, per_diem_estimate
from missions.rules import LegInput as Leg
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


def _legs(data) -> list[Leg]:
    return [Leg(leg["destination"], leg["arrive_at"], leg["leave_at"]) for leg in data]


def _mission_fields(data) -> dict:
    return {
        "project": data["project"],
        "kind": data["kind"],
        "purpose": data["purpose"],
        "expected_results": data["expected_results"],
        "budget_line": data["budget_line"],
        "departure_at": data["departure_at"],
        "return_at": data["return_at"],
        "meals_covered": data.get("meals_covered") or {},
        "all_meals_covered": data.get("all_meals_covered", False),
        "sponsor_daily_amount": data.get("sponsor_daily_amount"),
    }


def _valid(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class MissionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Missions visible to the user: their own, their projects' (coordinators), or all
    (deciding, paying and auditing roles)."""

    serializer_class = s.MissionOutput
    queryset = Mission.objects.none()  # for the schema; get_queryset applies access
    filterset_class = MissionFilter
    lookup_value_regex = "[0-9]+"  # anything else is a 404, not a ValueError in the lookup

    def get_queryset(self):
        return selectors.missions_visible_to(self.request.user)

    def get_object(self):
        return selectors.mission_get_for_user(self.request.user, self.kwargs["pk"])

    def _out(self, mission, code=status.HTTP_200_OK):
        mission = selectors.mission_get_for_user(self.request.user, mission.pk)
        return Response(s.MissionOutput(mission).data, status=code)

    @extend_schema(request=s.MissionInput, responses={201: s.MissionOutput})
    def create(self, request):
        """Create a draft mission; the planned per diem is computed and stored."""
        data = _valid(s.MissionInput, request)
        mission = services.mission_create(
            actor=request.user, legs=_legs(data["legs"]), **_mission_fields(data)
        )
        return self._out(mission, status.HTTP_201_CREATED)

    @extend_schema(request=s.MissionInput, responses=s.MissionOutput)
    def update(self, request, pk=None):
        """Edit a draft or rejected mission (the requester only)."""
        data = _valid(s.MissionInput, request)
        mission = services.mission_update(
            actor=request.user,
            mission=self.get_object(),
            legs=_legs(data["legs"]),
            **_mission_fields(data),
        )
        return self._out(mission)

    @extend_schema(request={"multipart/form-data": s.InvitationInput}, responses=s.MissionOutput)
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def invitation(self, request, pk=None):
        """Attach the invitation letter (PDF/JPEG/PNG) — R-3.11c."""
        mission = self.get_object()
        serializer = s.InvitationInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        mission = services.mission_attach_invitation(
            actor=request.user, mission=mission, upload=serializer.validated_data["file"]
        )
        return self._out(mission)

    @extend_schema(request=s.SubmitInput, responses=s.MissionOutput)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit for authorization by the Project Coordinator and the Executive Secretary.
        Dates overlapping another mission of the traveler need `overlap_reason`
        (`overlapping_mission`)."""
        data = _valid(s.SubmitInput, request)
        return self._out(
            services.mission_submit(
                actor=request.user,
                mission=self.get_object(),
                overlap_reason=data["overlap_reason"],
            )
        )

    @extend_schema(request=s.CommentInput, responses=s.MissionOutput)
    @action(detail=True, methods=["post"])
    def authorize(self, request, pk=None):
        """Authorize as Project Coordinator or Executive Secretary (both are needed; R-5)."""
        data = _valid(s.CommentInput, request)
        return self._out(
            services.mission_authorize(
                actor=request.user, mission=self.get_object(), comment=data["comment"]
            )
        )

    @extend_schema(request=s.ReasonInput, responses=s.MissionOutput)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject: back to the traveler with the reason."""
        data = _valid(s.ReasonInput, request)
        return self._out(
            services.mission_reject(
                actor=request.user, mission=self.get_object(), reason=data["reason"]
            )
        )

    @extend_schema(request=None, responses=s.MissionOutput)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        """Start an authorized mission (R-2e); an emergency needs no advance (R-5)."""
        return self._out(services.mission_start(actor=request.user, mission=self.get_object()))

    @extend_schema(request=s.CommentInput, responses=s.MissionOutput)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def mark_returned(self, request, pk=None):
        """The traveler is back at the duty station."""
        data = _valid(s.CommentInput, request)
        return self._out(
            services.mission_mark_returned(
                actor=request.user, mission=self.get_object(), comment=data["comment"]
            )
        )

    @extend_schema(request=s.StopInput, responses=s.MissionOutput)
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        """Suspend (R-4): a disbursed advance becomes a debt, or a settlement if spent."""
        data = _valid(s.StopInput, request)
        return self._out(
            services.mission_suspend(
                actor=request.user,
                mission=self.get_object(),
                reason=data["reason"],
                amount_spent=data["amount_spent"],
            )
        )

    @extend_schema(request=s.StopInput, responses=s.MissionOutput)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel before the trip (R-4)."""
        data = _valid(s.StopInput, request)
        return self._out(
            services.mission_cancel(
                actor=request.user,
                mission=self.get_object(),
                reason=data["reason"],
                amount_spent=data["amount_spent"],
            )
        )


class AdvanceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Advances visible to the user (the same visibility as their missions)."""

    serializer_class = s.AdvanceOutput
    queryset = Advance.objects.none()
    filterset_class = AdvanceFilter
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return selectors.advances_visible_to(self.request.user)

    def get_object(self):
        return selectors.advance_get_for_user(self.request.user, self.kwargs["pk"])

    def _out(self, advance, code=status.HTTP_200_OK):
        advance = selectors.advance_get_for_user(self.request.user, advance.pk)
        return Response(s.AdvanceOutput(advance).data, status=code)

    @extend_schema(request=s.AdvanceRequestInput, responses={201: s.AdvanceOutput})
    def create(self, request):
        """Request the advance of a mission (R-3.11: eligibility; R-7b: emergency exception)."""
        data = _valid(s.AdvanceRequestInput, request)
        mission = selectors.mission_get_for_user(request.user, data["mission"])
        advance = services.advance_request(
            actor=request.user, mission=mission, terminal_estimate=data["terminal_estimate"]
        )
        return self._out(advance, status.HTTP_201_CREATED)

    @extend_schema(request=s.CommentInput, responses=s.AdvanceOutput)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve as Project Coordinator or Finance Director (both are needed)."""
        data = _valid(s.CommentInput, request)
        return self._out(
            services.advance_approve(
                actor=request.user, advance=self.get_object(), comment=data["comment"]
            )
        )

    @extend_schema(request=s.ReasonInput, responses=s.AdvanceOutput)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        data = _valid(s.ReasonInput, request)
        return self._out(
            services.advance_reject(
                actor=request.user, advance=self.get_object(), reason=data["reason"]
            )
        )

    @extend_schema(request=None, responses=s.AdvanceOutput)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        """The requester signs the approved advance (R-3.1)."""
        return self._out(services.advance_sign(actor=request.user, advance=self.get_object()))

    @extend_schema(request=s.DisburseInput, responses=s.AdvanceOutput)
    @action(detail=True, methods=["post"])
    def disburse(self, request, pk=None):
        """Treasury pays a signed advance (once, even on a double click)."""
        data = _valid(s.DisburseInput, request)
        return self._out(
            services.advance_disburse(actor=request.user, advance=self.get_object(), **data)
        )

    @extend_schema(request=s.ReturnInput, responses=s.AdvanceOutput)
    @action(detail=True, methods=["post"], url_path="record-return", url_name="record-return")
    def record_return(self, request, pk=None):
        """Treasury records the money returned for a stopped mission (R-4)."""
        data = _valid(s.ReturnInput, request)
        return self._out(
            services.advance_record_return(actor=request.user, advance=self.get_object(), **data)
        )


class BudgetLineViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """SPEC §2.5: the lines a mission can be charged to (`?project=CODE` for one project).
    Committed, spent and available are given to those who read budgets (null otherwise)."""

    serializer_class = s.BudgetLineOutput
    queryset = BudgetLine.objects.none()

    def get_queryset(self):
        qs = budget_selectors.with_figures(budget_selectors.lines_for_choice())
        if project := self.request.query_params.get("project"):
            qs = qs.filter(project__code=project)
        return qs

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["figures"] = budget_selectors.reads_budgets(self.request.user)
        return context
