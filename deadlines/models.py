"""Deadlines and sanctions (SPEC §4, R-3.3, R-3.4, R-3.13, R-8): the reminders, the
documentation requirement, the sanctions ledger and the payroll deduction orders.

These models moved here from `settlements` and kept their tables (`db_table`): the move was a
change of Django's state only (deadlines/migrations/0001, settlements/migrations/0012), no row
was copied.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from missions.models import Advance, Mission, money_field
from viaticos.crypto import EncryptedCharField
from viaticos.models import HistoryNotes


class DeadlineReminder(models.Model):
    """An e-mail reminder of the settlement due date (R-3.3), logged so it is sent once."""

    class Kind(models.TextChoices):
        SOON = "soon", _("Due in two business days or less")
        DUE_TODAY = "due_today", _("Due today")

    advance = models.ForeignKey(
        Advance, on_delete=models.CASCADE, related_name="deadline_reminders"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    due_date = models.DateField(_("due date"))
    sent_on = models.DateField(_("sent on"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "settlements_deadlinereminder"  # the table kept its name when the model moved
        verbose_name = _("deadline reminder")
        verbose_name_plural = _("deadline reminders")
        constraints = [
            models.UniqueConstraint(fields=["advance", "kind"], name="reminder_once_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.advance} {self.kind} {self.sent_on}"


class DocumentationRequirement(models.Model):
    """Requerimiento de Documentación de Viáticos (R-3.4): drafted on the first business day
    after the due date; late when issued after the 3 business days the policy allows."""

    advance = models.OneToOneField(
        Advance,
        on_delete=models.PROTECT,
        related_name="documentation_requirement",
        verbose_name=_("advance"),
    )
    mission = models.ForeignKey(
        Mission, on_delete=models.PROTECT, related_name="+", verbose_name=_("mission")
    )
    traveler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="documentation_requirements",
        verbose_name=_("traveler"),
    )
    return_date = models.DateField(_("return date"))
    due_date = models.DateField(_("settlement due date"))
    issue_by = models.DateField(_("to be issued by"))
    issued_on = models.DateField(_("issued on"))
    issued_late = models.BooleanField(_("issued late"), default=False)
    amount = money_field(_("amount to settle (USD)"))
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    resolved_on = models.DateField(_("settled or returned on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = (
            "settlements_documentationrequirement"  # the table kept its name when the model moved
        )
        verbose_name = _("documentation requirement")
        verbose_name_plural = _("documentation requirements")
        ordering = ["-issued_on", "-pk"]
        indexes = [
            # The dashboard's "issued late" list: the latest first.
            models.Index(
                fields=["-issued_on", "-id"],
                condition=Q(issued_late=True),
                name="requirement_late_latest",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        return f"RD-{self.pk or 0:05d}"


class Sanction(HistoryNotes, models.Model):
    """One sanction of the ledger (R-8, R-3.13, R-3.17). "No new advance while unsettled"
    (R-3.11a) is not stored: it is derived from the advances pending settlement."""

    class Kind(models.TextChoices):
        PAYROLL_DEDUCTION = "payroll_deduction", _("Payroll deduction of the unsettled amount")
        MEMBER_INSTITUTION_BLOCK = (
            "member_institution_block",
            _("No further disbursements to the member-country institution"),
        )
        CO_EXECUTING_BLOCK = (
            "co_executing_block",
            _("No further advances to the co-executing entity"),
        )
        NO_SHOW = "no_show", _("No-show: costs incurred billed to the entity represented")
        ALTERED_DOCUMENTS = (
            "altered_documents",
            _("Altered documents: two days' suspension without pay"),
        )
        UNDUE_PER_DIEM = "undue_per_diem", _("Recovery of an undue full day or fractioned mission")

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPLIED = "applied", _("Applied")
        LIFTED = "lifted", _("Lifted")
        # Tratamiento objetivo (R-A1): the General Accountant decided not to apply a proposal.
        DISMISSED = "dismissed", _("Dismissed")

    RULES: dict[str, str] = {
        Kind.PAYROLL_DEDUCTION: "R-8b",
        Kind.MEMBER_INSTITUTION_BLOCK: "R-3.13",
        Kind.CO_EXECUTING_BLOCK: "R-3.13",
        Kind.NO_SHOW: "R-3.17",
        Kind.ALTERED_DOCUMENTS: "R-8c",
        Kind.UNDUE_PER_DIEM: "R-8a",
    }
    # Sanctions for late settlement: they end when the advance is settled or returned.
    LATE_SETTLEMENT_KINDS = frozenset(
        {Kind.PAYROLL_DEDUCTION, Kind.MEMBER_INSTITUTION_BLOCK, Kind.CO_EXECUTING_BLOCK}
    )
    BLOCK_KINDS = frozenset({Kind.MEMBER_INSTITUTION_BLOCK, Kind.CO_EXECUTING_BLOCK})
    IN_COURSE = frozenset({State.PROPOSED, State.APPLIED})

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    rule = models.CharField(_("rule"), max_length=10)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="sanctions",
        verbose_name=_("person"),
    )
    mission = models.ForeignKey(
        Mission,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mission"),
    )
    advance = models.ForeignKey(
        Advance,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sanctions",
        verbose_name=_("advance"),
    )
    entity_kind = models.CharField(_("entity kind"), max_length=20, blank=True)
    entity_name = models.CharField(_("entity"), max_length=200, blank=True)
    amount = money_field(_("amount (USD)"), null=True, blank=True)
    suspension_days = models.PositiveSmallIntegerField(
        _("days of suspension without pay"), default=0
    )
    legal_action = models.BooleanField(_("flagged for legal action"), default=False)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PROPOSED, db_index=True
    )
    reason = models.TextField(_("grounds"))
    proposed_on = models.DateField(_("proposed on"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    applied_on = models.DateField(_("applied on"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lifted_on = models.DateField(_("lifted on"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lift_reason = models.TextField(_("reason for lifting"), blank=True)
    # Tratamiento objetivo (R-A1, deadlines.proposals): the traveler's answer to a
    # proposal, on record when the General Accountant applies or dismisses it.
    answer = models.TextField(_("the traveler's answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    decision_note = models.TextField(_("the General Accountant's note"), blank=True)
    dismissed_on = models.DateField(_("dismissed on"), null=True, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(table_name="settlements_historicalsanction")

    class Meta:
        db_table = "settlements_sanction"  # the table kept its name when the model moved
        verbose_name = _("sanction")
        verbose_name_plural = _("sanctions")
        ordering = ["-proposed_on", "-pk"]
        permissions = [
            ("apply_sanction", _("Can propose, apply and lift sanctions")),
            ("export_payroll", _("Can export payroll deductions")),
            ("view_deadline_dashboard", _("Can see the deadlines dashboard")),
        ]
        indexes = [
            # The dashboard's "sanctions in course": the latest first.
            models.Index(
                fields=["-proposed_on", "-id"],
                condition=Q(state__in=["proposed", "applied"]),
                name="sanction_in_course_latest",
            ),
        ]
        constraints = [
            # The daily job creates at most one sanction of each late-settlement kind per
            # advance, whatever the number of runs (idempotency).
            models.UniqueConstraint(
                fields=["advance", "kind"],
                condition=Q(
                    kind__in=["payroll_deduction", "member_institution_block", "co_executing_block"]
                ),
                name="sanction_late_settlement_once_per_advance",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.rule}"

    @property
    def code(self) -> str:
        return f"S-{self.pk or 0:05d}"


class PayrollExport(models.Model):
    """A file of deduction orders handed to payroll (R-8b); a re-export needs a reason."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    file_format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    reexport_reason = models.TextField(_("reason for exporting again"), blank=True)
    order_count = models.PositiveIntegerField(_("orders"), default=0)
    total = money_field(_("total (USD)"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "settlements_payrollexport"  # the table kept its name when the model moved
        verbose_name = _("payroll export")
        verbose_name_plural = _("payroll exports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.period_start}–{self.period_end} {self.file_format}"


class PayrollDeductionOrder(models.Model):
    """Orden de descuento por planilla (R-8b): the unsettled amount, for payroll."""

    class State(models.TextChoices):
        # Proposed by the daily job: it reaches payroll only once the General Accountant
        # applies its sanction (tratamiento objetivo, R-A1).
        PROPOSED = "proposed", _("Proposed: awaiting the General Accountant's decision")
        PENDING = "pending", _("To export")
        # R-8b: Accounting received the settlement before the order reached payroll; it
        # restarts if the settlement is returned and not submitted again in time.
        STOPPED = "stopped", _("Stopped: the settlement was received")
        EXPORTED = "exported", _("Exported to payroll")
        CANCELLED = "cancelled", _("Cancelled")

    # Orders that have not reached payroll: a settlement or a lift still cancels them.
    NOT_EXPORTED = (State.PROPOSED, State.PENDING, State.STOPPED)

    # Several orders per advance (R-8b): an applied deduction is recovered over one or more
    # payrolls, each order reconciled by the ledger (deadlines.deduction_orders).
    advance = models.ForeignKey(
        Advance,
        on_delete=models.PROTECT,
        related_name="deduction_orders",
        verbose_name=_("advance"),
    )
    sanction = models.ForeignKey(
        Sanction, on_delete=models.PROTECT, related_name="deduction_orders"
    )
    requirement = models.ForeignKey(
        DocumentationRequirement, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="deduction_orders"
    )
    person_name = models.CharField(_("person"), max_length=200)
    # Encrypted at rest (viaticos.crypto): payroll reads it from the order, nothing searches by it.
    document_number = EncryptedCharField(_("identity document number"), max_length=30, blank=True)
    amount = money_field(_("amount (USD)"))
    concept = models.CharField(_("concept"), max_length=200)
    mission_reference = models.CharField(_("mission reference"), max_length=60)
    issued_on = models.DateField(_("issued on"))
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    first_export = models.ForeignKey(
        PayrollExport, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    exports = models.ManyToManyField(PayrollExport, related_name="orders", blank=True)
    exported_at = models.DateTimeField(_("exported"), null=True, blank=True)
    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True)
    stopped_on = models.DateField(_("stopped on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = (
            "settlements_payrolldeductionorder"  # the table kept its name when the model moved
        )
        verbose_name = _("payroll deduction order")
        verbose_name_plural = _("payroll deduction orders")
        ordering = ["issued_on", "pk"]

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        return f"OD-{self.pk or 0:05d}"
