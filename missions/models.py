"""Missions and the per-diem rate tables (R-3.8)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

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
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.valid_from:%Y-%m-%d} → {self.valid_to or '…'})"

    def clean(self):
        if self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The end of validity is before its start.")})
        if self.lunch_share + self.dinner_share != Decimal("1"):
            raise ValidationError(_("Lunch and dinner shares must add up to 100%."))

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

    def as_daily_rate(self) -> DailyRate:
        return DailyRate(
            lodging=self.lodging,
            meals=self.meals,
            meal_shares={"lunch": self.table.lunch_share, "dinner": self.table.dinner_share},
            label=str(self.destination),
        )
