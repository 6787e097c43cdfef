"""Settlements (liquidaciones): the traveler accounts for an advance after the trip (SPEC §3).

Statuses change only through settlements.services; checks live in settlements.rules.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from missions.models import Advance, Mission
from settlements.rules import Category, ReceiptType, balance_direction

if TYPE_CHECKING:
    from settlements.selectors import SettlementSummary
from viaticos.models import HistoryNotes


def money_field(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **kwargs)


class Stamping(models.TextChoices):
    RUNNING = "running", _("Stamping")
    DONE = "done", _("Stamped")
    FAILED = "failed", _("Stamping failed")


class Settlement(HistoryNotes, models.Model):
    Stamping = Stamping

    # Not stored: set by settlements.api.detail_response for SettlementDetailOut.
    summary: SettlementSummary
    owed_now: Decimal

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted, waiting to be received")
        RECEIVED = "received", _("Received and stamped")
        REVIEWED = "reviewed", _("Reviewed, waiting to be settled")
        SETTLED = "settled", pgettext_lazy("settlement status", "Settled")
        CLOSED = "closed", _("Closed")
        RETURNED = "returned", _("Returned to the traveler for corrections")

    EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})

    mission = models.OneToOneField(
        Mission, on_delete=models.PROTECT, related_name="settlement", verbose_name=_("mission")
    )
    advance = models.OneToOneField(
        Advance,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="settlement",
        verbose_name=_("advance"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    actual_departure_at = models.DateTimeField(_("actual departure from the duty station"))
    actual_return_at = models.DateTimeField(_("actual return to the duty station"))
    perdiem = models.JSONField(_("per diem recomputed from the actual times"), default=dict)
    viaticos_recognized = money_field(_("viáticos recognized (USD)"), default=0)
    advance_amount = money_field(_("advance (USD)"), default=0)
    terminal_accepted = money_field(_("terminal expenses accepted (USD)"), default=0)
    balance = money_field(_("balance (USD)"), default=0)
    reimbursement_due = models.DateField(_("reimbursement due"), null=True, blank=True)
    balance_settled_on = models.DateField(_("balance returned or paid on"), null=True, blank=True)
    balance_reference = models.CharField(_("payment reference"), max_length=80, blank=True)
    # The ledger (settlements.ledger): what the traveler gave back and what the organization
    # paid after settling, and the deductions counted when the settlement was accepted (R-8b).
    recovered_by_deduction = money_field(_("recovered by payroll deduction (USD)"), default=0)
    balance_returned = money_field(_("returned by the traveler (USD)"), default=0)
    balance_reimbursed = money_field(_("reimbursed to the traveler (USD)"), default=0)
    returned_at = models.DateTimeField(_("last returned for corrections"), null=True, blank=True)
    status_reason = models.TextField(_("reason of the last return"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    settled_on = models.DateField(_("accepted as correct on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # on the worker (settlements.stamp_runs): receiving starts a stamping run; its
    # progress ("sellando n de m") and its failure are shown on the settlement. All or nothing:
    # the stamped copies are linked to the documents only when every one of them is stamped.
    stamping = models.CharField(
        _("stamping"), max_length=8, choices=Stamping.choices, blank=True, default=""
    )
    stamping_run = models.CharField(max_length=32, blank=True)
    stamping_done = models.PositiveIntegerField(default=0)
    stamping_total = models.PositiveIntegerField(default=0)
    stamping_error = models.CharField(max_length=300, blank=True)
    stamp_date = models.DateField(_("stamped on"), null=True, blank=True)
    history = HistoricalRecords(
        excluded_fields=[
            "stamping",
            "stamping_run",
            "stamping_done",
            "stamping_total",
            "stamping_error",
        ]
    )

    class Meta:
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The lists (API, "My settlements"): the latest first.
            models.Index(fields=["-created_at", "-id"], name="settlement_latest"),
            # The accounting inbox: each of its two lists in its order, a page found without
            # sorting every settlement of the status.
            models.Index(
                fields=["submitted_at", "id"],
                condition=Q(status="submitted"),
                name="settlement_to_receive",
            ),
            models.Index(
                fields=["received_at", "id"],
                condition=Q(status__in=["received", "reviewed", "settled"]),
                name="settlement_in_review",
            ),
            # The deadlines dashboard joins every outstanding advance to its settlement for
            # these columns alone: read from the index, not the wide table (PostgreSQL).
            models.Index(
                fields=["advance"],
                include=["status", "balance_returned", "balance_reimbursed"],
                name="settlement_advance_cover",
            ),
        ]
        permissions = [
            ("receive_settlement", _("Can receive and stamp settlements")),
            ("settle_settlement", _("Can review and settle settlements")),
            ("approve_expense_exception", _("Can approve non-eligible expense exceptions")),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        return f"L-{self.pk or 0:05d}"

    @property
    def traveler(self):
        return self.mission.traveler

    @property
    def balance_direction(self):
        """Who pays the stored balance (R-3.3), shown beside `balance_owed`."""
        return balance_direction(self.balance)

    @property
    def balance_owed(self):
        return abs(self.balance)


class Receipt(HistoryNotes, models.Model):
    """A receipt for a terminal expense (R-2b), in its currency and in USD (R-3.10)."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Not reviewed")
        ACCEPTED = "accepted", _("Accepted")
        CUT = "cut", _("Cut")
        REJECTED = "rejected", pgettext_lazy("receipt decision", "Rejected")

    settlement = models.ForeignKey(
        Settlement, on_delete=models.CASCADE, related_name="receipts", verbose_name=_("settlement")
    )
    receipt_type = models.CharField(_("type"), max_length=20, choices=ReceiptType.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    issuer_name = models.CharField(_("issuer"), max_length=200)
    issuer_tax_id = models.CharField(_("issuer tax id"), max_length=30, blank=True)
    number = models.CharField(_("number"), max_length=40)
    customer_name = models.CharField(_("issued to (name)"), max_length=200, blank=True)
    customer_tax_id = models.CharField(_("issued to (tax id)"), max_length=30, blank=True)
    date = models.DateField(_("date"))
    currency = models.CharField(_("currency"), max_length=3)
    amount = money_field(_("amount"))
    # empty while the official rate of `date` is not published yet (*rate pending*);
    # recomputed when a rate for its date arrives or is corrected, frozen once settled.
    amount_usd = money_field(_("amount (USD)"), null=True, blank=True)
    fx_rate = models.DecimalField(
        _("exchange rate (units per USD)"), max_digits=18, decimal_places=6, null=True, blank=True
    )
    fx_rate_date = models.DateField(_("date of the exchange rate"), null=True, blank=True)
    fx_source = models.CharField(_("source of the exchange rate"), max_length=100, blank=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    outside_dates_reason = models.CharField(
        _("reason for a date outside the mission"), max_length=300, blank=True
    )
    # R-7c: normalized issuer tax id + number, unique across every settlement.
    duplicate_key = models.CharField(max_length=80, editable=False)
    exception_reason = models.CharField(
        _("reason for the exception (R-2h)"), max_length=300, blank=True
    )
    exception_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    exception_approver_role = models.CharField(max_length=30, blank=True)
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    # Upload first (SPEC §3 "Reading receipts"): a file stored at once as a draft line, pre-filled
    # from its SUNAT QR or from defaults, counted nowhere until the traveler confirms it.
    draft = models.BooleanField(_("draft, to be confirmed"), default=False)
    # The fields whose value was read from the QR code (and not changed since).
    read_fields = models.JSONField(_("fields read from the QR code"), default=list, blank=True)
    # With a broker the QR code of an uploaded draft is read on the worker (issue 21).
    reading_pending = models.BooleanField(_("QR code being read"), default=False)
    accepted_usd = money_field(_("accepted (USD)"), null=True, blank=True)
    decision_reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["settlement", "date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["duplicate_key"],
                condition=~Q(duplicate_key=""),
                name="receipt_unique_issuer_number",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_receipt_type_display()} {self.number}"

    @property
    def rate_pending(self) -> bool:
        """R-3.10: kept in its currency until the official rate of its date is published."""
        return self.amount_usd is None

    @property
    def fx_note(self) -> str:
        """R-3.10: the rate and its date beside the converted amount ("" for USD)."""
        if self.rate_pending:
            return str(_("Rate pending: converted when the official rate is published."))
        if self.fx_rate is None or self.fx_rate_date is None:
            return ""
        return str(_("at %(rate)s %(currency)s per US$ of %(date)s (%(source)s)")) % {
            "rate": f"{self.fx_rate.normalize():f}",
            "currency": self.currency,
            "date": self.fx_rate_date.strftime("%d/%m/%Y"),
            "source": self.fx_source or "—",
        }


class Document(models.Model):
    """An uploaded file of a settlement, its stamped copy (R-3.7) beside the untouched
    original. Served only through the access-checked download view."""

    class Kind(models.TextChoices):
        PROOF_OF_TRAVEL = "proof_of_travel", _("Proof of travel (R-2a)")
        MISSION_REPORT = "mission_report", _("Mission report (R-2a)")
        RECEIPT = "receipt", _("Receipt")
        CALL_DETAIL = "call_detail", _("Call detail (R-2b)")

    settlement = models.ForeignKey(Settlement, on_delete=models.CASCADE, related_name="documents")
    receipt = models.ForeignKey(
        Receipt, on_delete=models.CASCADE, null=True, blank=True, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file = models.CharField(max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=40)
    sha256 = models.CharField(max_length=64)
    stamped_file = models.CharField(max_length=200, blank=True)
    stamped_content_type = models.CharField(max_length=40, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["settlement", "pk"]
        constraints = [
            # R-7c: the same receipt file cannot be used twice, in any settlement.
            models.UniqueConstraint(
                fields=["sha256"], condition=Q(kind="receipt"), name="document_unique_receipt_file"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"


class SettlementEvent(models.Model):
    """One line of the settlement's timeline: who did what, when, and why."""

    class Action(models.TextChoices):
        CREATED = "created", _("Started")
        TIMES_SET = "times_set", _("Actual times entered")
        DOCUMENT_ADDED = "document_added", _("Document attached")
        RECEIPT_ADDED = "receipt_added", _("Receipt added")
        RECEIPT_REMOVED = "receipt_removed", _("Receipt removed")
        RECEIPT_UPLOADED = "receipt_uploaded", _("Receipt uploaded (draft)")
        RECEIPT_CHANGED = "receipt_changed", _("Receipt changed")
        DOCUMENT_REMOVED = "document_removed", _("Document removed")
        EXCEPTION_APPROVED = "exception_approved", _("Exception approved (R-2h)")
        SUBMITTED = "submitted", _("Submitted")
        RECEIVED = "received", _("Received and stamped (R-3.7)")
        LINE_REVIEWED = "line_reviewed", _("Line reviewed")
        REVIEWED = "reviewed", _("Review finished")
        RETURNED = "returned", _("Returned for corrections")
        SETTLED = "settled", pgettext_lazy("settlement status", "Settled")
        BALANCE_RECORDED = "balance_recorded", _("Balance returned or paid")
        CLOSED = "closed", _("Closed")

    settlement = models.ForeignKey(Settlement, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.settlement} {self.action}"


class ReturnRecord(HistoryNotes, models.Model):
    """SPEC §4 "When the clock starts" (R-3.3, interpretation): the traveler (or the
    coordinator) records the actual return, or an authorized extension of the planned one.
    The latest record of each kind counts; records made after the 5 business days that follow
    the planned return do not move the clock (settlements.ledger.clock)."""

    class Kind(models.TextChoices):
        ACTUAL_RETURN = "actual_return", _("Actual return")
        EXTENSION = "extension", _("Authorized extension")

    mission = models.ForeignKey(
        Mission, on_delete=models.CASCADE, related_name="return_records", verbose_name=_("mission")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    at = models.DateTimeField(_("back at the duty station (actual or extended)"))
    reason = models.TextField(_("reason"), blank=True)
    recorded_on = models.DateField(_("recorded on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("return record")
        verbose_name_plural = _("return records")
        ordering = ["mission", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.mission} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class PerDiemLineDecision(models.Model):
    """R-7i: the General Accountant's cut of one per-diem line of the settlement (a day's
    lodging or meals), with the reason; a line without a decision counts as computed."""

    settlement = models.ForeignKey(
        Settlement, on_delete=models.CASCADE, related_name="perdiem_decisions"
    )
    date = models.DateField(_("date"))
    concept = models.CharField(_("concept"), max_length=20)
    accepted_usd = money_field(_("accepted (USD)"))
    reason = models.CharField(_("reason"), max_length=300)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("per-diem line decision")
        verbose_name_plural = _("per-diem line decisions")
        ordering = ["settlement", "date", "concept"]
        constraints = [
            models.UniqueConstraint(
                fields=["settlement", "date", "concept"], name="perdiem_decision_once_per_line"
            )
        ]

    def __str__(self) -> str:
        return f"{self.settlement} {self.date} {self.concept}: {self.accepted_usd}"


class BuiltDocument(models.Model):
    """A PDF built once and kept in storage (the stamped bundle, the settlement report), with
    the fingerprint of what it was built from: rebuilt only when a stamp or a line changes
    (settlements.built). Served only through the access-checked views."""

    class Kind(models.TextChoices):
        BUNDLE = "bundle", _("Stamped documents")
        REPORT = "report", _("Settlement report")

    settlement = models.ForeignKey(
        Settlement, on_delete=models.CASCADE, related_name="built_documents"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    language = models.CharField(max_length=8)
    file = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)
    built_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("built document")
        verbose_name_plural = _("built documents")
        constraints = [
            models.UniqueConstraint(
                fields=["settlement", "kind", "language"], name="built_document_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.settlement_id} ({self.language})"
