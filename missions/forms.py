"""HTML forms of the per-diem calculator and the quotes page. Shapes only: the rules live in
the engine and the services."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from missions.models import Destination

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
COVERED_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}:[a-z]+$")


def _amount(label, help_text=""):
    return forms.DecimalField(
        label=label,
        help_text=help_text,
        required=False,
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={"min_value": _("Amounts cannot be negative.")},
    )


class LocalDateTimeField(forms.DateTimeField):
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, **kwargs):
        super().__init__(input_formats=DATETIME_FORMATS, **kwargs)

    def to_python(self, value):
        result = super().to_python(value)
        if result is not None and timezone.is_aware(result):
            result = timezone.localtime(result).replace(tzinfo=None)
        return result


class CoveredMealsField(forms.MultipleChoiceField):
    """Checkbox values "YYYY-MM-DD:lunch"; the day grid is drawn from the mission dates."""

    def valid_value(self, value):
        return bool(COVERED_PATTERN.match(str(value)))

    def to_python(self, value):
        pairs = super().to_python(value)
        covered: dict[dt.date, list[str]] = {}
        for pair in pairs:
            day_text, meal = pair.split(":")
            try:
                day = dt.date.fromisoformat(day_text)
            except ValueError:
                raise forms.ValidationError(
                    _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": day_text}
                ) from None
            covered.setdefault(day, []).append(meal)
        return covered

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")


class CalculatorForm(forms.Form):
    destination = forms.ChoiceField(label=_("Destination"))
    departure_at = LocalDateTimeField(
        label=_("Departure"), help_text=_("Date and time you leave the duty station.")
    )
    return_at = LocalDateTimeField(
        label=_("Return"), help_text=_("Date and time you are back at the duty station.")
    )
    all_meals_covered = forms.BooleanField(label=_("The event covers all meals"), required=False)
    home_country_no_hotel = forms.BooleanField(
        label=_("In my home country, without hotel (R-2c)"), required=False
    )
    sponsor_daily_amount = _amount(
        _("Daily amount paid by a sponsor (USD)"),
        _("Another institution pays you this per day; we complement up to the table (R-6)."),
    )
    quote_lodging = _amount(
        _("Quoted lodging (USD per night)"),
        _("Only for destinations without a table rate (R-3.8b)."),
    )
    quote_meals = _amount(
        _("Quoted meals (USD per day)"),
        _("Only for destinations without a table rate (R-3.8b)."),
    )
    covered = CoveredMealsField(label=_("Meals the event covers"), required=False)

    def __init__(self, *args, destinations=None, **kwargs):
        super().__init__(*args, **kwargs)
        destinations = destinations if destinations is not None else Destination.objects.all()
        choices = []
        for destination in destinations:
            label = f"{destination.name} ({destination.code})"
            if not destination.in_table_region:
                label = _("%(label)s — needs a quote") % {"label": label}
            choices.append((destination.code, label))
        self.fields["destination"].choices = choices

    def clean(self):
        data = super().clean()
        lodging, meals = data.get("quote_lodging"), data.get("quote_meals")
        if (lodging is None) != (meals is None) and not (
            self.has_error("quote_lodging") or self.has_error("quote_meals")
        ):
            self.add_error(
                "quote_meals" if meals is None else "quote_lodging",
                _("Give both quoted amounts, lodging and meals."),
            )
        return data


class QuoteForm(forms.Form):
    destination = forms.ModelChoiceField(
        label=_("Destination"), queryset=Destination.objects.all(), to_field_name="code"
    )
    lodging = _amount(_("Lodging (USD per night)"))
    meals = _amount(_("Meals (USD per day)"))
    source = forms.CharField(
        label=_("Source"),
        max_length=300,
        help_text=_("Where the amounts come from: hotel quote, UN DSA table, agency, with date."),
    )
    valid_from = forms.DateField(
        label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_to = forms.DateField(label=_("Valid to"), widget=forms.DateInput(attrs={"type": "date"}))
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lodging"].required = True
        self.fields["meals"].required = True
