"""Thin HTML forms: they parse input; the services decide."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from settlements.models import Document, Receipt
from settlements.rules import Category, ReceiptType
from viaticos.form_rows import form_per_row
from viaticos.limits import BoundedDateField, BoundedDateTimeField


class TimesForm(forms.Form):
    actual_departure_at = BoundedDateTimeField(
        label=_("Actual departure"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    actual_return_at = BoundedDateTimeField(
        label=_("Actual return"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Document"),
        choices=[
            (Document.Kind.PROOF_OF_TRAVEL, Document.Kind.PROOF_OF_TRAVEL.label),
            (Document.Kind.MISSION_REPORT, Document.Kind.MISSION_REPORT.label),
        ],
    )
    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"))


class ReceiptForm(forms.Form):
    receipt_type = forms.ChoiceField(label=_("Type"), choices=ReceiptType.choices)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    issuer_name = forms.CharField(label=_("Issuer"), max_length=200)
    issuer_tax_id = forms.CharField(label=_("Issuer tax id"), max_length=30, required=False)
    number = forms.CharField(label=_("Number"), max_length=40)
    customer_name = forms.CharField(label=_("Issued to (name)"), max_length=200, required=False)
    customer_tax_id = forms.CharField(label=_("Issued to (tax id)"), max_length=30, required=False)
    date = BoundedDateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="USD")
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    outside_dates_reason = forms.CharField(
        label=_("Reason if dated outside the mission"), max_length=300, required=False
    )
    exception_reason = forms.CharField(
        label=_("Reason for an exception (laundry, minibar, alcohol)"),
        max_length=300,
        required=False,
    )
    file = forms.FileField(label=_("Receipt file (PDF, JPEG or PNG)"))
    call_detail = forms.FileField(label=_("Call detail (phone calls)"), required=False)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(c, label) for c, label in Receipt.Decision.choices if c != "pending"],
    )
    accepted_usd = forms.DecimalField(
        label=_("Amount accepted (USD)"), max_digits=14, decimal_places=2, required=False
    )
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


def review_fields(receipt_pks: Iterable[int]) -> dict[int, SafeString]:
    """The fields of the review form of each line of the review page, by receipt (ids
    `line<pk>_decision`...)."""
    return form_per_row("settlements/_review_fields.html", ReviewForm, receipt_pks, prefix="line")


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class PerDiemLineForm(forms.Form):
    """R-7i: the General Accountant's decision on one per-diem line."""

    date = BoundedDateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    concept = forms.ChoiceField(
        label=_("Concept"), choices=[("lodging", _("Lodging")), ("meals", _("Meals"))]
    )
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("accepted", _("Accept")), ("cut", _("Cut"))]
    )
    accepted_usd = forms.DecimalField(
        label=_("Accepted (USD)"), max_digits=14, decimal_places=2, required=False
    )
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class BalanceForm(forms.Form):
    on = BoundedDateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label=_("Reference"), max_length=80, required=False)


class ReciboForm(forms.Form):
    """R-3.12 exception: what the Recibo de Egresos says before the traveler signs it."""

    date = BoundedDateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("Place"), max_length=100, required=False)
    concept = forms.CharField(label=_("Concept"), max_length=200)
    payee_name = forms.CharField(label=_("Paid to"), max_length=200, required=False)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="USD")
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2, min_value=0.01)
