"""HTML forms: they parse and shape input; the rules are in services and rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from missions.models import Advance, Destination, Mission
from missions.perdiem import MEAL_TIMES
from missions.rules import LegInput
from viaticos.models import Project

LEG_SLOTS = 3
DT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _dt_field(label, required=True):
    return forms.DateTimeField(
        label=label, required=required, input_formats=DT_FORMATS, widget=DateTimeInput()
    )


class MissionForm(forms.Form):
    project = forms.ModelChoiceField(
        label=_("Project"), queryset=Project.objects.filter(is_active=True)
    )
    budget_line = forms.CharField(label=_("Budget line"), max_length=60)
    kind = forms.ChoiceField(label=_("Type of mission"), choices=Mission.Kind.choices)
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 3}))
    expected_results = forms.CharField(
        label=_("Expected results"), widget=forms.Textarea(attrs={"rows": 3})
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
        destinations = Destination.objects.order_by("name")
        for n in range(1, LEG_SLOTS + 1):
            required = n == 1
            self.fields[f"leg{n}_destination"] = forms.ModelChoiceField(
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
        names = ["project", "budget_line", "kind", "purpose", "expected_results"]
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
            "budget_line": d["budget_line"],
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
            "budget_line": mission.budget_line,
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
    disbursed_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    method = forms.ChoiceField(label=_("Method"), choices=Advance.Method.choices)
    reference = forms.CharField(label=_("Reference"), max_length=80, required=False)


class ReturnForm(forms.Form):
    returned_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label=_("Reference"), max_length=80, required=False)


class InvitationForm(forms.Form):
    file = forms.FileField(label=_("Invitation letter (PDF, JPEG or PNG)"))
