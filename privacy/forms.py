from django import forms
from django.utils.translation import gettext_lazy as _

from privacy.models import ArcoRequest, Channel

RIGHT_HELP = {
    "informacion": _(
        "Know what data we hold about you, what for, where it came from and who receives it."
    ),
    "acceso": _("Get a copy of all the personal data we hold about you."),
    "rectificacion": _("Correct, update or complete data that is wrong or incomplete."),
    "cancelacion": _(
        "Have your data erased when it is no longer needed (unless the law requires us to keep it)."
    ),
    "oposicion": _("Object to a use of your data, for a legitimate reason of your own."),
    "tratamiento_objetivo": _(
        "Not be subject to decisions taken only by automated processing of your data."
    ),
    "portabilidad": _("Receive your data in a structured, machine-readable format."),
}


class ArcoRequestForm(forms.Form):
    """R-A1: the public form; the rules are checked by the service, once."""

    right = forms.ChoiceField(
        label=_("Which right do you want to exercise?"),
        choices=ArcoRequest.Right.choices,
        widget=forms.RadioSelect,
    )
    full_name = forms.CharField(label=_("Full name of the data subject"), max_length=200)
    document_type = forms.ChoiceField(
        label=_("Identity document"), choices=ArcoRequest.DocumentType.choices
    )
    document_number = forms.CharField(label=_("Document number"), max_length=20)
    document_file = forms.FileField(
        label=_("Copy of the identity document"),
        help_text=_("PDF, JPEG or PNG."),
        required=False,
    )
    email = forms.CharField(
        label=_("E-mail for notifications"),
        help_text=_("Optional when you give a postal address."),
        max_length=254,
        required=False,
    )
    address = forms.CharField(
        label=_("Postal address for notifications"),
        help_text=_("Optional when you give an e-mail address."),
        max_length=300,
        required=False,
    )
    request_detail = forms.CharField(
        label=_("What do you ask for?"),
        help_text=_("For a rectification, say which data is wrong and what it should say."),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )
    supporting_file = forms.FileField(label=_("Supporting document (optional)"), required=False)
    representative_name = forms.CharField(
        label=_("Representative's full name"), max_length=200, required=False
    )
    representative_document_number = forms.CharField(
        label=_("Representative's document number"), max_length=20, required=False
    )
    power_of_attorney_file = forms.FileField(
        label=_("Power of attorney"), help_text=_("PDF, JPEG or PNG."), required=False
    )
    notice_acknowledged = forms.BooleanField(
        label=_("I have read the privacy notice."), required=False
    )


class IntakeForm(ArcoRequestForm):
    """R-A1: a request received on paper or by e-mail, entered by the officer with its real
    channel and date of receipt (the deadlines run from that date)."""

    channel = forms.ChoiceField(
        label=_("Received by"),
        choices=[(Channel.PAPER, _("Paper (in person or by post)")), (Channel.EMAIL, _("E-mail"))],
    )
    received_on = forms.DateField(
        label=_("Date of receipt"),
        help_text=_("The day it reached the organization: the deadlines count from it."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    language = forms.ChoiceField(
        label=_("Language of the request"),
        help_text=_("Letters and e-mails about it are written in this language."),
        choices=[("es", _("Spanish")), ("en", _("English"))],
    )
    notice_acknowledged = forms.BooleanField(
        label=_("The requester confirmed having been shown the privacy notice."), required=False
    )


class CorrectionForm(forms.Form):
    correction_text = forms.CharField(
        label=_("Your correction"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    correction_file = forms.FileField(label=_("Document (optional)"), required=False)


class TrackingForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=40,
        help_text=_("With or without dashes, in capitals or not."),
    )


class AcknowledgementForm(forms.Form):
    """The acknowledgement PDF again, from any browser (issue 20)."""

    code = forms.CharField(label=_("Tracking code"), max_length=40)
    document_number = forms.CharField(
        label=_("Number of the identity document given when filing"), max_length=20
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="ack", **kwargs)


class ObserveForm(forms.Form):
    observations = forms.CharField(
        label=_("What is missing"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ExtendForm(forms.Form):
    reason = forms.CharField(
        label=_("Justification"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class RefuseForm(forms.Form):
    ground = forms.ChoiceField(label=_("Ground"), choices=ArcoRequest.RefusalGround.choices)
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ArcoRequest.Outcome.choices)
    response_text = forms.CharField(
        label=_("Response letter"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    # A field named "data": the form's metaclass moves it to base_fields, Form.data stays.
    data = forms.ChoiceField(  # type: ignore[assignment]
        label=_("The person's data (acceso granted)"),
        choices=[
            ("attach", _("Attached to the letter (PDF and JSON)")),
            ("later", _("Sent later, within 10 business days (R-A2)")),
            ("none", _("None held: the person has no account")),
        ],
        initial="attach",
        widget=forms.RadioSelect,
        required=False,
    )
    controller_name = forms.CharField(
        label=_("Send the data also to the controller"),
        help_text=_("Portability: only when the person asked for it in the request."),
        max_length=200,
        required=False,
    )
    controller_email = forms.CharField(
        label=_("The controller's e-mail address"), max_length=254, required=False
    )


class RectifyForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), required=False)
    last_name = forms.CharField(label=_("Last name"), required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    document_number = forms.CharField(label=_("Identity document number"), required=False)


class VerifyIdentityForm(forms.Form):
    """R-A1: how the requester's identity was verified, before anything is disclosed."""

    method = forms.ChoiceField(
        label=_("How identity was verified"), choices=ArcoRequest.IdentityMethod.choices
    )
    note = forms.CharField(
        label=_("What was checked"),
        help_text=_("E.g. DNI original shown at the reception desk, photo and signature agree."),
        max_length=300,
        required=False,
    )


class ReviewDecisionForm(forms.Form):
    """R-A1 tratamiento objetivo: a person reviews the automated decision."""

    decision = forms.CharField(
        label=_("Decision reviewed"),
        help_text=_("E.g. the per diem computed for mission M-00012, sanction S-00003."),
        max_length=300,
        required=False,
    )
    outcome = forms.CharField(
        label=_("Outcome of the review"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
