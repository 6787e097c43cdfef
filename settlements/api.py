"""Settlements API (SPEC §7): one explicit endpoint per action; services do the work."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from missions.selectors import mission_get_for_user
from settlements import ledger, selectors, serializers, services
from settlements.filters import SettlementFilter
from settlements.models import Settlement


def detail_response(settlement: Settlement, code=status.HTTP_200_OK) -> Response:
    settlement = selectors.settlement_get_for_user_unchecked(settlement.pk)
    settlement.summary = selectors.settlement_summary(settlement)
    settlement.owed_now = ledger.settlement_owed(settlement, today=timezone.localdate())
    return Response(serializers.SettlementDetailOut(settlement).data, status=code)


def _valid(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class SettlementListView(ListAPIView):
    serializer_class = serializers.SettlementOut
    queryset = Settlement.objects.none()  # for the schema; get_queryset applies access
    filterset_class = SettlementFilter

    def get_queryset(self):
        return selectors.settlements_visible_to(self.request.user)

    @extend_schema(request=serializers.StartIn, responses={201: serializers.SettlementDetailOut})
    def post(self, request):
        """Start the settlement of one of your missions (after the trip)."""
        data = _valid(serializers.StartIn, request)
        mission = mission_get_for_user(request.user, data["mission"])
        settlement = services.settlement_start(actor=request.user, mission=mission)
        return detail_response(settlement, status.HTTP_201_CREATED)


class SettlementDetailView(APIView):
    @extend_schema(responses=serializers.SettlementDetailOut)
    def get(self, request, pk):
        return detail_response(selectors.settlement_get_for_user(request.user, pk))


class _SettlementAction(APIView):
    input = None

    def act(self, request, settlement, data):  # pragma: no cover - overridden
        raise NotImplementedError

    def post(self, request, pk):
        settlement = selectors.settlement_get_for_user(request.user, pk)
        data = _valid(self.input, request) if self.input else {}
        self.act(request, settlement, data)
        return detail_response(settlement)


def _action(name, input_class, act, doc):
    view = type(
        name,
        (_SettlementAction,),
        {"input": input_class, "act": lambda self, request, s, data: act(request, s, data)},
    )

    # A function of each view's own: extend_schema marks the function it is given, and the
    # inherited one is shared by every action (each would show the last action's document).
    def post(self, request, pk):
        return _SettlementAction.post(self, request, pk)

    view.post = extend_schema(
        request=input_class, responses=serializers.SettlementDetailOut, description=doc
    )(post)
    view.__doc__ = doc
    return view


def _today():
    return timezone.localdate()


SettlementTimesView = _action(
    "SettlementTimesView",
    serializers.TimesIn,
    lambda r, s, d: services.settlement_set_times(actor=r.user, settlement=s, **d),
    "Actual departure and return times; the viáticos are recomputed (R-3.9).",
)
SettlementSubmitView = _action(
    "SettlementSubmitView",
    None,
    lambda r, s, d: services.settlement_submit(actor=r.user, settlement=s),
    "Submit to accounting (R-2a).",
)
SettlementReceiveView = _action(
    "SettlementReceiveView",
    None,
    lambda r, s, d: services.settlement_receive(actor=r.user, settlement=s, today=_today()),
    'Receive and stamp every document "Liquidado" (R-3.7). Accounting Assistant.',
)
SettlementStampAgainView = _action(
    "SettlementStampAgainView",
    None,
    lambda r, s, d: services.settlement_stamp_again(actor=r.user, settlement=s, today=_today()),
    "Start again a stamping run that failed (R-3.7). Accounting Assistant. Idempotent: while "
    "the new run stamps, or once it is done, a repeated request starts nothing more.",
)
SettlementFinishReviewView = _action(
    "SettlementFinishReviewView",
    None,
    lambda r, s, d: services.settlement_review_finish(actor=r.user, settlement=s),
    "Finish the line-by-line review. General Accountant.",
)
SettlementReturnView = _action(
    "SettlementReturnView",
    serializers.ReasonIn,
    lambda r, s, d: services.settlement_return(actor=r.user, settlement=s, **d),
    "Return to the traveler for corrections, with the reason.",
)
SettlementSettleView = _action(
    "SettlementSettleView",
    None,
    lambda r, s, d: services.settlement_settle(actor=r.user, settlement=s, today=_today()),
    "Accept as correct and fix the balance (R-3.3). General Accountant.",
)
SettlementRecordBalanceView = _action(
    "SettlementRecordBalanceView",
    serializers.BalanceIn,
    lambda r, s, d: services.settlement_record_balance(actor=r.user, settlement=s, **d),
    "Record the balance returned or paid; closes the settlement and the mission (R-3.3).",
)


class SettlementDocumentView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=serializers.DocumentIn, responses=serializers.SettlementDetailOut)
    def post(self, request, pk):
        """Attach the proof of travel or the mission report (R-2a)."""
        settlement = selectors.settlement_get_for_user(request.user, pk)
        data = _valid(serializers.DocumentIn, request)
        services.settlement_attach_document(
            actor=request.user, settlement=settlement, kind=data["kind"], upload=data["file"]
        )
        return detail_response(settlement, status.HTTP_201_CREATED)


class SettlementDocumentDetailView(APIView):
    @extend_schema(request=None, responses={204: None})
    def delete(self, request, pk, document_pk):
        """Remove the proof of travel or the mission report while the settlement is editable."""
        document = selectors.document_get_for_user(request.user, document_pk)
        if document.settlement_id != pk:
            raise Http404
        services.document_remove(actor=request.user, document=document)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SettlementReceiptsView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=serializers.ReceiptIn, responses=serializers.SettlementDetailOut)
    def post(self, request, pk):
        """Add a terminal-expense receipt (R-2b, R-3.10, R-7c)."""
        settlement = selectors.settlement_get_for_user(request.user, pk)
        data = dict(_valid(serializers.ReceiptIn, request))
        upload = data.pop("file")
        services.receipt_add(actor=request.user, settlement=settlement, upload=upload, **data)
        return detail_response(settlement, status.HTTP_201_CREATED)


class ReceiptView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        receipt = selectors.receipt_get_for_user(request.user, pk)
        services.receipt_remove(actor=request.user, receipt=receipt)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReceiptReviewView(APIView):
    @extend_schema(request=serializers.ReviewIn, responses=serializers.SettlementDetailOut)
    def post(self, request, pk):
        """Accept, cut or reject a line, with a reason for a cut or a rejection."""
        receipt = selectors.receipt_get_for_user(request.user, pk)
        data = _valid(serializers.ReviewIn, request)
        services.receipt_review(actor=request.user, receipt=receipt, **data)
        return detail_response(receipt.settlement)


class SettlementPerDiemLinesView(APIView):
    @extend_schema(responses=serializers.PerDiemLineOut(many=True))
    def get(self, request, pk):
        """R-7i: the per-diem lines planned beside actual, with the accountant's cuts."""
        settlement = selectors.settlement_get_for_user(request.user, pk)
        rows = selectors.perdiem_review(settlement)
        return Response(serializers.PerDiemLineOut(rows, many=True).data)

    @extend_schema(request=serializers.PerDiemLineIn, responses=serializers.SettlementDetailOut)
    def post(self, request, pk):
        """R-7i: the General Accountant accepts a per-diem line or cuts it, with a reason."""
        settlement = selectors.settlement_get_for_user(request.user, pk)
        data = _valid(serializers.PerDiemLineIn, request)
        services.perdiem_line_review(actor=request.user, settlement=settlement, **data)
        return detail_response(settlement)


class ReceiptExceptionView(APIView):
    @extend_schema(request=serializers.CommentIn, responses=serializers.SettlementDetailOut)
    def post(self, request, pk):
        """Approve a non-eligible expense by exception (R-2h): General Administrator or
        Finance Director."""
        receipt = selectors.receipt_get_for_user(request.user, pk)
        data = _valid(serializers.CommentIn, request)
        services.receipt_exception_approve(actor=request.user, receipt=receipt, **data)
        return detail_response(receipt.settlement)


class ReceiptReadView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=serializers.ReceiptReadIn, responses=serializers.ReceiptReadOut)
    def post(self, request):
        """Read a receipt's SUNAT QR code (SPEC §3, §7): issuer RUC and its check digit, type,
        series, number, IGV, total, date and buyer, and whether the buyer is the organization
        (R-3.12). Saves nothing; a file that is not a PDF, JPEG or PNG document is 400."""
        data = _valid(serializers.ReceiptReadIn, request)
        reading = selectors.receipt_read(data["file"])
        return Response(reading.as_dict())
