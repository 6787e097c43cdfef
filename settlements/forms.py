"""Thin HTML forms: they parse input; the services decide."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.template.loader import render_to_string
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


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """One or several files in one field (`<input type="file" multiple>`)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else single(data, initial)


ACCEPT = "application/pdf,image/jpeg,image/png"


class UploadForm(forms.Form):
    """Upload first (issue 19): a photo taken now, or one or several files; each becomes a
    draft line at once."""

    # One photo at a time: some phone browsers ignore `capture` on a `multiple` input.
    photo = MultipleFileField(
        label=_("Take a photo of the receipt"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png", "capture": "environment"}
        ),
    )
    # A field named "files": the form's metaclass moves it to base_fields, Form.files stays.
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Or choose or drop one or several files (PDF, JPEG or PNG)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPT, "multiple": True}),
    )

    def clean(self):
        data = super().clean()
        uploads = [*(data.get("photo") or []), *(data.get("files") or [])]
        if not uploads:
            raise forms.ValidationError(_("Take a photo or choose at least one file."))
        data["uploads"] = uploads
        return data


def _blank_first(choices):
    return [("", "—"), *choices]


class ReceiptEditForm(ReceiptForm):
    """Every field of a line, changed in place; a new file or call detail replaces the old."""

    receipt: Receipt  # set by for_receipt

    receipt_type = forms.ChoiceField(label=_("Type"), choices=_blank_first(ReceiptType.choices))
    category = forms.ChoiceField(label=_("Category"), choices=_blank_first(Category.choices))
    file = forms.FileField(
        label=_("Replace the receipt file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    call_detail = forms.FileField(
        label=_("Call detail (phone calls)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    @classmethod
    def for_receipt(cls, receipt: Receipt, data=None, files=None) -> ReceiptEditForm:
        initial = {
            name: getattr(receipt, name)
            for name in cls.base_fields
            if name not in ("file", "call_detail")
        }
        if receipt.draft and not receipt.amount:
            initial["amount"] = None
        form = cls(data, files, initial=initial, prefix=f"r{receipt.pk}")
        form.receipt = receipt
        return form


class ReviewForm(forms.Form):
    receipt_pk: int  # set by review_form_of
    # No decision is preselected: a line not yet decided shows "Not reviewed", a decided line
    # shows what was saved (never "Accepted" by default, issue 20).
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("", _("Not reviewed"))]
        + [(c, label) for c, label in Receipt.Decision.choices if c != "pending"],
    )
    accepted_usd = forms.DecimalField(
        label=_("Amount accepted (USD)"), max_digits=14, decimal_places=2, required=False
    )
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


def review_fields(receipts: Iterable[Receipt]) -> dict[int, SafeString]:
    """The fields of the review form of each line of the review page, by receipt (ids
    `line<pk>_decision`...), showing the decision saved on the line: lines not yet decided
    share one rendering, a decided line is rendered with its decision, amount and reason."""
    receipts = list(receipts)
    pending = [r.pk for r in receipts if r.decision == Receipt.Decision.PENDING]
    fields = form_per_row("settlements/_review_fields.html", ReviewForm, pending, prefix="line")
    for receipt in receipts:
        if receipt.decision != Receipt.Decision.PENDING:
            fields[receipt.pk] = review_fields_of(receipt)
    return fields


def review_form_of(receipt: Receipt, data=None) -> ReviewForm:
    """The review form of one line, bound to `data` or showing the decision saved."""
    saved = {}
    if receipt.decision != Receipt.Decision.PENDING:
        saved = {
            "decision": receipt.decision,
            "accepted_usd": receipt.accepted_usd if receipt.decision == "cut" else None,
            "reason": receipt.decision_reason,
        }
    form = ReviewForm(data, initial=saved, auto_id=f"line{receipt.pk}_%s")
    form.receipt_pk = receipt.pk
    return form


def review_fields_of(receipt: Receipt, form: ReviewForm | None = None) -> SafeString:
    return render_to_string(
        "settlements/_review_fields.html", {"form": form or review_form_of(receipt)}
    )


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
