"""Organization, projects and people: the data every app shares."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from viaticos.crypto import EncryptedCharField, LookupHashField
from viaticos.people import display_name
from viaticos.rules_registry import enforces

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class HistoryNotes:
    """Who and why of the next save(), for a model with django-simple-history's
    HistoricalRecords: set before saving, kept in the history row (the library reads them)."""

    _history_user: User | None
    _change_reason: str
    # Added by HistoricalRecords: save() without writing a history row.
    save_without_historical_record: Callable[..., None]


class Organization(models.Model):
    """The organization that runs the missions; one row, edited in the admin."""

    name = models.CharField(_("name"), max_length=200)
    tax_id = models.CharField(_("tax id"), max_length=30, help_text=_("RUC or equivalent."))
    address = models.CharField(_("address"), max_length=300)
    duty_city = models.CharField(_("duty-station city"), max_length=100)
    duty_country = models.CharField(
        _("duty-station country"), max_length=2, help_text=_("ISO 3166-1 alpha-2 code, e.g. PE.")
    )
    base_currency = models.CharField(_("base currency"), max_length=3, default="USD")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organization")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> Organization | None:
        return cls.objects.order_by("pk").first()


class Project(HistoryNotes, models.Model):
    """A donor-funded project; its coordinator approves its missions and advances."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    donor = models.CharField(_("donor"), max_length=200, blank=True)
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("project coordinator"),
        on_delete=models.PROTECT,
        related_name="coordinated_projects",
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


@enforces("R-3.2")
class TravelerProfile(HistoryNotes, models.Model):
    """Who may receive viáticos (R-3.2) and the identity data their documents need."""

    class Kind(models.TextChoices):
        STAFF = "staff", _("Staff member")
        CONSULTANT = "consultant", _("Consultant")
        EVENT_SUPPORT = "event_support", _("Event support staff")
        PARTNER_STAFF = "partner_staff", _("Partner-institution staff")

    class DocumentType(models.TextChoices):
        DNI = "DNI", _("DNI")
        CE = "CE", _("Foreigner's card (CE)")
        PASAPORTE = "PASAPORTE", _("Passport")

    class EntityKind(models.TextChoices):
        OWN = "own", _("This organization")
        MEMBER_INSTITUTION = "member_institution", _("Member-country institution")
        CO_EXECUTING = "co_executing", _("Co-executing entity")
        OTHER = "other", _("Other entity")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="traveler_profile"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.STAFF)
    document_type = models.CharField(
        _("identity document type"), max_length=10, choices=DocumentType.choices
    )
    # Encrypted at rest; found only through its keyed hash (viaticos.people.person_by_document).
    document_number = EncryptedCharField(_("identity document number"), max_length=20)
    document_number_hash = LookupHashField(
        _("identity document lookup hash"),
        type_field="document_type",
        number_field="document_number",
        db_index=True,
    )
    home_country = models.CharField(
        _("home country"), max_length=2, help_text=_("ISO 3166-1 alpha-2 code.")
    )
    entity_kind = models.CharField(
        _("entity kind"), max_length=20, choices=EntityKind.choices, default=EntityKind.OWN
    )
    entity_name = models.CharField(
        _("institution or entity represented"), max_length=200, blank=True
    )
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    bank_account = EncryptedCharField(_("bank account"), max_length=40, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("traveler profile")
        verbose_name_plural = _("traveler profiles")

    def __str__(self) -> str:
        return display_name(self.user)


class ClosureDay(models.Model):
    """A day the organization is closed, on top of weekends and national holidays (R-3.3)."""

    date = models.DateField(_("date"), unique=True)
    reason = models.CharField(_("reason"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("closure day")
        verbose_name_plural = _("closure days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} — {self.reason}"


class ExchangeRate(HistoryNotes, models.Model):
    """An official exchange rate (R-3.10): how many units of `currency` one US dollar buys.

    Direction: `units_per_usd` = currency units per 1 USD, as central banks publish it
    (PEN 3.37 means US$1 = S/ 3.37), so `amount_usd = amount / units_per_usd`. One rate per
    currency and date: the duty-station central bank's; the source says which publication.
    """

    currency = models.CharField(_("currency"), max_length=3, help_text=_("ISO 4217, e.g. PEN."))
    date = models.DateField(_("date"))
    units_per_usd = models.DecimalField(
        _("units per US dollar"),
        max_digits=18,
        decimal_places=6,
        help_text=_("How many units of the currency one US dollar buys on that date."),
    )
    source = models.CharField(_("source"), max_length=100, help_text=_("e.g. BCRP, Banguat."))
    imported_at = models.DateTimeField(_("imported at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["currency", "-date"]
        constraints = [
            models.UniqueConstraint(fields=["currency", "date"], name="exchangerate_unique_day"),
            models.CheckConstraint(
                condition=models.Q(units_per_usd__gt=0), name="exchangerate_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.date:%Y-%m-%d}: {self.units_per_usd} / USD ({self.source})"


class RoleChange(models.Model):
    """Who gave or took a role, when and why (R-3.1s: role changes are on record, and never
    change a decision already given)."""

    class Change(models.TextChoices):
        ADDED = "added", _("added")
        REMOVED = "removed", _("removed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="role_changes",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=40)
    change = models.CharField(_("change"), max_length=10, choices=Change.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    reason = models.CharField(_("reason"), max_length=300)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("role change")
        verbose_name_plural = _("role changes")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} {self.change} {self.role}"


class ExchangeRateFeed(models.Model):
    """How the daily fetch of one central bank went (R-3.10): never silent about a failure."""

    country = models.CharField(_("country"), max_length=2, unique=True)
    source = models.CharField(_("source"), max_length=100)
    currency = models.CharField(_("currency"), max_length=3)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    latest_rate_date = models.DateField(_("latest published rate"), null=True, blank=True)

    class Meta:
        verbose_name = _("exchange-rate feed")
        verbose_name_plural = _("exchange-rate feeds")
        ordering = ["country"]

    def __str__(self) -> str:
        return f"{self.country} ({self.source})"

    @property
    def failing(self) -> bool:
        return bool(self.last_error) and (
            self.last_success_at is None
            or (self.last_attempt_at is not None and self.last_attempt_at > self.last_success_at)
        )


class OutboxMessage(models.Model):
    """An e-mail written in the same transaction as the change that causes it and delivered
    after commit (viaticos.outbox): a failed delivery is retried with exponential backoff and,
    after the last attempt, shown to the administrators with its error."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Undeliverable")

    kind = models.CharField(_("kind"), max_length=60)
    # What the message is about, for the result handler of the app that wrote it ("12").
    ref = models.CharField(_("reference"), max_length=100, blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    from_email = models.CharField(_("from"), max_length=254)
    to = models.JSONField(_("to"), default=list)
    cc = models.JSONField(_("copy"), default=list, blank=True)
    # [{"filename", "mimetype", "storage_name"}] or [{"builder", "args"}]: files read from
    # storage, or built when the message is delivered (a PDF rendered out of the request).
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"


class BankDetailsChange(models.Model):
    """A person's own request to change the bank data they are paid to (SPEC §5.4, R-A1):
    applied only when a second person (General Administrator or Finance Director, never the
    holder) approves it; the holder is alerted at their known address at each step."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPLIED = "applied", _("Approved and applied")
        REJECTED = "rejected", _("Rejected")

    profile = models.ForeignKey(
        TravelerProfile,
        on_delete=models.CASCADE,
        related_name="bank_changes",
        verbose_name=_("traveler profile"),
    )
    bank_name = models.CharField(_("bank"), max_length=100)
    bank_account = EncryptedCharField(_("bank account"), max_length=40)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("bank data change")
        verbose_name_plural = _("bank data changes")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile"],
                condition=models.Q(status="pending"),
                name="bankchange_one_pending_per_profile",
            )
        ]

    def __str__(self) -> str:
        return f"{self.profile} — {self.get_status_display()}"

    @property
    def masked_account(self) -> str:
        return f"···{self.bank_account[-4:]}" if self.bank_account else "—"


class Dependant(HistoryNotes, models.Model):
    """A traveler's spouse or child, held for repatriation in an emergency (R-3.16, R-P4):
    a record of their own with its legal basis; a child under 14 with the traveler's consent as
    guardian; an adult informed directly at their own address."""

    class Relationship(models.TextChoices):
        SPOUSE = "spouse", _("Spouse or partner")
        CHILD = "child", _("Child")

    class LegalBasis(models.TextChoices):
        CONTRACT = "contract", _("Employment or service contract (repatriation benefit)")
        GUARDIAN_CONSENT = "guardian_consent", _("Consent of the parent or guardian (under 14)")

    traveler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="dependants",
        verbose_name=_("traveler"),
    )
    relationship = models.CharField(_("relationship"), max_length=10, choices=Relationship.choices)
    full_name = models.CharField(_("full name"), max_length=200)
    birth_date = models.DateField(_("date of birth"))
    email = models.EmailField(_("e-mail"), blank=True)
    emergency_phone = models.CharField(_("emergency phone"), max_length=40, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=20, choices=LegalBasis.choices)
    guardian_consent_at = models.DateTimeField(
        _("guardian's consent given at"), null=True, blank=True
    )
    informed_at = models.DateTimeField(_("informed directly at"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dependant")
        verbose_name_plural = _("dependants")
        ordering = ["traveler_id", "birth_date", "pk"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_relationship_display()})"
