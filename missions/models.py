"""Missions and the per-diem rate tables (R-3.8)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from missions.perdiem import DailyRate
from viaticos.models import HistoryNotes, Project
from viaticos.rules_registry import enforces

SHARE_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))]


class DestinationManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Destination(models.Model):
    """A place missions go to: every ISO country (missions.countries) and the cities finance
    adds. Outside the table region it needs an approved quote (R-3.8b)."""

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(
        _("name"), max_length=120, help_text=_("In Spanish, the default language.")
    )
    name_en = models.CharField(
        _("name in English"), max_length=120, blank=True, help_text=_("Empty: same as the name.")
    )
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2."))
    in_table_region = models.BooleanField(
        _("inside the rate-table region"),
        default=True,
        help_text=_("Central America in the seed policy; elsewhere rates come from a quote."),
    )
    history = HistoricalRecords()

    objects = DestinationManager()

    class Meta:
        verbose_name = _("destination")
        verbose_name_plural = _("destinations")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.code})"

    def natural_key(self) -> tuple[str]:
        return (self.code,)

    @property
    def display_name(self) -> str:
        """The name in the active language (English, or Spanish for anything else)."""
        language = (get_language() or "es").split("-")[0]
        if language == "en" and self.name_en:
            return self.name_en
        return self.name

    @property
    def search_label(self) -> str:
        """Both names and the code, what a destination picker matches a search against."""
        names = [self.display_name]
        other = self.name_en if names[0] == self.name else self.name
        if other and other != names[0]:
            names.append(other)
        return f"{' · '.join(names)} ({self.code})"


class Quote(HistoryNotes, models.Model):
    """A quote (*cotización*) for a destination without a table rate (R-3.8b).

    Recorded with its source; only once the Finance Director approves it does it feed the
    per-diem computation, and only for the dates it covers.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    destination = models.ForeignKey(
        Destination, on_delete=models.PROTECT, related_name="quotes", verbose_name=_("destination")
    )
    lodging = models.DecimalField(
        _("lodging (USD per night)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    meals = models.DecimalField(
        _("meals (USD per day)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    source = models.CharField(
        _("source"),
        max_length=300,
        help_text=_("Where the amounts come from: hotel quote, UN DSA table, agency, with date."),
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ["-requested_at"]
        permissions = [("decide_quote", _("Can approve or reject quotes"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gte=models.F("valid_from")),
                name="quote_valid_to_after_from",
                violation_error_message=_("The end of validity is before its start."),
            )
        ]
        indexes = [models.Index(fields=["destination", "status", "valid_from"])]

    def __str__(self) -> str:
        return (
            f"{self.destination.code} {self.valid_from:%Y-%m-%d}→{self.valid_to:%Y-%m-%d}: "
            f"{self.lodging} + {self.meals}"
        )

    def as_daily_rate(self) -> DailyRate:
        return DailyRate(
            lodging=self.lodging,
            meals=self.meals,
            label=_("%(destination)s (quote no. %(number)s)")
            % {"destination": self.destination, "number": self.pk},
        )


class RateTable(models.Model):
    """A versioned per-diem table: a new table never changes a past mission (R-3.8)."""

    name = models.CharField(_("name"), max_length=120)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(
        _("valid to"),
        null=True,
        blank=True,
        help_text=_("Leave empty while the table is in force."),
    )
    lunch_share = models.DecimalField(
        _("lunch share"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.50"),
        validators=SHARE_VALIDATORS,
    )
    dinner_share = models.DecimalField(
        _("dinner share"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.50"),
        validators=SHARE_VALIDATORS,
    )
    source = models.CharField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_("Policy document and section the rates come from."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rate table")
        verbose_name_plural = _("rate tables")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="ratetable_valid_to_after_from",
                violation_error_message=_("The end of validity is before its start."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.valid_from:%Y-%m-%d} → {self.valid_to or '…'})"

    def clean(self):
        if self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The end of validity is before its start.")})
        shares = (self.lunch_share, self.dinner_share)
        if None not in shares and sum(shares) != Decimal("1"):
            raise ValidationError(_("Lunch and dinner shares must add up to 100%."))

        if self.pk and self.valid_from:
            # the destinations already in this table must not collide with other tables.
            for rate in self.rates.select_related("destination"):
                overlapping_rate_check(rate.destination, self)

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class Rate(models.Model):
    """Daily lodging and meal amounts in USD for one destination in one table (R-3.8)."""

    table = models.ForeignKey(
        RateTable, on_delete=models.CASCADE, related_name="rates", verbose_name=_("rate table")
    )
    destination = models.ForeignKey(
        Destination, on_delete=models.PROTECT, related_name="rates", verbose_name=_("destination")
    )
    lodging = models.DecimalField(
        _("lodging (USD)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    meals = models.DecimalField(
        _("meals (USD)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rate")
        verbose_name_plural = _("rates")
        constraints = [
            models.UniqueConstraint(fields=["table", "destination"], name="rate_unique_per_table")
        ]

    def __str__(self) -> str:
        return f"{self.destination.code}: {self.lodging} + {self.meals}"

    def clean(self):
        table = getattr(self, "table", None)
        if table is not None and table.valid_from and self.destination_id:
            overlapping_rate_check(self.destination, table)

    def as_daily_rate(self) -> DailyRate:
        return DailyRate(
            lodging=self.lodging,
            meals=self.meals,
            meal_shares={"lunch": self.table.lunch_share, "dinner": self.table.dinner_share},
            label=str(self.destination),
        )


@enforces("R-3.8")
def overlapping_rate_check(destination: Destination, table: RateTable) -> None:
    """R-3.8: a destination has at most one table rate on any date.

    Validity is checked with the values of `table` in memory (possibly unsaved), so the admin
    refuses an overlap whether the dates of the table or its rates change.
    """
    others = Rate.objects.select_related("table").filter(destination=destination)
    if table.pk:
        others = others.exclude(table_id=table.pk)
    others = others.filter(
        Q(table__valid_to__isnull=True) | Q(table__valid_to__gte=table.valid_from)
    )
    if table.valid_to:
        others = others.filter(table__valid_from__lte=table.valid_to)
    clash = others.order_by("table__valid_from").first()
    if clash:
        raise ValidationError(
            _(
                "%(destination)s already has a rate in “%(table)s” for part of these dates; "
                "close that table (set its end of validity) before this one starts."
            )
            % {"destination": destination, "table": clash.table},
            code="overlapping_rate",
        )


ZERO = Decimal("0.00")


def money_field(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **kwargs)


class Mission(HistoryNotes, models.Model):
    """An official trip (R-2e), authorized by the Project Coordinator and the Executive
    Secretary before it starts (R-3.11b). Its status changes only through missions.services."""

    class Kind(models.TextChoices):
        ORDINARY = "ordinary", _("Ordinary mission")
        EMERGENCY = "emergency", _("Emergency mission")
        EVENT = "event", _("Workshop or event")
        AFFILIATED_INVITATION = (
            "affiliated_invitation",
            _("Invitation by an affiliated entity that covers the per diem"),
        )
        SPONSORED_EVENT = "sponsored_event", _("Event sponsored by another institution")
        HOME_COUNTRY = "home_country", _("Visit to the home country (no hotel)")
        INSTALLATION = "installation", _("Installation (relocation)")
        REPATRIATION = "repatriation", _("Repatriation")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        AUTHORIZED = "authorized", _("Authorized")
        IN_PROGRESS = "in_progress", _("In progress")
        RETURNED = "returned", _("Returned")
        CLOSED = "closed", _("Closed")
        REJECTED = "rejected", _("Rejected")
        SUSPENDED = "suspended", _("Suspended")
        CANCELLED = "cancelled", _("Cancelled")

    # R-3.11c: these kinds need the invitation letter attached.
    KINDS_NEEDING_INVITATION = frozenset(
        {Kind.EVENT, Kind.AFFILIATED_INVITATION, Kind.SPONSORED_EVENT}
    )
    # R-2d, R-3.16: relocation is paid against invoices, not as per diem.
    RELOCATION_KINDS = frozenset({Kind.INSTALLATION, Kind.REPATRIATION})
    EDITABLE = frozenset({Status.DRAFT, Status.REJECTED})
    STOPPED = frozenset({Status.SUSPENDED, Status.CANCELLED})

    traveler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="missions",
        verbose_name=_("traveler"),
    )
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="missions", verbose_name=_("project")
    )
    # The text typed before budget lines were chosen (SPEC §2.5); kept, never lost. New
    # missions keep the chosen line's code here.
    budget_line = models.CharField(_("budget line (as typed)"), max_length=60, blank=True)
    line = models.ForeignKey(
        "BudgetLine",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="missions",
        verbose_name=_("budget line"),
    )
    # SPEC §2.5: what this mission holds against its line (committed until settled, then spent)
    # and how far beyond the line's available amount the Finance Director allowed it to go.
    budget_committed = money_field(_("committed (USD)"), default=ZERO)
    budget_spent = money_field(_("spent (USD)"), default=ZERO)
    budget_override = money_field(_("override beyond the line (USD)"), default=ZERO)
    purpose = models.TextField(_("purpose"))
    expected_results = models.TextField(_("expected results"))
    kind = models.CharField(_("type"), max_length=24, choices=Kind.choices, default=Kind.ORDINARY)
    departure_at = models.DateTimeField(_("departure from the duty station"))
    return_at = models.DateTimeField(_("return to the duty station"))
    meals_covered = models.JSONField(_("meal times covered by the event"), default=dict, blank=True)
    all_meals_covered = models.BooleanField(_("the event covers all meals"), default=False)
    sponsor_daily_amount = money_field(_("sponsor's daily amount (USD)"), null=True, blank=True)
    invitation_file = models.CharField(_("invitation letter"), max_length=200, blank=True)
    invitation_name = models.CharField(max_length=200, blank=True)
    invitation_content_type = models.CharField(max_length=40, blank=True)
    invitation_sha256 = models.CharField(max_length=64, blank=True)
    planned_perdiem = models.JSONField(_("planned per diem (snapshot)"), default=dict)
    planned_total = money_field(_("planned per diem (USD)"), default=ZERO)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    coordinator_authorized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("authorized by the Project Coordinator"),
    )
    coordinator_authorized_at = models.DateTimeField(null=True, blank=True)
    secretary_authorized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("authorized by the Executive Secretary"),
    )
    secretary_authorized_at = models.DateTimeField(null=True, blank=True)
    # R-3.1d: a decision taken by a delegate records on whose behalf.
    coordinator_authorized_for = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Project Coordinator's authorization given on behalf of"),
    )
    secretary_authorized_for = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Executive Secretary's authorization given on behalf of"),
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    # R-3.1d: from this day the alternates may decide too (set at submission).
    approval_escalates_on = models.DateField(
        _("escalated to the alternates on"), null=True, blank=True
    )
    overlap_reason = models.TextField(
        _("reason for overlapping another mission of the traveler"), blank=True
    )
    emergency_qualified = models.BooleanField(
        _("emergency qualified by the Executive Secretary"), default=False
    )
    status_reason = models.TextField(_("reason of the last rejection or stop"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mission")
        verbose_name_plural = _("missions")
        ordering = ["-departure_at", "-pk"]
        permissions = [
            ("authorize_mission", _("Can authorize missions")),
            ("stop_mission", _("Can suspend or cancel missions")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(return_at__gt=models.F("departure_at")),
                name="mission_return_after_departure",
            )
        ]
        indexes = [
            # Mis misiones: the traveler's latest first, a page at a time.
            models.Index(
                fields=["traveler", "-departure_at", "-id"], name="mission_traveler_latest"
            ),
            # Por aprobar: submitted missions, oldest first.
            models.Index(fields=["status", "updated_at", "id"], name="mission_status_updated"),
            # Joins from advances that need only these columns (the deadline dashboard's age
            # buckets and spend per project) read this index instead of the wide table
            # (PostgreSQL; databases without covering indexes skip it).
            models.Index(
                fields=["id"],
                include=["return_at", "project", "traveler", "status"],
                name="mission_id_status_cover",
            ),
            # The API list for the roles that read every mission: the latest first.
            models.Index(fields=["-departure_at", "-id"], name="mission_latest"),
            # What a traveler owes (missions already back): sorted by return date from the index
            # alone, without reading the wide mission rows.
            models.Index(fields=["traveler", "return_at", "id"], name="mission_traveler_return"),
            # The deadline lists: outstanding advances in order of return, found by walking
            # the missions from the oldest return until a page of them is found.
            models.Index(fields=["return_at", "id"], name="mission_return"),
            # Missions to settle: the traveler's missions that are over, the latest first.
            models.Index(
                fields=["traveler", "-return_at", "-id"],
                condition=Q(status__in=["returned", "cancelled", "suspended"]),
                name="mission_to_settle",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.destinations_label}"

    def get_absolute_url(self) -> str:
        return reverse("missions:detail", args=[self.pk])

    @property
    def code(self) -> str:
        return f"M-{self.pk or 0:05d}"

    @property
    def destinations_label(self) -> str:
        """ "Guatemala; San Salvador, El Salvador": a semicolon between places, since a place's
        own name may hold a comma (city, country)."""
        return "; ".join(leg.destination.display_name for leg in self.legs.all())

    @property
    def needs_invitation(self) -> bool:
        return self.kind in self.KINDS_NEEDING_INVITATION

    @property
    def is_stopped(self) -> bool:
        """Suspended or cancelled (R-4)."""
        return self.status in self.STOPPED

    @property
    def is_authorized_by_both(self) -> bool:
        return bool(self.coordinator_authorized_at and self.secretary_authorized_at)

    @property
    def is_emergency(self) -> bool:
        """R-5: an emergency only once the Executive Secretary has qualified it."""
        return self.kind == self.Kind.EMERGENCY and self.emergency_qualified


class MissionLeg(models.Model):
    """One destination of the itinerary: arrival and departure at that place (local times)."""

    FIRST = 1  # `order` of the first leg (legs are numbered from 1)

    mission = models.ForeignKey(
        Mission, on_delete=models.CASCADE, related_name="legs", verbose_name=_("mission")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    destination = models.ForeignKey(
        Destination, on_delete=models.PROTECT, related_name="+", verbose_name=_("destination")
    )
    arrive_at = models.DateTimeField(_("arrival"))
    leave_at = models.DateTimeField(_("departure"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("itinerary leg")
        verbose_name_plural = _("itinerary legs")
        ordering = ["mission", "order"]
        constraints = [
            models.UniqueConstraint(fields=["mission", "order"], name="missionleg_unique_order")
        ]

    def __str__(self) -> str:
        return f"{self.destination.code} {self.arrive_at:%Y-%m-%d} → {self.leave_at:%Y-%m-%d}"


class Advance(HistoryNotes, models.Model):
    """A travel advance: planned viáticos plus an estimate of terminal expenses (§2.4)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved, waiting for the requester's signature")
        SIGNED = "signed", _("Signed, ready to disburse")
        DISBURSED = "disbursed", _("Disbursed, pending settlement")
        SETTLED = "settled", _("Settled")
        RETURN_DUE = "return_due", _("To be returned")
        RETURNED = "returned", pgettext_lazy("advance status", "Returned")
        REJECTED = "rejected", pgettext_lazy("advance status", "Rejected")
        CANCELLED = "cancelled", pgettext_lazy("advance status", "Cancelled")

    class Method(models.TextChoices):
        TRANSFER = "transfer", _("Bank transfer")
        CHECK = "check", _("Check")
        CASH = "cash", _("Cash")

    # R-3.11a: money given and not yet accounted for.
    PENDING_SETTLEMENT = frozenset({Status.DISBURSED, Status.RETURN_DUE})
    OPEN = frozenset({Status.REQUESTED, Status.APPROVED, Status.SIGNED})

    mission = models.ForeignKey(
        Mission, on_delete=models.PROTECT, related_name="advances", verbose_name=_("mission")
    )
    perdiem_amount = money_field(_("planned per diem (USD)"))
    terminal_estimate = money_field(
        _("estimate of terminal expenses (USD)"), validators=[MinValueValidator(ZERO)]
    )
    amount = money_field(_("amount (USD)"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=Status.choices,
        default=Status.REQUESTED,
        db_index=True,
    )
    priority = models.BooleanField(_("priority (emergency mission)"), default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    coordinator_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    coordinator_approved_at = models.DateTimeField(null=True, blank=True)
    finance_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    finance_approved_at = models.DateTimeField(null=True, blank=True)
    approval_escalates_on = models.DateField(
        _("escalated to the alternates on"), null=True, blank=True
    )
    coordinator_approved_for = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    finance_approved_for = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed by the requester"), null=True, blank=True)
    disbursed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    disbursed_at = models.DateTimeField(null=True, blank=True)
    disbursed_on = models.DateField(_("disbursement date"), null=True, blank=True)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices, blank=True)
    reference = models.CharField(_("reference"), max_length=80, blank=True)
    # when the mission stops after the money was given.
    return_due_amount = money_field(_("amount to return (USD)"), null=True, blank=True)
    settlement_required = models.BooleanField(_("settlement required (R-4)"), default=False)
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    settled_at = models.DateTimeField(_("settled"), null=True, blank=True)
    status_reason = models.TextField(_("reason of the last rejection or stop"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("advance")
        verbose_name_plural = _("advances")
        ordering = ["-requested_at", "-pk"]
        permissions = [
            ("approve_advance", _("Can approve advances")),
            ("disburse_advance", _("Can disburse advances")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["mission"],
                condition=~Q(status__in=["rejected", "cancelled"]),
                name="advance_one_live_per_mission",
            )
        ]
        indexes = [
            # Por aprobar and Tesorería: by status, emergencies first, oldest first.
            models.Index(
                fields=["status", "-priority", "requested_at", "id"], name="advance_status_queue"
            ),
            # The API list: the latest first (for a traveler, walked until a page is found).
            models.Index(fields=["-requested_at", "-id"], name="advance_latest"),
            # Money given and not yet accounted for (PENDING_SETTLEMENT, R-3.11a): a small
            # share of all advances, read by mission for deadlines and the advance checks.
            models.Index(
                fields=["mission"],
                # what the dashboard adds up by age, read from the index alone (PostgreSQL)
                include=["id", "amount", "return_due_amount", "status", "disbursed_on"],
                condition=Q(status__in=["disbursed", "return_due"]),
                name="advance_pending_settlement",
            ),
            # advances partly spent before their mission stopped (few): what makes a
            # stopped mission one to settle.
            models.Index(
                fields=["mission"],
                condition=Q(settlement_required=True),
                name="advance_spent_before_stop",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.amount} USD)"

    @property
    def code(self) -> str:
        return f"A-{self.pk or 0:05d}"

    @property
    def is_pending_settlement(self) -> bool:
        return self.status in self.PENDING_SETTLEMENT


class MonthlySpend(models.Model):
    """USD disbursed in one month (by the date Treasury paid), for the dashboard's spend charts.

    Kept by the disbursement service, which adds each advance as it is paid: an advance once
    disbursed keeps its amount, project and itinerary, and never leaves the statuses that
    count as spend, so the totals only grow. `manage.py spend_totals` checks them against
    the advances (and rebuilds them with --rebuild)."""

    month = models.DateField(_("month"))  # its first day
    amount = money_field(_("disbursed (USD)"), default=Decimal("0.00"))

    class Meta:
        abstract = True
        ordering = ["month"]


class ProjectSpend(MonthlySpend):
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )

    class Meta(MonthlySpend.Meta):
        verbose_name = _("monthly spend by project")
        verbose_name_plural = _("monthly spend by project")
        constraints = [
            models.UniqueConstraint(fields=["month", "project"], name="projectspend_unique")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.project_id}: {self.amount} USD"


class DestinationSpend(MonthlySpend):
    """Spend by the mission's first destination."""

    destination = models.ForeignKey(
        Destination, on_delete=models.PROTECT, related_name="+", verbose_name=_("destination")
    )

    class Meta(MonthlySpend.Meta):
        verbose_name = _("monthly spend by destination")
        verbose_name_plural = _("monthly spend by destination")
        constraints = [
            models.UniqueConstraint(fields=["month", "destination"], name="destinationspend_unique")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.destination_id}: {self.amount} USD"


class MissionEvent(models.Model):
    """One line of the mission's timeline: who did what, when, and why."""

    class Action(models.TextChoices):
        CREATED = "created", pgettext_lazy("mission event", "Created")
        UPDATED = "updated", _("Edited")
        SUBMITTED = "submitted", _("Submitted for authorization")
        AUTHORIZED_COORDINATOR = (
            "authorized_coordinator",
            _("Authorized by the Project Coordinator"),
        )
        AUTHORIZED_SECRETARY = "authorized_secretary", _("Authorized by the Executive Secretary")
        EMERGENCY_QUALIFIED = "emergency_qualified", _("Qualified as emergency (R-5)")
        REJECTED = "rejected", _("Rejected")
        STARTED = "started", _("Mission started")
        RETURNED = "returned", _("Back at the duty station")
        SUSPENDED = "suspended", _("Suspended")
        CANCELLED = "cancelled", _("Cancelled")
        CLOSED = "closed", _("Closed")
        ADVANCE_REQUESTED = "advance_requested", _("Advance requested")
        ADVANCE_APPROVED_COORDINATOR = (
            "advance_approved_coordinator",
            _("Advance approved by the Project Coordinator"),
        )
        ADVANCE_APPROVED_FINANCE = (
            "advance_approved_finance",
            _("Advance approved by the Finance Director"),
        )
        ADVANCE_REJECTED = "advance_rejected", _("Advance rejected")
        ADVANCE_SIGNED = "advance_signed", _("Advance signed by the requester (R-3.1)")
        ADVANCE_DISBURSED = "advance_disbursed", _("Advance disbursed")
        ADVANCE_RETURN_DUE = "advance_return_due", _("Advance to be returned (R-4)")
        ADVANCE_SETTLEMENT_REQUIRED = (
            "advance_settlement_required",
            _("Settlement required for money spent (R-4)"),
        )
        ADVANCE_RETURNED = "advance_returned", _("Advance returned to treasury")
        ADVANCE_CANCELLED = "advance_cancelled", _("Advance cancelled")
        ADVANCE_SETTLED = "advance_settled", _("Advance settled")
        BUDGET_OVERRIDE = (
            "budget_override",
            _("Authorized beyond the budget line by the Finance Director"),
        )
        BUDGET_LINE_SET = "budget_line_set", _("Budget line assigned by finance")

    mission = models.ForeignKey(
        Mission, on_delete=models.CASCADE, related_name="events", verbose_name=_("mission")
    )
    advance = models.ForeignKey(
        Advance, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    action = models.CharField(_("action"), max_length=32, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True)
    # R-3.1d: "X on behalf of Y" and why this person could decide (delegation, alternate).
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("on behalf of"),
    )
    basis = models.CharField(_("as"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("mission event")
        verbose_name_plural = _("mission events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.mission.code} {self.action} {self.at:%Y-%m-%d %H:%M}"


class Slot(models.TextChoices):
    """The two approvals of a request (§2.4): a mission needs the coordinator's and the Executive
    Secretary's, an advance the coordinator's and the Finance Director's."""

    COORDINATOR = "coordinator", _("Project Coordinator")
    SECRETARY = "secretary", _("Executive Secretary")
    FINANCE = "finance", _("Finance Director")


class ApprovalAlternate(models.Model):
    """R-3.1d: who decides in a slot when its designated approver cannot (they are the requester,
    they are away without a delegate, or the request waited too long). Per project, or for every
    project when `project` is empty; the lowest `priority` comes first."""

    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="approval_alternates",
        verbose_name=_("project"),
        help_text=_("Empty: every project."),
    )
    slot = models.CharField(_("approval"), max_length=16, choices=Slot.choices)
    alternate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="approval_alternacies",
        verbose_name=_("alternate"),
    )
    priority = models.PositiveSmallIntegerField(_("order"), default=1)
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("approval alternate")
        verbose_name_plural = _("approval alternates")
        ordering = ["project__code", "slot", "priority", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "slot", "alternate"], name="approvalalternate_unique"
            )
        ]

    def __str__(self) -> str:
        scope = self.project.code if self.project is not None else _("every project")
        return f"{self.get_slot_display()} · {scope}: {self.alternate}"


class Delegation(HistoryNotes, models.Model):
    """R-3.1d: out of office. From `starts_on` to `ends_on` (inclusive) the delegate decides on
    the delegator's approvals, each decision recorded as "delegate on behalf of delegator".
    Without a delegate the delegator is only away: their requests go to the alternates."""

    delegator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="delegations_given",
        verbose_name=_("delegator"),
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delegations_received",
        verbose_name=_("delegate"),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("ended early"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("delegation of approvals")
        verbose_name_plural = _("delegations of approvals")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="delegation_dates_in_order"
            )
        ]
        indexes = [models.Index(fields=["ends_on", "starts_on"], name="delegation_window")]

    def __str__(self) -> str:
        return f"{self.delegator} → {self.delegate or '—'} ({self.starts_on} – {self.ends_on})"


class ApprovalNotice(models.Model):
    """R-3.1d: a reminder or an escalation sent for a pending approval, so that the daily job
    sends each one once."""

    class Level(models.TextChoices):
        REMINDER = "reminder", _("Reminder")
        ESCALATION = "escalation", _("Escalation to the alternates")

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="+")
    advance = models.ForeignKey(
        Advance, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    slot = models.CharField(max_length=16, choices=Slot.choices)
    level = models.CharField(max_length=16, choices=Level.choices)
    # The submission it is about: a request rejected and submitted again is reminded again.
    pending_since = models.DateTimeField()
    sent_on = models.DateField()
    recipients = models.TextField(blank=True)

    class Meta:
        verbose_name = _("approval reminder")
        verbose_name_plural = _("approval reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["mission", "slot", "level", "pending_since"],
                condition=Q(advance__isnull=True),
                name="approvalnotice_mission_once",
            ),
            models.UniqueConstraint(
                fields=["advance", "slot", "level", "pending_since"],
                condition=Q(advance__isnull=False),
                name="approvalnotice_advance_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mission_id}/{self.advance_id or '-'} {self.slot} {self.level} {self.sent_on}"


class BudgetLine(HistoryNotes, models.Model):
    """A line of the budget the donor approved for a project (SPEC §2.5): only what it
    contemplates is an eligible expense. Versioned: every change keeps the previous amount,
    who changed it and why (history)."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="budget_lines", verbose_name=_("project")
    )
    code = models.CharField(_("code"), max_length=30)
    description = models.CharField(_("description"), max_length=200)
    amount = money_field(_("approved (USD)"), validators=[MinValueValidator(ZERO)])
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["project__code", "code"]
        permissions = [("override_budget", _("Can authorize beyond a budget line (override)"))]
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="budgetline_unique_code"),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="budgetline_period_in_order",
                violation_error_message=_("The end of the period is before its start."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.description}"
