"""SPEC §7: the public ARCO endpoints."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import Throttled
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from privacy import clock, ratelimit, selectors, services
from privacy.models import Channel
from privacy.serializers import ArcoFiledOut, ArcoRequestIn, ArcoStatusOut


class RateLimited(Throttled):
    default_code = "rate_limited"


def _limit(request, scope: str) -> None:
    if ratelimit.hit(request, scope):
        raise RateLimited(detail=ratelimit.message(scope))


class ArcoRequestCreateView(APIView):
    """R-A1: file an ARCO request (public, no account, multipart)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=ArcoRequestIn, responses={201: ArcoFiledOut})
    def post(self, request):
        _limit(request, "file")
        body = ArcoRequestIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        files = {
            k: data.pop(k) for k in ("document_file", "power_of_attorney_file", "supporting_file")
        }
        filed = services.arco_request_file(
            filing=services.ArcoFiling(**data),
            today=clock.today(),
            channel=Channel.API,
            ip_address=ratelimit.client_address(request),
            **files,
        )
        return Response(ArcoFiledOut(filed).data, status=status.HTTP_201_CREATED)


class ArcoRequestStatusView(APIView):
    """R-A1: status and dates by tracking code; an unknown code is a plain 404."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(responses={200: ArcoStatusOut})
    def get(self, request, tracking_code: str):
        _limit(request, "lookup")
        return Response(ArcoStatusOut(selectors.arco_request_by_code(tracking_code)).data)
