"""HTML forms: they parse and shape input; the rules are in services and rules."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrPromise

from missions.models import Advance, Destination, Mission
from missions.perdiem import MEAL_TIMES
from missions.rules import LegInput
from viaticos.limits import TEXT_MAX, BoundedDateField, BoundedDateTimeField
from viaticos.models import Project
from viaticos.people import display_name

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


class LocalDateTimeField(BoundedDateTimeField):
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


def destination_search_attrs() -> dict[str, str | StrPromise]:
    """Marks a destination <select> for the search box of missions/destination-search.js."""
    return {"data-destination-search": _("Search a country or city, in Spanish or English")}


class DestinationChoiceField(forms.ModelChoiceField):
    """A destination picker (SPEC §2.1): every country and city, each labelled with its names
    in both languages so that the search box finds it either way."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.Select(attrs=destination_search_attrs()))
        super().__init__(**kwargs)

    def label_from_instance(self, obj):
        return obj.search_label


class CalculatorForm(forms.Form):
    destination = forms.ChoiceField(
        label=_("Destination"), widget=forms.Select(attrs=destination_search_attrs())
    )
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
            label = destination.search_label
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
    destination = DestinationChoiceField(
        label=_("Destination"), queryset=Destination.objects.all(), to_field_name="code"
    )
    lodging = _amount(_("Lodging (USD per night)"))
    meals = _amount(_("Meals (USD per day)"))
    source = forms.CharField(
        label=_("Source"),
        max_length=300,
        help_text=_("Where the amounts come from: hotel quote, UN DSA table, agency, with date."),
    )
    valid_from = BoundedDateField(
        label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_to = BoundedDateField(label=_("Valid to"), widget=forms.DateInput(attrs={"type": "date"}))
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lodging"].required = True
        self.fields["meals"].required = True


LEG_SLOTS = 3
DT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _dt_field(label, required=True):
    return BoundedDateTimeField(
        label=label,
        required=required,
        input_formats=DT_FORMATS,
        widget=DateTimeInput(),
    )


class MissionForm(forms.Form):
    project = forms.ModelChoiceField(
        label=_("Project"), queryset=Project.objects.filter(is_active=True)
    )
    kind = forms.ChoiceField(label=_("Type of mission"), choices=Mission.Kind.choices)
    purpose = forms.CharField(
        label=_("Purpose"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    expected_results = forms.CharField(
        label=_("Expected results"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    departure_at = _dt_field(_("Departure from the duty station"))
    return_at = _dt_field(_("Return to the duty station"))
    meals_covered = forms.CharField(
        label=_("Meal times the event covers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "2026-03-03 lunch dinner"}),
        help_text=_("Workshops and events: one line per day, “YYYY-MM-DD lunch dinner” (R-3.14)."),
    )
    all_meals_covered = forms.BooleanField(label=_("The event covers all meals"), required=False)
    sponsor_daily_amount = forms.DecimalField(
        label=_("Daily amount paid by the sponsor (USD)"),
        required=False,
        min_value=Decimal("0"),
        max_digits=14,
        decimal_places=2,
        help_text=_("Sponsored events only: the organization pays the difference (R-6)."),
    )
    invitation = forms.FileField(
        label=_("Invitation letter (PDF, JPEG or PNG)"),
        required=False,
        help_text=_("Required for events and invitations (R-3.11c)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from missions.budget_selectors import lines_for_choice

        # SPEC §2.5: one of the project's donor-approved lines, chosen, never typed.
        fields = list(self.fields.items())
        fields.insert(
            1,
            (
                "line",
                BudgetLineChoiceField(
                    label=_("Budget line"),
                    queryset=lines_for_choice(),
                    help_text=_(
                        "The line of the project's donor-approved budget it is charged to."
                    ),
                ),
            ),
        )
        self.fields = dict(fields)
        destinations = Destination.objects.order_by("name")
        for n in range(1, LEG_SLOTS + 1):
            required = n == 1
            self.fields[f"leg{n}_destination"] = DestinationChoiceField(
                label=_("Destination %(n)s") % {"n": n},
                queryset=destinations,
                required=required,
            )
            self.fields[f"leg{n}_arrive_at"] = _dt_field(_("Arrival"), required)
            self.fields[f"leg{n}_leave_at"] = _dt_field(_("Departure"), required)

    def leg_rows(self):
        return [
            [self[f"leg{n}_destination"], self[f"leg{n}_arrive_at"], self[f"leg{n}_leave_at"]]
            for n in range(1, LEG_SLOTS + 1)
        ]

    def main_fields(self):
        names = ["project", "line", "kind", "purpose", "expected_results"]
        return [self[name] for name in names]

    def clean_meals_covered(self):
        result: dict[dt.date, list[str]] = {}
        for raw in self.cleaned_data["meals_covered"].splitlines():
            parts = raw.replace(",", " ").split()
            if not parts:
                continue
            try:
                day = dt.date.fromisoformat(parts[0])
            except ValueError as exc:
                raise forms.ValidationError(
                    _("“%(line)s”: start each line with a date YYYY-MM-DD.") % {"line": raw}
                ) from exc
            meals = [p.lower() for p in parts[1:]]
            if not meals or any(m not in MEAL_TIMES for m in meals):
                raise forms.ValidationError(
                    _("“%(line)s”: list the meal times covered: lunch, dinner.") % {"line": raw}
                )
            result[day] = meals
        return result

    def clean(self):
        data = super().clean()
        legs = []
        for n in range(1, LEG_SLOTS + 1):
            values = [
                data.get(f"leg{n}_{part}") for part in ("destination", "arrive_at", "leave_at")
            ]
            if any(values) and not all(values):
                raise forms.ValidationError(
                    _("Destination %(n)s: give the place, the arrival and the departure.")
                    % {"n": n}
                )
            if all(values):
                legs.append(LegInput(*values))
        data["legs"] = legs
        return data

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            "project": d["project"],
            "kind": d["kind"],
            "purpose": d["purpose"],
            "expected_results": d["expected_results"],
            "line": d["line"],
            "departure_at": d["departure_at"],
            "return_at": d["return_at"],
            "legs": d["legs"],
            "meals_covered": d["meals_covered"],
            "all_meals_covered": d["all_meals_covered"],
            "sponsor_daily_amount": d["sponsor_daily_amount"],
        }

    @classmethod
    def initial_for(cls, mission: Mission) -> dict:
        initial = {
            "project": mission.project_id,
            "line": mission.line_id,
            "kind": mission.kind,
            "purpose": mission.purpose,
            "expected_results": mission.expected_results,
            "departure_at": mission.departure_at,
            "return_at": mission.return_at,
            "meals_covered": "\n".join(
                f"{day} {' '.join(meals)}" for day, meals in mission.meals_covered.items()
            ),
            "all_meals_covered": mission.all_meals_covered,
            "sponsor_daily_amount": mission.sponsor_daily_amount,
        }
        for n, leg in enumerate(mission.legs.all(), start=1):
            initial[f"leg{n}_destination"] = leg.destination_id
            initial[f"leg{n}_arrive_at"] = leg.arrive_at
            initial[f"leg{n}_leave_at"] = leg.leave_at
        return initial


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class StopForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000)
    amount_spent = forms.DecimalField(
        label=_("Amount of the advance already spent (USD)"),
        required=False,
        min_value=Decimal("0"),
        max_digits=14,
        decimal_places=2,
    )


class AdvanceRequestForm(forms.Form):
    terminal_estimate = forms.DecimalField(
        label=_("Estimate of terminal expenses (USD)"),
        min_value=Decimal("0"),
        max_digits=14,
        decimal_places=2,
        initial=Decimal("0.00"),
        help_text=_("Airport taxes, taxis airport–hotel, calls (at most US$20), internet (R-2b)."),
    )


class DisburseForm(forms.Form):
    disbursed_on = BoundedDateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    method = forms.ChoiceField(label=_("Method"), choices=Advance.Method.choices)
    # Required by the service (issue 20); `required` here would only repeat the rule.
    reference = forms.CharField(
        label=_("Payment reference"),
        max_length=80,
        required=False,
        widget=forms.TextInput(attrs={"required": True, "placeholder": _("Reference")}),
    )


class ReturnForm(forms.Form):
    returned_on = BoundedDateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(
        label=_("Reference"),
        max_length=80,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Reference")}),
    )


class InvitationForm(forms.Form):
    file = forms.FileField(label=_("Invitation letter (PDF, JPEG or PNG)"))


class SubmitForm(forms.Form):
    overlap_reason = forms.CharField(
        label=_("Reason for the overlap"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when the dates overlap another of your missions."),
    )


class IdListField(forms.TypedMultipleChoiceField):
    """Ids of records: any id is accepted here, the service decides what the user may do."""

    def __init__(self, **kwargs):
        super().__init__(coerce=int, required=False, choices=(), **kwargs)

    def valid_value(self, value) -> bool:
        return str(value).isdigit() and len(str(value)) < 12


class BulkDecisionForm(forms.Form):
    """Several requests of the inbox approved at once, each checked on its own."""

    missions = IdListField()
    advances = IdListField()
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000)

    def clean(self):
        data = super().clean()
        if not data.get("missions") and not data.get("advances"):
            raise forms.ValidationError(_("Select at least one request."))
        return data


class DelegationForm(forms.Form):
    delegate: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Delegate"),
        queryset=None,
        required=False,
        empty_label=_("Nobody: my requests go to the alternates"),
        help_text=_("Decides on your approvals while you are away; each decision says so."),
    )
    starts_on = BoundedDateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = BoundedDateField(
        label=_("Until (inclusive)"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=200)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        people = get_user_model().objects.filter(is_active=True).order_by("first_name", "last_name")
        if user is not None:
            people = people.exclude(pk=user.pk)
        self.fields["delegate"].queryset = people
        self.fields["delegate"].label_from_instance = display_name


class BudgetLineForm(forms.Form):
    """SPEC §2.5: a donor budget line, added or changed by the Finance Director."""

    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.order_by("code"))
    code = forms.CharField(label=_("Line code"), max_length=30)
    description = forms.CharField(label=_("Description"), max_length=200)
    amount = forms.DecimalField(
        label=_("Approved (USD)"), min_value=Decimal("0"), max_digits=14, decimal_places=2
    )
    period_start = forms.DateField(label=_("Period from"), widget=forms.DateInput({"type": "date"}))
    period_end = forms.DateField(label=_("Period to"), widget=forms.DateInput({"type": "date"}))
    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=300,
        help_text=_("Donor approval or amendment, with its date; kept in the history."),
    )


class BudgetImportForm(forms.Form):
    file = forms.FileField(
        label=_("Budget file (CSV or XLSX)"),
        help_text=_(
            "Columns: project, code, description, amount_usd, period_start, period_end "
            "(dates YYYY-MM-DD). Any bad line rejects the whole file."
        ),
    )


class BudgetLineChoiceField(forms.ModelChoiceField):
    """A searchable picker of budget lines (the destination search box, without JS a plain
    select), labelled with the project so that a line cannot be mistaken for another's."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.Select(
                attrs={"data-destination-search": _("Search a budget line by code or words")}
            ),
        )
        super().__init__(**kwargs)

    def label_from_instance(self, obj):
        return f"{obj.project.code} · {obj.code} · {obj.description}"


class MapLineForm(forms.Form):
    line = BudgetLineChoiceField(label=_("Budget line"), queryset=None)

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        from missions.models import BudgetLine

        self.fields["line"].queryset = BudgetLine.objects.filter(project=project).select_related(
            "project"
        )
