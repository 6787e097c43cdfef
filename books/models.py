"""The books (SPEC §2.5): a chart of accounts, how it maps to the product's money, and the
journal, where every money event is one balanced double-entry entry.

Entries are never edited or deleted: a mistake is corrected by a reversing entry
(books.services.entry_reverse). The guards in save()/delete() are integrity checks, not
business logic: every entry is written by books.services."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

ZERO = Decimal("0.00")


def money_field(verbose_name, **kwargs):
    return models.DecimalField(
        verbose_name,
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(ZERO)],
        **kwargs,
    )


class Account(models.Model):
    """An account of the organization's chart of accounts (Peru: Plan Contable General
    Empresarial codes by default, see books.accounts.DEFAULTS)."""

    class Kind(models.TextChoices):
        ASSET = "asset", _("Asset")
        LIABILITY = "liability", _("Liability")
        EXPENSE = "expense", _("Expense")
        INCOME = "income", _("Income")
        EQUITY = "equity", _("Equity")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("chart of accounts")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Purpose(models.TextChoices):
    """What an account is used for in the product's entries."""

    BANK = "bank", _("Bank (money paid or received)")
    STAFF_ADVANCES = "staff_advances", _("Staff advances to account for")
    PAYROLL = "payroll", _("Payroll payable (deductions)")
    EXPENSE = "expense", _("Travel expense")


class AccountMapping(models.Model):
    """Which account a purpose posts to, by expense category and project. The most specific
    row wins (category and project, then category, then project, then neither); without any
    row the documented default of books.accounts.DEFAULTS applies."""

    purpose = models.CharField(_("used for"), max_length=20, choices=Purpose.choices)
    category = models.CharField(
        _("expense category"),
        max_length=20,
        blank=True,
        help_text=_("“viaticos”, or a terminal-expense category (taxi, phone…); empty: any."),
    )
    project = models.ForeignKey(
        "viaticos.Project",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("project"),
        help_text=_("Empty: every project."),
    )
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="mappings", verbose_name=_("account")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("account mapping")
        verbose_name_plural = _("account mappings")
        ordering = ["purpose", "category", "project__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["purpose", "category", "project"],
                name="accountmapping_unique",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        scope = self.project.code if self.project is not None else "*"
        return f"{self.get_purpose_display()} / {self.category or '*'} / {scope} → {self.account}"


class ImmutableEntry(Exception):
    pass


class JournalEntry(models.Model):
    """One money event, posted once (`event_key`), linked to the document behind it."""

    class Kind(models.TextChoices):
        ADVANCE_PAID = "advance_paid", _("Advance paid")
        RECOGNIZED = "recognized", _("Viáticos and terminal expenses recognized")
        MONEY_RETURNED = "money_returned", _("Money returned by the traveler")
        REIMBURSEMENT_PAID = "reimbursement_paid", _("Reimbursement paid to the traveler")
        DEDUCTION_RECOVERED = "deduction_recovered", _("Payroll deduction recovered")
        REVERSAL = "reversal", _("Reversal")

    date = models.DateField(_("date"), db_index=True)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=300)
    event_key = models.CharField(_("event"), max_length=80, unique=True)
    traveler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("traveler"),
    )
    mission = models.ForeignKey(
        "missions.Mission", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    advance = models.ForeignKey(
        "missions.Advance", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    settlement = models.ForeignKey(
        "settlements.Settlement", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    deduction_order = models.ForeignKey(
        "deadlines.PayrollDeductionOrder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("reverses"),
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        ordering = ["date", "pk"]
        permissions = [("reverse_journalentry", _("Can post a reversing entry"))]

    def __str__(self) -> str:
        return f"{self.number} {self.date} {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableEntry("A journal entry is never changed: post a reversing entry.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableEntry("A journal entry is never deleted: post a reversing entry.")

    @property
    def number(self) -> str:
        return f"AS-{self.pk or 0:06d}"


class JournalLine(models.Model):
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines")
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="+", verbose_name=_("account")
    )
    debit = money_field(_("debit (USD)"), default=ZERO)
    credit = money_field(_("credit (USD)"), default=ZERO)
    purpose = models.CharField(_("used for"), max_length=20, choices=Purpose.choices)
    category = models.CharField(_("category"), max_length=20, blank=True)
    project = models.ForeignKey(
        "viaticos.Project", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    budget_line = models.ForeignKey(
        "missions.BudgetLine", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    traveler = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("journal line")
        verbose_name_plural = _("journal lines")
        ordering = ["entry_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(debit=0) & Q(credit__gt=0)) | (Q(credit=0) & Q(debit__gt=0)),
                name="journalline_one_side",
            )
        ]
        indexes = [models.Index(fields=["purpose", "traveler"], name="journalline_staff")]

    def __str__(self) -> str:
        return f"{self.account.code} D {self.debit} C {self.credit}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableEntry("A journal line is never changed: post a reversing entry.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableEntry("A journal line is never deleted: post a reversing entry.")
