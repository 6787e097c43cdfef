"""Missions and the per-diem rate tables (R-3.8)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from missions.perdiem import DailyRate

SHARE_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))]


class Destination(models.Model):
    """A place missions go to. Outside the table region it needs an approved quote (R-3.8b)."""

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=120)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2."))
    in_table_region = models.BooleanField(
        _("inside the rate-table region"),
        default=True,
        help_text=_("Central America in the seed policy; elsewhere rates come from a quote."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("destination")
        verbose_name_plural = _("destinations")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Quote(models.Model):
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
