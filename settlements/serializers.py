"""Thin input and output serializers of the settlements API."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from settlements.models import Document, Receipt, Settlement
from settlements.rules import Category, ReceiptType
from viaticos.api import DateTimeInRange, date_in_range


class StartIn(serializers.Serializer):
    mission = serializers.IntegerField()


class TimesIn(serializers.Serializer):
    actual_departure_at = DateTimeInRange()
    actual_return_at = DateTimeInRange()


class DocumentIn(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[Document.Kind.PROOF_OF_TRAVEL, Document.Kind.MISSION_REPORT]
    )
    file = serializers.FileField()


class ReceiptIn(serializers.Serializer):
    file = serializers.FileField()
    call_detail = serializers.FileField(required=False)
    receipt_type = serializers.ChoiceField(choices=ReceiptType.choices)
    category = serializers.ChoiceField(choices=Category.choices)
    issuer_name = serializers.CharField(max_length=200)
    issuer_tax_id = serializers.CharField(
        max_length=30, required=False, allow_blank=True, default=""
    )
    number = serializers.CharField(max_length=40)
    customer_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    customer_tax_id = serializers.CharField(max_length=30, required=False, allow_blank=True)
    date = serializers.DateField(validators=[date_in_range])
    currency = serializers.CharField(max_length=3)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    outside_dates_reason = serializers.CharField(max_length=300, required=False, allow_blank=True)
    exception_reason = serializers.CharField(max_length=300, required=False, allow_blank=True)


class ReceiptReadIn(serializers.Serializer):
    file = serializers.FileField()


class ReceiptReadOut(serializers.Serializer):
    """SPEC §7: what the SUNAT QR of a receipt says; nulls when `found` is false."""

    found = serializers.BooleanField()
    issuer_tax_id = serializers.CharField(allow_null=True)
    issuer_tax_id_valid = serializers.BooleanField(allow_null=True)
    document_type = serializers.ChoiceField(choices=["01", "03", "07", "08"], allow_null=True)
    series = serializers.CharField(allow_null=True)
    number = serializers.CharField(allow_null=True)
    igv = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    total = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    date = serializers.DateField(allow_null=True)
    buyer_document_type = serializers.CharField(allow_null=True)
    buyer_document_number = serializers.CharField(allow_null=True)
    buyer_is_organization = serializers.BooleanField(allow_null=True)


class ReviewIn(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Receipt.Decision.choices)
    accepted_usd = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)


class PerDiemLineIn(serializers.Serializer):
    date = serializers.DateField()
    concept = serializers.ChoiceField(choices=["lodging", "meals"])
    decision = serializers.ChoiceField(choices=["accepted", "cut"])
    accepted_usd = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)


class PerDiemLineOut(serializers.Serializer):
    """R-7i: a per-diem line planned beside actual, and what counts after the review."""

    date = serializers.DateField()
    concept = serializers.CharField()
    planned = serializers.DecimalField(max_digits=14, decimal_places=2)
    actual = serializers.DecimalField(max_digits=14, decimal_places=2)
    accepted = serializers.DecimalField(max_digits=14, decimal_places=2)
    cut_reason = serializers.CharField()


class ReasonIn(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class CommentIn(serializers.Serializer):
    comment = serializers.CharField(max_length=300, required=False, allow_blank=True)


class BalanceIn(serializers.Serializer):
    on = serializers.DateField(validators=[date_in_range])
    reference = serializers.CharField(max_length=80, required=False, allow_blank=True)


class FindingOut(serializers.Serializer):
    code = serializers.CharField()
    rule = serializers.CharField()
    severity = serializers.CharField()
    message = serializers.CharField()


class DocumentOut(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    stamped_url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = ["id", "kind", "original_name", "content_type", "sha256", "url", "stamped_url"]

    def get_url(self, obj) -> str:
        from django.urls import reverse

        return reverse("settlements:document", args=[obj.pk])

    def get_stamped_url(self, obj) -> str | None:
        from django.urls import reverse

        if not obj.stamped_file:
            return None
        return reverse("settlements:document", args=[obj.pk]) + "?stamped=1"


class LineOut(serializers.Serializer):
    id = serializers.IntegerField(source="receipt.pk")
    receipt_type = serializers.CharField(source="receipt.receipt_type")
    category = serializers.CharField(source="receipt.category")
    issuer_name = serializers.CharField(source="receipt.issuer_name")
    issuer_tax_id = serializers.CharField(source="receipt.issuer_tax_id")
    number = serializers.CharField(source="receipt.number")
    date = serializers.DateField(source="receipt.date")
    currency = serializers.CharField(source="receipt.currency")
    amount = serializers.DecimalField(source="receipt.amount", max_digits=14, decimal_places=2)
    amount_usd = serializers.DecimalField(
        source="receipt.amount_usd",
        max_digits=14,
        decimal_places=2,
        allow_null=True,
        help_text="Null while the official rate of the receipt's date is pending (R-3.10).",
    )
    rate_pending = serializers.BooleanField(source="receipt.rate_pending")
    fx_rate = serializers.DecimalField(
        source="receipt.fx_rate",
        max_digits=18,
        decimal_places=6,
        allow_null=True,
        help_text="Units of the currency per US dollar used for amount_usd (1 for USD).",
    )
    fx_rate_date = serializers.DateField(
        source="receipt.fx_rate_date",
        allow_null=True,
        help_text="Date of the official rate used (null for USD or while pending).",
    )
    fx_source = serializers.CharField(source="receipt.fx_source")
    checked_usd = serializers.DecimalField(
        source="verdict.accepted_usd", max_digits=14, decimal_places=2
    )
    accepted_usd = serializers.DecimalField(max_digits=14, decimal_places=2)
    decision = serializers.CharField(source="receipt.decision")
    decision_reason = serializers.CharField(source="receipt.decision_reason")
    findings = FindingOut(source="verdict.findings", many=True)
    documents = DocumentOut(many=True)


class BalanceOut(serializers.Serializer):
    advance = serializers.DecimalField(max_digits=14, decimal_places=2)
    viaticos_recognized = serializers.DecimalField(max_digits=14, decimal_places=2)
    terminal_accepted = serializers.DecimalField(max_digits=14, decimal_places=2)
    recovered_by_deduction = serializers.DecimalField(
        source="recovered", max_digits=14, decimal_places=2
    )
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    direction = serializers.CharField()
    reimbursement_due = serializers.DateField(allow_null=True)


class SettlementOut(serializers.ModelSerializer):
    code = serializers.CharField()
    mission_code = serializers.CharField(source="mission.code")
    traveler = serializers.CharField(source="mission.traveler.get_username")

    class Meta:
        model = Settlement
        fields = [
            "id",
            "code",
            "mission",
            "mission_code",
            "traveler",
            "status",
            "status_reason",
            "actual_departure_at",
            "actual_return_at",
            "advance_amount",
            "viaticos_recognized",
            "terminal_accepted",
            "balance",
            "reimbursement_due",
            "perdiem",
        ]


class DraftOut(serializers.Serializer):
    """An uploaded receipt the traveler has not confirmed yet (counts in no balance)."""

    id = serializers.IntegerField(source="pk")
    receipt_type = serializers.CharField()
    category = serializers.CharField()
    issuer_name = serializers.CharField()
    issuer_tax_id = serializers.CharField()
    number = serializers.CharField()
    date = serializers.DateField(allow_null=True)
    currency = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    customer_tax_id = serializers.CharField()
    read_fields = serializers.ListField(
        child=serializers.CharField(),
        help_text="Fields pre-filled from the receipt's SUNAT QR code, still as read.",
    )


class StampingOut(serializers.Serializer):
    """R-3.7 on the worker: the stamping run of the last reception."""

    state = serializers.CharField(
        source="stamping", help_text='"" (not received), "running", "done" or "failed".'
    )
    done = serializers.IntegerField(source="stamping_done")
    total = serializers.IntegerField(source="stamping_total")
    error = serializers.CharField(source="stamping_error")


class SettlementDetailOut(SettlementOut):
    lines = LineOut(many=True, source="summary.lines")
    live_balance = BalanceOut(source="summary.balance")
    owed_now = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        help_text="What the ledger says is owed now (settlements.ledger): positive, the "
        "traveler owes it; negative, the organization reimburses it; zero, settled.",
    )
    documents = serializers.SerializerMethodField()
    drafts = serializers.SerializerMethodField(
        help_text="Receipts uploaded and read, waiting for the traveler to confirm them."
    )
    stamping = StampingOut(source="*")

    class Meta(SettlementOut.Meta):
        fields = [
            *SettlementOut.Meta.fields,
            "lines",
            "live_balance",
            "owed_now",
            "documents",
            "drafts",
            "stamping",
        ]

    @extend_schema_field(DraftOut(many=True))
    def get_drafts(self, obj) -> list[dict]:
        drafts = obj.receipts.filter(draft=True).order_by("pk")
        # many=True: a ReturnList (djangorestframework-stubs type every .data as a ReturnDict)
        return DraftOut(drafts, many=True).data  # type: ignore[return-value]

    def get_documents(self, obj) -> list[dict]:
        docs = [d for d in obj.documents.all() if d.receipt_id is None]
        # many=True: a ReturnList, as above
        return DocumentOut(docs, many=True).data  # type: ignore[return-value]
