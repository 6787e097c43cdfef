"""The journal for accounting systems (SPEC §2.5): `GET /api/v1/journal/?period=YYYY-MM` and
its trial balance. Read by accounting, the Finance Director and the Auditor; nothing writes
through the API (a reversal is the General Accountant's, on the journal page)."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from books import selectors
from books.serializers import JournalOutput, TrialBalanceOutput

PERIOD = OpenApiParameter("period", str, description="YYYY-MM; the current month if absent.")


def _period(request):
    if not selectors.reads_books(request.user):
        raise PermissionDenied
    return selectors.parse_period(request.query_params.get("period"), today=timezone.localdate())


class JournalView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="journal", parameters=[PERIOD], responses=JournalOutput)
    def get(self, request):
        """The entries dated in the period, each balanced, with its lines and document."""
        start, end = _period(request)
        entries = list(selectors.journal(start, end))
        lines = [line for entry in entries for line in entry.lines.all()]
        data = {
            "period": f"{start:%Y-%m}",
            "start": start,
            "end": end,
            "debit": sum((line.debit for line in lines), Decimal("0.00")),
            "credit": sum((line.credit for line in lines), Decimal("0.00")),
            "entries": entries,
        }
        return Response(JournalOutput(data).data)


class TrialBalanceView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="journal_trial_balance", parameters=[PERIOD], responses=TrialBalanceOutput
    )
    def get(self, request):
        """Debits, credits and balance of each account over the period."""
        start, end = _period(request)
        rows = selectors.trial_balance(start, end)
        return Response(TrialBalanceOutput({"period": f"{start:%Y-%m}", "rows": rows}).data)
