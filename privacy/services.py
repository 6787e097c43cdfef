"""Every write of the privacy app: one function per business action (STYLE.md)."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from privacy import documents, rules
from privacy.errors import PrivacyError
from privacy.models import (
    AccessLogEntry,
    ArcoAttachment,
    ArcoDelivery,
    ArcoRequest,
    BlockedRecord,
    Channel,
    ConsentEvent,
    NoticeAcknowledgement,
    PrivacyNotice,
    Purpose,
)
from privacy.registry import Hold, subject_export_masked
from viaticos import crypto, outbox
from viaticos.errors import CommonError, DomainError
from viaticos.files import save_file
from viaticos.people import display_name
from viaticos.rules_registry import enforces
from viaticos.services import lock, save
from viaticos.uploads import check_upload

log = logging.getLogger(__name__)

TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone


def request_language() -> str:
    """The language a request is filed in (the page's or the API call's): Spanish unless the
    filer uses English. Every message and letter about the request is written in it."""
    return "en" if (translation.get_language() or "es").startswith("en") else "es"


def generate_tracking_code() -> str:
    """Random and unguessable: 16 symbols of 5 bits (80 bits) from `secrets`."""
    raw = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def _history(obj, actor, reason: str) -> None:
    obj._history_user = actor
    obj._change_reason = reason


# --- R-A1 filing ---


@dataclass
class ArcoFiling:
    right: str
    full_name: str
    document_type: str
    document_number: str
    email: str
    request_detail: str
    notice_acknowledged: bool
    address: str = ""
    representative_name: str = ""
    representative_document_number: str = ""


# What the form may carry: one line each (a name with line breaks turned the acknowledgement
# into a phishing letter), and no more than the columns hold.
SINGLE_LINE_FIELDS = {
    "full_name": 200,
    "document_number": 20,
    "email": 254,
    "address": 300,
    "representative_name": 200,
    "representative_document_number": 20,
}
REQUEST_DETAIL_MAX = 4000


def is_single_line(value: str) -> bool:
    """No line break, tab or other control or format character (Unicode Cc, Cf: zero-width
    and bidirectional marks included)."""
    return not any(unicodedata.category(char) in ("Cc", "Cf") for char in value)


def _check_lines(filing: ArcoFiling) -> None:
    for name, limit in SINGLE_LINE_FIELDS.items():
        value = getattr(filing, name) or ""
        if not is_single_line(value):
            raise DomainError(
                PrivacyError.NOT_SINGLE_LINE,
                _("This field must be a single line of text, without line breaks."),
                field=name,
            )
        if len(value.strip()) > limit:
            raise DomainError(
                PrivacyError.TOO_LONG,
                _("At most %(limit)s characters.") % {"limit": limit},
                field=name,
            )
    detail = filing.request_detail or ""
    if len(detail.strip()) > REQUEST_DETAIL_MAX or not is_single_line(
        detail.replace("\n", "").replace("\r", "").replace("\t", "")
    ):
        raise DomainError(
            PrivacyError.REQUEST_DETAIL_INVALID,
            _("Describe your request in at most %(limit)s characters of plain text.")
            % {"limit": REQUEST_DETAIL_MAX},
            field="request_detail",
        )


@enforces("R-A1")
def _validate_filing(filing: ArcoFiling, document_file, power_of_attorney_file) -> None:
    """R-A1: what a request must carry; every message is for the requester."""
    if filing.right not in ArcoRequest.Right.values:
        raise DomainError(
            PrivacyError.UNKNOWN_RIGHT,
            _("Choose one of the rights: %(rights)s.")
            % {"rights": ", ".join(ArcoRequest.Right.values)},
            field="right",
        )
    if not filing.notice_acknowledged:
        raise DomainError(
            PrivacyError.NOTICE_NOT_ACKNOWLEDGED,
            _("Confirm that you have read the privacy notice."),
            field="notice_acknowledged",
        )
    _check_lines(filing)
    if not filing.full_name.strip():
        raise DomainError(
            PrivacyError.FULL_NAME_REQUIRED, _("Enter your full name."), field="full_name"
        )
    if filing.document_type not in ArcoRequest.DocumentType.values:
        raise DomainError(
            PrivacyError.UNKNOWN_DOCUMENT_TYPE,
            _("The identity document must be a DNI, a foreigner's card (CE) or a passport."),
            field="document_type",
        )
    if not filing.document_number.strip():
        raise DomainError(
            PrivacyError.DOCUMENT_NUMBER_REQUIRED,
            _("Enter the number of your identity document."),
            field="document_number",
        )
    # SPEC §7: a postal address is enough to file; an e-mail, when given, must be one.
    if not filing.email.strip() and not filing.address.strip():
        raise DomainError(
            PrivacyError.NOTIFICATION_ADDRESS_REQUIRED,
            _("Give an e-mail address or a postal address where we can answer you."),
            field="email",
        )
    if filing.email.strip():
        try:
            validate_email(filing.email.strip())
        except ValidationError:
            raise DomainError(
                PrivacyError.INVALID_EMAIL,
                _("Enter a valid e-mail address for notifications."),
                field="email",
            ) from None
    if not filing.request_detail.strip():
        raise DomainError(
            PrivacyError.REQUEST_DETAIL_REQUIRED,
            _("Describe what you are asking for."),
            field="request_detail",
        )
    if document_file is None:
        raise DomainError(
            PrivacyError.DOCUMENT_FILE_REQUIRED,
            _("Attach a copy of your identity document (PDF, JPEG or PNG)."),
            field="document_file",
        )
    if filing.representative_name.strip() or filing.representative_document_number.strip():
        if not filing.representative_name.strip():
            raise DomainError(
                PrivacyError.REPRESENTATIVE_NAME_REQUIRED,
                _("Enter the representative's full name."),
                field="representative_name",
            )
        if not filing.representative_document_number.strip():
            raise DomainError(
                PrivacyError.REPRESENTATIVE_DOCUMENT_REQUIRED,
                _("Enter the representative's identity document number."),
                field="representative_document_number",
            )
        if power_of_attorney_file is None:
            raise DomainError(
                PrivacyError.POWER_OF_ATTORNEY_REQUIRED,
                _("A request filed by a representative needs a copy of the power of attorney."),
                field="power_of_attorney_file",
            )


@enforces("R-A1", "R-A2")
def arco_request_file(
    *,
    filing: ArcoFiling,
    document_file,
    power_of_attorney_file=None,
    supporting_file=None,
    today: dt.date,
    channel: str = Channel.WEB,
    ip_address: str | None = None,
    actor=None,
) -> ArcoRequest:
    """R-A1, R-A2: file a request; nothing is stored unless everything is valid (`actor`: the
    officer who entered a request received on paper or by e-mail).

    Uploads are checked (by content) before anything is written; files written to storage are
    removed again if the transaction does not commit, so no orphan file is left behind.
    """
    _validate_filing(filing, document_file, power_of_attorney_file)
    checked = [(ArcoAttachment.Kind.IDENTITY, check_upload(document_file, field="document_file"))]
    if power_of_attorney_file is not None and filing.representative_name.strip():
        checked.append(
            (
                ArcoAttachment.Kind.POWER_OF_ATTORNEY,
                check_upload(power_of_attorney_file, field="power_of_attorney_file"),
            )
        )
    if supporting_file is not None:
        checked.append(
            (ArcoAttachment.Kind.SUPPORTING, check_upload(supporting_file, field="supporting_file"))
        )
    stored: list[str] = []
    try:
        request = _arco_request_create(filing, checked, stored, today, channel, ip_address, actor)
    except BaseException:
        _delete_files(stored)
        raise
    return request


# R-A1: the channels the officer enters a request from, with its real date of receipt.
INTAKE_CHANNELS = (Channel.PAPER, Channel.EMAIL)


@enforces("R-A1", "R-A2")
def arco_request_intake(
    *,
    actor,
    filing: ArcoFiling,
    channel: str,
    received_on: dt.date,
    language: str,
    document_file,
    power_of_attorney_file=None,
    supporting_file=None,
    today: dt.date,
) -> ArcoRequest:
    """R-A1, R-A2: the officer enters a request received on paper or by e-mail, with its real
    channel and date of receipt: its deadlines run from that date, not from the typing."""
    if channel not in INTAKE_CHANNELS:
        raise DomainError(
            PrivacyError.UNKNOWN_CHANNEL, _("Choose how the request was received."), field="channel"
        )
    if received_on > today:
        raise DomainError(
            PrivacyError.RECEIVED_IN_FUTURE,
            _("The date of receipt cannot be later than today."),
            field="received_on",
        )
    if received_on < today - dt.timedelta(days=366):
        raise DomainError(
            PrivacyError.RECEIVED_TOO_OLD,
            _("The date of receipt is more than a year ago: check it."),
            field="received_on",
        )
    if language not in ("es", "en"):
        raise DomainError(
            PrivacyError.UNKNOWN_LANGUAGE, _("Choose Spanish or English."), field="language"
        )
    with translation.override(language):
        request = arco_request_file(
            filing=filing,
            document_file=document_file,
            power_of_attorney_file=power_of_attorney_file,
            supporting_file=supporting_file,
            today=received_on,
            channel=channel,
            actor=actor,
        )
    return request


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:  # pragma: no cover - best effort
            log.warning("could not delete %s", name)


@transaction.atomic
def _arco_request_create(
    filing, checked, stored, today, channel, ip_address, actor=None
) -> ArcoRequest:
    cal = rules.arco_calendar()
    due = rules.due_date(cal, filing.right, today)
    request = ArcoRequest(
        tracking_code=generate_tracking_code(),
        right=filing.right,
        full_name=filing.full_name.strip(),
        document_type=filing.document_type,
        document_number=filing.document_number.strip(),
        email=filing.email.strip(),
        address=filing.address.strip(),
        request_detail=filing.request_detail.strip(),
        notice_acknowledged=True,
        representative_name=filing.representative_name.strip(),
        representative_document_number=filing.representative_document_number.strip(),
        channel=channel,
        language=request_language(),
        ip_address=ip_address,
        received_on=today,
        counts_from=today,
        original_due_date=due,
        due_date=due,
    )
    _history(request, actor, "filed" if actor is None else f"entered by the officer ({channel})")
    request.save()
    for kind, upload in checked:
        # Identity copies, powers of attorney and what comes with them are encrypted at rest.
        name = save_file(upload.storage_name("arco"), crypto.encrypt_bytes(upload.content))
        stored.append(name)
        ArcoAttachment.objects.create(
            request=request,
            kind=kind,
            storage_name=name,
            content_type=upload.content_type,
            sha256=upload.sha256,
            original_name=upload.original_name,
        )
    # R-A6, R-A1: the acknowledgement is written to the outbox with the request. It goes to an
    # address nobody has verified, so it carries the tracking code, the right, the dates and the
    # link that confirms the address, nothing else the filer wrote (no name, no PDF).
    _queue_email(request, ArcoDelivery.Kind.ACKNOWLEDGEMENT, "acknowledgement")
    return request


# --- R-A1 verified delivery ---

CONFIRM_SALT = "privacy.arco.email-confirmation"
CONFIRM_MAX_AGE = dt.timedelta(days=30)


def email_confirmation_token(request: ArcoRequest) -> str:
    """Signed (SECRET_KEY) pair of the request and the address: nothing to store, and a token
    for one address does not confirm another."""
    return signing.dumps({"r": request.pk, "e": request.email.strip().lower()}, salt=CONFIRM_SALT)


def email_confirmation_url(request: ArcoRequest) -> str:
    from viaticos.links import site_link

    return site_link("privacy:arco-confirm-email", email_confirmation_token(request))


def email_confirmation_request(token: str) -> ArcoRequest:
    """The request a confirmation link is for, or DomainError (expired, altered, or the
    address changed since)."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
        request = ArcoRequest.objects.get(pk=int(data["r"]))
    except (signing.BadSignature, ArcoRequest.DoesNotExist, KeyError, TypeError, ValueError):
        raise DomainError(
            PrivacyError.CONFIRMATION_INVALID,
            _("This confirmation link is not valid or has expired."),
        ) from None
    if request.email.strip().lower() != data["e"] or request.anonymized:
        raise DomainError(
            PrivacyError.CONFIRMATION_INVALID,
            _("This confirmation link is not valid or has expired."),
        )
    return request


@enforces("R-A1")
def personal_data_recipient(request: ArcoRequest) -> str:
    """R-A1: where a letter or data carrying personal data may be e-mailed: the e-mail of the
    linked account, or, without an account, the address the requester confirmed through the
    link sent to it. Empty: nowhere yet (the e-mail is held, the officer sees why)."""
    if request.subject is not None:
        return (request.subject.email or "").strip()
    if request.email and request.email_confirmed_at:
        return request.email
    return ""


# R-A1: personal data leaves by an expiring link to the verified address, never as an
# attachment (a forwarded or intercepted e-mail would carry it for ever).
DOWNLOAD_SALT = "privacy.arco.download"
DOWNLOAD_MAX_AGE = dt.timedelta(days=7)
DOWNLOADABLE = (
    ArcoAttachment.Kind.RESPONSE,
    ArcoAttachment.Kind.EXPORT_PDF,
    ArcoAttachment.Kind.EXPORT_JSON,
)


def download_url(request: ArcoRequest, to: str, *, controller: bool = False) -> str:
    """The link of an e-mail carrying personal data: signed for the request and the verified
    address it goes to, valid DOWNLOAD_MAX_AGE. A controller the person named (portability)
    gets the JSON export only."""
    from viaticos.links import site_link

    payload = {"r": request.pk, "e": to.strip().lower(), "c": int(controller)}
    return site_link("privacy:arco-download", signing.dumps(payload, salt=DOWNLOAD_SALT))


def download_kinds(token: str) -> tuple:
    """What a (valid) download link opens: everything for the person, the JSON export for a
    controller they named."""
    data = signing.loads(token, salt=DOWNLOAD_SALT, max_age=DOWNLOAD_MAX_AGE)
    return (ArcoAttachment.Kind.EXPORT_JSON,) if data.get("c") else DOWNLOADABLE


@enforces("R-A1")
def download_request(token: str) -> ArcoRequest:
    """The request a download link is for, or DomainError: expired, altered, the request
    anonymized, or the address it was sent to no longer the verified one."""
    invalid = DomainError(
        PrivacyError.DOWNLOAD_INVALID,
        _(
            "This link is not valid or has expired (links work for %(days)s days). Ask the "
            "Personal Data Officer to send it again."
        )
        % {"days": DOWNLOAD_MAX_AGE.days},
    )
    try:
        data = signing.loads(token, salt=DOWNLOAD_SALT, max_age=DOWNLOAD_MAX_AGE)
        request = ArcoRequest.objects.select_related("subject").get(pk=int(data["r"]))
    except (signing.BadSignature, ArcoRequest.DoesNotExist, KeyError, TypeError, ValueError):
        raise invalid from None
    if data.get("c"):
        sent = request.deliveries.filter(
            kind=ArcoDelivery.Kind.DATA, channel="email", to__iexact=data["e"]
        ).exists()
        if request.anonymized or not sent:
            raise invalid
    elif request.anonymized or personal_data_recipient(request).lower() != data["e"]:
        raise invalid
    return request


def _built_and_kept(builder: str, *args) -> list:
    """Build the files (kept in the request's file) without attaching them to the e-mail."""
    outbox.build(builder, *args)
    return []


@enforces("R-A1")
@transaction.atomic
def arco_request_confirm_email(*, token: str) -> ArcoRequest:
    """R-A1: the requester confirms the notification address by opening the link sent to it;
    letters held for want of a verified address are then sent."""
    found = email_confirmation_request(token)
    request = _locked(found.pk)
    if request.email_confirmed_at is None:
        request.email_confirmed_at = documents.now()
        save(request, actor=None, reason="e-mail confirmed", fields=["email_confirmed_at"])
        _release_held(request)
    return request


def _release_held(request: ArcoRequest) -> None:
    """Queue the letters and data held until the address was confirmed (R-A1): each held
    delivery becomes the record of the sending, with the files kept in the request's file."""
    if not personal_data_recipient(request):
        return
    builders: dict[str, tuple[str, str, tuple[str, ...]]] = {
        ArcoDelivery.Kind.RESPONSE: ("response", "privacy.response_files", (EXPORT_FULL,)),
        ArcoDelivery.Kind.DATA: ("data", "privacy.data_files", ()),
    }
    for delivery in request.deliveries.filter(status=ArcoDelivery.Status.HELD, channel="email"):
        template, builder, args = builders[delivery.kind]
        _queue_email(
            request,
            delivery.kind,
            template,
            attachments=[outbox.built_files(builder, request.pk, *args)],
            delivery=delivery,
        )


def _locked(request_id: int) -> ArcoRequest:
    try:
        return ArcoRequest.objects.select_for_update().get(pk=request_id)
    except ArcoRequest.DoesNotExist:
        raise DomainError(CommonError.NOT_FOUND, _("This request does not exist.")) from None


# --- R-A4 observations and correction ---


@enforces("R-A4")
@transaction.atomic
def arco_request_observe(
    *, actor, request_id: int, observations: str, today: dt.date
) -> ArcoRequest:
    """R-A4: ask the requester to complete the request, within 5 business days of receipt."""
    request = _locked(request_id)
    if request.status != ArcoRequest.Status.RECEIVED or request.observed_on:
        raise DomainError(
            PrivacyError.CANNOT_OBSERVE,
            _("Observations can be sent only once, on a received request."),
        )
    if not observations.strip():
        raise DomainError(
            PrivacyError.OBSERVATIONS_REQUIRED, _("Write what is missing."), field="observations"
        )
    cal = rules.arco_calendar()
    if today > rules.observation_deadline(cal, request.received_on):
        raise DomainError(
            PrivacyError.OBSERVATION_WINDOW_CLOSED,
            _("Observations must be sent within 5 business days of receipt (R-A4)."),
        )
    request.status = ArcoRequest.Status.OBSERVED
    request.observed_on = today
    request.observations = observations.strip()
    request.correction_due_date = rules.correction_deadline(cal, today)
    save(
        request,
        actor=actor,
        reason="observed",
        fields=["status", "observed_on", "observations", "correction_due_date"],
    )
    _queue_email(request, ArcoDelivery.Kind.OBSERVATIONS, "observations")
    return request


@enforces("R-A4")
def arco_request_correct(
    *, tracking_code: str, correction_text: str, correction_file=None, today: dt.date
) -> ArcoRequest:
    """R-A4: the requester fixes the request; the deadline counts again from the day after."""
    checked = check_upload(correction_file, field="correction_file") if correction_file else None
    if not correction_text.strip():
        raise DomainError(
            PrivacyError.CORRECTION_REQUIRED,
            _("Write the correction you were asked for."),
            field="correction_text",
        )
    stored: list[str] = []
    try:
        return _arco_request_correct(tracking_code, correction_text, checked, today, stored)
    except BaseException:
        _delete_files(stored)
        raise


@transaction.atomic
def _arco_request_correct(tracking_code, correction_text, checked, today, stored):
    request = ArcoRequest.objects.select_for_update().filter(tracking_code=tracking_code).first()
    if request is None:
        raise DomainError(CommonError.NOT_FOUND, _("This request does not exist."))
    if request.status != ArcoRequest.Status.OBSERVED:
        raise DomainError(
            PrivacyError.NOT_OBSERVED, _("This request is not waiting for a correction.")
        )
    if today > request.correction_due_date:
        raise DomainError(
            PrivacyError.CORRECTION_LATE,
            _("The 5 business days to correct the request have passed (R-A4)."),
        )
    cal = rules.arco_calendar()
    request.status = ArcoRequest.Status.RECEIVED
    request.corrected_on = today
    request.correction_text = correction_text.strip()
    request.counts_from = today
    request.original_due_date = request.due_date = rules.due_date(cal, request.right, today)
    _history(request, None, "corrected")
    request.save(
        update_fields=[
            "status",
            "corrected_on",
            "correction_text",
            "counts_from",
            "original_due_date",
            "due_date",
        ]
    )
    if checked:
        name = save_file(checked.storage_name("arco"), checked.content)
        stored.append(name)
        ArcoAttachment.objects.create(
            request=request,
            kind=ArcoAttachment.Kind.CORRECTION,
            storage_name=name,
            content_type=checked.content_type,
            sha256=checked.sha256,
            original_name=checked.original_name,
        )
    return request


@enforces("R-A4")
@transaction.atomic
def arco_request_close_not_filed(*, actor, request_id: int, today: dt.date) -> ArcoRequest:
    """R-A4: not corrected in time: closed as not filed, with a letter saying so (R-A7)."""
    request = _locked(request_id)
    due = request.correction_due_date  # set when the request is observed
    if request.status != ArcoRequest.Status.OBSERVED or due is None or today <= due:
        raise DomainError(
            PrivacyError.CANNOT_CLOSE_NOT_FILED,
            _("Only a request whose correction period has passed can be closed as not filed."),
        )
    request.status = ArcoRequest.Status.NOT_FILED
    request.closed_on = today
    with translation.override(request.language):  # the letter's language
        request.response_text = _(
            "You did not complete your request within the 5 business days you were given after "
            "our observations of %(date)s, so it is considered not filed (Reglamento of Ley "
            "29733, D.S. 016-2024-JUS). You may file a new request at any time."
        ) % {"date": request.observed_on.strftime("%d/%m/%Y") if request.observed_on else ""}
    save(
        request,
        actor=actor,
        reason="closed as not filed",
        fields=["status", "closed_on", "response_text"],
    )
    _queue_response(request)
    return request


# --- R-A3 extension ---


@enforces("R-A3")
@transaction.atomic
def arco_request_extend(*, actor, request_id: int, reason: str, today: dt.date) -> ArcoRequest:
    """R-A3: one extension of the same length, justified, before the original deadline;
    never for información."""
    request = _locked(request_id)
    if not rules.can_extend(request.right):
        raise DomainError(
            PrivacyError.EXTENSION_NOT_ALLOWED,
            _("A request for information cannot be extended (R-A3)."),
        )
    if request.status == ArcoRequest.Status.EXTENDED or request.extended_on:
        raise DomainError(
            PrivacyError.ALREADY_EXTENDED, _("The deadline can be extended only once (R-A3).")
        )
    if request.status != ArcoRequest.Status.RECEIVED:
        raise DomainError(PrivacyError.NOT_OPEN, _("Only a request in course can be extended."))
    if today > request.due_date:
        raise DomainError(
            PrivacyError.EXTENSION_TOO_LATE,
            _("The extension must be communicated before the original deadline (R-A3)."),
        )
    if not reason.strip():
        raise DomainError(
            PrivacyError.EXTENSION_REASON_REQUIRED, _("Justify the extension."), field="reason"
        )
    request.status = ArcoRequest.Status.EXTENDED
    request.extended_on = today
    request.extension_reason = reason.strip()
    request.due_date = rules.extended_due_date(
        rules.arco_calendar(), request.right, request.due_date
    )
    save(
        request,
        actor=actor,
        reason="extended",
        fields=["status", "extended_on", "extension_reason", "due_date"],
    )
    _queue_email(request, ArcoDelivery.Kind.EXTENSION, "extension")
    return request


# --- R-A5, R-A6 refusal and answer ---

ANSWERABLE = (ArcoRequest.Status.RECEIVED, ArcoRequest.Status.EXTENDED)


@enforces("R-A5")
@transaction.atomic
def arco_request_refuse(
    *, actor, request_id: int, ground: str, reason: str, today: dt.date
) -> ArcoRequest:
    """R-A5: refuse on a recorded ground, with the reason; the letter goes out (R-A6)."""
    request = _locked(request_id)
    if request.status not in ANSWERABLE:
        raise DomainError(PrivacyError.NOT_OPEN, _("This request is not in course."))
    if ground not in ArcoRequest.RefusalGround.values:
        raise DomainError(
            PrivacyError.UNKNOWN_GROUND, _("Choose a ground for refusing."), field="ground"
        )
    if not reason.strip():
        raise DomainError(CommonError.REASON_REQUIRED, _("Explain the refusal."), field="reason")
    request.status = ArcoRequest.Status.REFUSED
    request.refusal_ground = ground
    request.outcome = ArcoRequest.Outcome.DENIED
    request.response_text = reason.strip()
    request.closed_on = today
    _history(request, actor, f"refused: {ground}")
    request.save(
        update_fields=["status", "refusal_ground", "outcome", "response_text", "closed_on"]
    )
    _queue_response(request)
    return request


@enforces("R-A6", "R-A7", "R-A8")
@transaction.atomic
def arco_request_answer(
    *,
    actor,
    request_id: int,
    outcome: str,
    response_text: str,
    today: dt.date,
    data: str = "attach",
    controller_name: str = "",
    controller_email: str = "",
) -> ArcoRequest:
    """R-A6, R-A7: answer with a letter to the notification address; never closed without one.

    For acceso granted (`data`): the export (PDF + JSON, R-A8) goes with the letter, or the
    data is due within 10 more business days (R-A2, sent by arco_data_deliver), or the
    organization holds none of the requester's data (no account: the letter says so).
    Portabilidad granted is answered with the machine-readable JSON export attached (R-A1,
    R-A8). Tratamiento objetivo is granted only once a person has reviewed the decision
    (subjects.subject_review_decision).
    """
    request = _locked(request_id)
    if request.status not in ANSWERABLE:
        raise DomainError(PrivacyError.NOT_OPEN, _("This request is not in course."))
    if outcome not in ArcoRequest.Outcome.values:
        raise DomainError(PrivacyError.UNKNOWN_OUTCOME, _("Choose the outcome."), field="outcome")
    if not response_text.strip():
        raise DomainError(
            PrivacyError.RESPONSE_REQUIRED,
            _("A request cannot be closed without a response: write it."),
            field="response_text",
        )
    granted = outcome != ArcoRequest.Outcome.DENIED
    if request.right == ArcoRequest.Right.PORTABILIDAD and granted and not request.subject_id:
        raise DomainError(
            PrivacyError.NO_SUBJECT,
            _(
                "First link the request to the account of the person concerned: the data goes "
                "with the answer."
            ),
        )
    if (
        request.right == ArcoRequest.Right.TRATAMIENTO_OBJETIVO
        and granted
        and request.human_review_at is None
    ):
        raise DomainError(
            PrivacyError.REVIEW_REQUIRED,
            _("Record first who reviewed the automated decision, and the outcome."),
        )
    if granted and request.right != ArcoRequest.Right.INFORMACION:
        require_identity_verified(request)  # R-A1: nothing disclosed before
    request.status = ArcoRequest.Status.ANSWERED
    request.outcome = outcome
    # What carrying out the right recorded (R-A8: what is kept and why; who reviewed the
    # decision) stays in the letter under the officer's words.
    done = request.response_text.strip()
    text = response_text.strip()
    request.response_text = f"{text}\n\n{done}" if done and done not in text else text
    request.closed_on = today
    fields = ["status", "outcome", "response_text", "closed_on"]
    export = ""
    controller_name, controller_email = controller_name.strip(), controller_email.strip()
    if controller_email or controller_name:
        _check_controller(request, granted, controller_name, controller_email)
        with translation.override(request.language):  # the letter's language
            request.response_text += "\n\n" + _(
                "As you asked, your data in a structured, machine-readable format (JSON) was "
                "also sent to %(controller)s (%(email)s)."
            ) % {"controller": controller_name, "email": controller_email}
    if request.right == ArcoRequest.Right.PORTABILIDAD and granted:
        _require_account_email(request)
        export = EXPORT_JSON
    if request.right == ArcoRequest.Right.ACCESO and granted:
        if data not in ACCESS_DATA:
            raise DomainError(
                PrivacyError.UNKNOWN_DATA, _("Choose how the data is delivered."), field="data"
            )
        if data == ACCESS_DATA_ATTACH and not request.subject_id:
            raise DomainError(
                PrivacyError.NO_SUBJECT,
                _(
                    "First link the request to the account of the person concerned, or answer "
                    "that the data will follow within 10 business days."
                ),
            )
        if data == ACCESS_DATA_NONE and request.subject_id:
            raise DomainError(
                PrivacyError.DATA_HELD,
                _("This person has an account: attach their data or send it later."),
                field="data",
            )
        if data == ACCESS_DATA_NONE:
            with translation.override(request.language):  # the letter's language
                request.response_text += "\n\n" + _(
                    "We hold no personal data about you other than this request and its documents."
                )
        if data == ACCESS_DATA_ATTACH:
            _require_account_email(request)
            export = EXPORT_FULL
        elif data == ACCESS_DATA_LATER:
            request.data_delivery_due = rules.arco_calendar().add_business_days(
                today, rules.ACCESS_DELIVERY_DAYS
            )
            fields.append("data_delivery_due")
    save(request, actor=actor, reason=f"answered: {outcome}", fields=fields)
    _queue_response(request, export=export)
    if controller_email:
        _queue_to_controller(request, controller_name, controller_email)
    return request


def _check_controller(request: ArcoRequest, granted: bool, name: str, email: str) -> None:
    """R-A1 portability: the data may be sent to another controller the person named."""
    if request.right != ArcoRequest.Right.PORTABILIDAD or not granted:
        raise DomainError(
            PrivacyError.CONTROLLER_NOT_APPLICABLE,
            _("Only a granted portability request sends the data to another controller."),
            field="controller_email",
        )
    if not name or not is_single_line(name) or len(name) > 200:
        raise DomainError(
            PrivacyError.CONTROLLER_NAME_REQUIRED,
            _("Enter the name of the controller the person asked to receive the data."),
            field="controller_name",
        )
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(
            PrivacyError.INVALID_EMAIL,
            _("Enter a valid e-mail address for the controller."),
            field="controller_email",
        ) from None


def _queue_to_controller(request: ArcoRequest, name: str, email: str) -> None:
    """R-A1 portability: the JSON export, by an expiring link, to the controller named by the
    person in their request; the sending is logged like every other (R-A6)."""
    delivery = ArcoDelivery.objects.create(
        request=request,
        kind=ArcoDelivery.Kind.DATA,
        channel="email",
        to=email,
        status=ArcoDelivery.Status.QUEUED,
        detail=name[:300],
    )
    with translation.override(request.language):
        context = {
            "req": request,
            "controller": name,
            "download_url": download_url(request, email, controller=True),
            "download_days": DOWNLOAD_MAX_AGE.days,
        }
        subject = render_to_string("privacy/email/portability_subject.txt", context).strip()
        body = render_to_string("privacy/email/portability.txt", context)
    outbox.enqueue(
        kind=ARCO_EMAIL_KIND, ref=str(delivery.pk), subject=subject, body=body, to=[email]
    )


def _require_account_email(request: ArcoRequest) -> None:
    """R-A1: a person's data is e-mailed only to their account's address."""
    if request.subject is not None and not (request.subject.email or "").strip():
        raise DomainError(
            PrivacyError.ACCOUNT_WITHOUT_EMAIL,
            _(
                "The linked account has no e-mail address: the data is sent only there. Record "
                "the person's e-mail on their account first."
            ),
        )


# Acceso granted: how the person's data reaches them (R-A2, R-A8).
ACCESS_DATA_ATTACH, ACCESS_DATA_LATER, ACCESS_DATA_NONE = "attach", "later", "none"
ACCESS_DATA = (ACCESS_DATA_ATTACH, ACCESS_DATA_LATER, ACCESS_DATA_NONE)


ARCO_EMAIL_KIND = "privacy.arco"


PERSONAL_DATA_KINDS = (ArcoDelivery.Kind.RESPONSE, ArcoDelivery.Kind.DATA)


def _recipient(request: ArcoRequest, kind: str) -> str:
    """R-A1: the response letter and the data go only to personal_data_recipient; the other
    messages to the address given."""
    if kind in PERSONAL_DATA_KINDS:
        return personal_data_recipient(request)
    return request.email


def _hold(request: ArcoRequest, kind: str) -> None:
    """R-A1: no verified address yet: the delivery is logged as held, and queued when the
    requester confirms the address (`_release_held`)."""
    ArcoDelivery.objects.create(
        request=request,
        kind=kind,
        channel="email",
        to=request.email,
        status=ArcoDelivery.Status.HELD,
        detail=(
            _("The linked account has no e-mail address.")
            if request.subject_id
            else _("Waiting for the requester to confirm the address.")
        ),
    )


def _queue_email(
    request: ArcoRequest, kind: str, template: str, attachments=(), *, delivery=None
) -> None:
    """R-A6: one e-mail to the requester, written to the outbox in the caller's transaction,
    with its delivery logged: queued now, sent or failed when the outbox delivers it. A failure
    is recorded for the officer, never raised into the action that caused it. R-A1: personal
    data only to a verified address, else held."""
    to = _recipient(request, kind)
    if not to:
        if kind in PERSONAL_DATA_KINDS and request.email:
            _hold(request, kind)
        elif kind not in PERSONAL_DATA_KINDS and not request.email and request.address:
            # SPEC §7: filed with a postal address only: the letter goes by post, by hand.
            ArcoDelivery.objects.create(
                request=request,
                kind=kind,
                channel="post",
                to=request.address,
                status=ArcoDelivery.Status.PENDING,
            )
        return
    if kind in PERSONAL_DATA_KINDS:  # R-A1: by an expiring link, not attached
        attachments = [
            outbox.built_files("privacy.built_and_kept", spec["builder"], *spec["args"])
            for spec in attachments
        ]
    with translation.override(request.language or "es"):
        confirm = kind == ArcoDelivery.Kind.ACKNOWLEDGEMENT and not request.email_confirmed_at
        context = {
            "req": request,
            "confirm_url": email_confirmation_url(request) if confirm else "",
            "download_url": download_url(request, to) if kind in PERSONAL_DATA_KINDS else "",
            "download_days": DOWNLOAD_MAX_AGE.days,
        }
        subject = render_to_string(f"privacy/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"privacy/email/{template}.txt", context)
    if delivery is None:
        delivery = ArcoDelivery.objects.create(
            request=request, kind=kind, channel="email", to=to, status=ArcoDelivery.Status.QUEUED
        )
    else:
        delivery.status, delivery.to, delivery.detail = ArcoDelivery.Status.QUEUED, to, ""
        delivery.save(update_fields=["status", "to", "detail"])
    outbox.enqueue(
        kind=ARCO_EMAIL_KIND,
        ref=str(delivery.pk),
        subject=subject,
        body=body,
        to=[to],
        attachments=attachments,
    )


def _delivery_result(message, sent: bool) -> None:
    status = ArcoDelivery.Status.SENT if sent else ArcoDelivery.Status.FAILED
    ArcoDelivery.objects.filter(pk=message.ref, channel="email").update(
        status=status, detail="" if sent else message.last_error[:300], at=timezone.now()
    )


def _delivery_requeued(message) -> None:
    ArcoDelivery.objects.filter(pk=message.ref, channel="email").update(
        status=ArcoDelivery.Status.QUEUED, detail=""
    )


CONTENT_TYPES = {"pdf": "application/pdf", "json": "application/json"}
EXPORT_FULL = "full"  # acceso: readable PDF and JSON
EXPORT_JSON = "json"  # portabilidad: the structured, machine-readable format


def _export_parts(request: ArcoRequest, export: str) -> list[tuple]:
    """The person's data to attach (R-A8): a readable PDF and the JSON for acceso, the JSON
    alone for portabilidad."""
    if not (export and request.subject):
        return []
    data = subject_export_masked(request.subject)
    parts = []
    if export == EXPORT_FULL:
        pdf = documents.export_pdf(request.subject, data, request.language)
        parts.append((ArcoAttachment.Kind.EXPORT_PDF, "mis-datos.pdf", pdf, "pdf"))
    raw = documents.export_json(data)
    parts.append((ArcoAttachment.Kind.EXPORT_JSON, "mis-datos.json", raw, "json"))
    return parts


def _attach(request: ArcoRequest, parts) -> tuple[list, dict]:
    """Keep each part in the request's file; the (name, content, type) triples for the e-mail
    and the stored names by kind."""
    files, stored = [], {}
    for kind, file_name, content, ext in parts:
        mimetype = CONTENT_TYPES[ext]
        stored[kind] = documents.store(content, "arco", ext)
        files.append((file_name, content, mimetype))
        ArcoAttachment.objects.create(
            request=request,
            kind=kind,
            storage_name=stored[kind],
            content_type=mimetype,
            sha256=hashlib.sha256(content).hexdigest(),
        )
    return files, stored


@enforces("R-A6")
def _queue_response(request: ArcoRequest, *, export: str = "") -> None:
    """R-A6: the answer goes to the e-mail given (the letter, and the data when granted, are
    rendered and kept in the request's file once, when the e-mail is delivered) and, when an
    address was given, to the post (dispatched by hand and confirmed by the officer)."""
    _queue_files_and_email(
        request, ArcoDelivery.Kind.RESPONSE, "response", "privacy.response_files", export
    )
    if request.address:
        ArcoDelivery.objects.create(
            request=request,
            kind=ArcoDelivery.Kind.RESPONSE,
            channel="post",
            to=request.address,
            status=ArcoDelivery.Status.PENDING,
        )


def _queue_files_and_email(request: ArcoRequest, kind: str, template: str, builder: str, *args):
    """The files are built after commit (nothing stored for an answer rolled back): by the
    outbox when there is a verified address to send them to, else by a task (for the post, or
    kept in the file while the e-mail is held, R-A1)."""
    if _recipient(request, kind):
        _queue_email(
            request, kind, template, attachments=[outbox.built_files(builder, request.pk, *args)]
        )
    else:
        if request.email and kind in PERSONAL_DATA_KINDS:
            _hold(request, kind)
        from privacy.tasks import arco_build_files
        from viaticos.tasks import run_after_commit

        run_after_commit(arco_build_files, builder, request.pk, *args)


def _stored(request: ArcoRequest, kinds) -> dict:
    return {
        a.kind: a
        for a in ArcoAttachment.objects.filter(request=request, kind__in=kinds).order_by("pk")
    }


def _read(attachment: ArcoAttachment) -> bytes:
    return crypto.read_bytes(attachment.storage_name)


EMAIL_NAMES: dict[str, str] = {
    ArcoAttachment.Kind.EXPORT_PDF: "mis-datos.pdf",
    ArcoAttachment.Kind.EXPORT_JSON: "mis-datos.json",
}


def _response_files(request_id: int, export: str = "") -> list[tuple]:
    """The response letter (and the data for acceso/portabilidad), rendered and kept once:
    a second delivery attempt sends the same stored files."""
    request = ArcoRequest.objects.select_related("subject").get(pk=request_id)
    letter_name = f"respuesta-{request.tracking_code}.pdf"
    if request.response_letter:
        kinds = [ArcoAttachment.Kind.RESPONSE, *EMAIL_NAMES]
        kept = _stored(request, kinds)
        files = [(letter_name, _read(kept[ArcoAttachment.Kind.RESPONSE]), "application/pdf")]
        if export:
            files += [
                (EMAIL_NAMES[kind], _read(kept[kind]), kept[kind].content_type)
                for kind in EMAIL_NAMES
                if kind in kept
            ]
        return files
    letter = documents.response_letter_pdf(request)
    # (kind, file name in the e-mail, content, stored extension)
    parts = [
        (ArcoAttachment.Kind.RESPONSE, letter_name, letter, "pdf"),
        *_export_parts(request, export),
    ]
    files, stored = _attach(request, parts)
    ArcoRequest.objects.filter(pk=request.pk).update(
        response_letter=stored[ArcoAttachment.Kind.RESPONSE]
    )
    return files


def _data_files(request_id: int) -> list[tuple]:
    """R-A2, R-A8: the data of an acceso delivered later, kept in the file once."""
    request = ArcoRequest.objects.select_related("subject").get(pk=request_id)
    kept = _stored(request, list(EMAIL_NAMES))
    if ArcoAttachment.Kind.EXPORT_JSON in kept:
        return [(EMAIL_NAMES[k], _read(a), a.content_type) for k, a in kept.items()]
    files, _stored_names = _attach(request, _export_parts(request, EXPORT_FULL))
    return files


outbox.register_builder("privacy.response_files", _response_files)
outbox.register_builder("privacy.data_files", _data_files)
outbox.register_builder("privacy.built_and_kept", _built_and_kept)
outbox.register_result_handler(ARCO_EMAIL_KIND, _delivery_result)
outbox.register_requeue_handler(ARCO_EMAIL_KIND, _delivery_requeued)


@enforces("R-A6")
@transaction.atomic
def arco_delivery_confirm(*, actor, delivery_id: int) -> ArcoDelivery:
    """R-A6: the officer records that a letter sent by post was delivered."""
    delivery = ArcoDelivery.objects.select_for_update().get(pk=delivery_id)
    if delivery.status not in (ArcoDelivery.Status.PENDING, ArcoDelivery.Status.SENT):
        raise DomainError(PrivacyError.CANNOT_CONFIRM, _("This delivery cannot be confirmed."))
    delivery.status = ArcoDelivery.Status.DELIVERED
    delivery.detail = _("Confirmed by %(who)s") % {"who": actor.get_username()}
    delivery.save(update_fields=["status", "detail"])
    return delivery


@enforces("R-A1")
def require_identity_verified(request: ArcoRequest) -> None:
    """R-A1: nothing is disclosed or changed before the officer records how the requester's
    identity was verified (every way in, the officer's page and any API, goes through the
    services that call this)."""
    if request.identity_verified_at is None:
        raise DomainError(
            PrivacyError.IDENTITY_NOT_VERIFIED,
            _(
                "Record first how the requester's identity was verified: nothing is disclosed "
                "or changed before."
            ),
        )


@enforces("R-A1")
@transaction.atomic
def arco_request_verify_identity(*, actor, request_id: int, method: str, note: str) -> ArcoRequest:
    """R-A1: the officer records how identity was verified (method, who, when); the copy of the
    identity document has then served its purpose and is purged (R-T1: kept no longer than
    needed), the fact of the verification stays."""
    from privacy.selectors import data_pending

    request = _locked(request_id)
    if not (request.is_open or data_pending(request)):
        raise DomainError(PrivacyError.NOT_OPEN, _("This request is not in course."))
    if request.identity_verified_at is not None:
        raise DomainError(PrivacyError.ALREADY_VERIFIED, _("Identity was already verified."))
    if method not in ArcoRequest.IdentityMethod.values:
        raise DomainError(
            PrivacyError.UNKNOWN_METHOD, _("Choose how identity was verified."), field="method"
        )
    note = (note or "").strip()
    if not note or not is_single_line(note) or len(note) > 300:
        raise DomainError(
            PrivacyError.NOTE_REQUIRED,
            _("Say in one line (at most 300 characters) what was checked."),
            field="note",
        )
    if method == ArcoRequest.IdentityMethod.KNOWN_EMAIL and not _known_email_confirmed(request):
        raise DomainError(
            PrivacyError.EMAIL_NOT_KNOWN,
            _(
                "The requester's address is not the one on file for the linked account, or it "
                "was not confirmed through the link: choose another way of verifying identity."
            ),
            field="method",
        )
    request.identity_method = method
    request.identity_note = note
    request.identity_verified_by = actor
    request.identity_verified_at = timezone.now()
    _history(request, actor, f"identity verified: {method}")
    request.save(
        update_fields=[
            "identity_method",
            "identity_note",
            "identity_verified_by",
            "identity_verified_at",
        ]
    )
    copies = list(request.attachments.filter(kind=ArcoAttachment.Kind.IDENTITY))
    names = [a.storage_name for a in copies]
    ArcoAttachment.objects.filter(pk__in=[a.pk for a in copies]).delete()
    transaction.on_commit(lambda: _delete_files(names))
    if copies:
        from privacy.erasures import IDENTITY_COPIES, erasure_record

        erasure_record(scope=IDENTITY_COPIES, request=request.pk)  # replayed after a restore
    return request


def _known_email_confirmed(request: ArcoRequest) -> bool:
    account = (request.subject.email or "").strip().lower() if request.subject is not None else ""
    typed = (request.email or "").strip().lower()
    return bool(account) and typed == account and request.email_confirmed_at is not None


@enforces("R-A1")
@transaction.atomic
def arco_request_link_subject(*, actor, request_id: int, subject_id: int | None) -> ArcoRequest:
    """R-A8: tie the request to the account of the person it is about (also after answering
    an acceso whose data is still to be delivered). R-A1: only an account that the request
    matches on more than the document number (selectors.subject_candidates)."""
    from privacy.selectors import data_pending, subject_candidates

    request = _locked(request_id)
    if not (request.is_open or data_pending(request)):
        raise DomainError(PrivacyError.NOT_OPEN, _("This request is not in course."))
    if subject_id and subject_id not in {c.user_id for c in subject_candidates(request)}:
        raise DomainError(
            PrivacyError.SUBJECT_NOT_MATCHED,
            _(
                "This account does not match the request: the identity document and the name "
                "or a known e-mail address must agree."
            ),
            field="subject",
        )
    request.subject_id = subject_id
    save(request, actor=actor, reason="subject linked", fields=["subject"])
    return request


@enforces("R-A2", "R-A8")
@transaction.atomic
def arco_data_deliver(*, actor, request_id: int, today: dt.date) -> ArcoRequest:
    """R-A2: the data of an acceso granted with the data to follow, sent to the requester (PDF
    and JSON, R-A8) with its delivery logged; once only."""
    from privacy.selectors import data_pending

    request = _locked(request_id)
    if not data_pending(request):
        raise DomainError(
            PrivacyError.NO_DATA_PENDING, _("No data is waiting to be delivered here.")
        )
    if not request.subject_id:
        raise DomainError(
            PrivacyError.NO_SUBJECT,
            _("First link the request to the account of the person concerned."),
        )
    require_identity_verified(request)
    _require_account_email(request)
    request.data_delivered_on = today  # under the row lock: a second click finds it
    save(request, actor=actor, reason="data delivered", fields=["data_delivered_on"])
    _queue_files_and_email(request, ArcoDelivery.Kind.DATA, "data", "privacy.data_files")
    return request


# --- R-P1…R-P4 notices and consent ---


@enforces("R-P1")
@transaction.atomic
def notice_publish(
    *,
    actor,
    version: str,
    effective_on: dt.date,
    title_es: str,
    text_es: str,
    title_en: str,
    text_en: str,
) -> PrivacyNotice:
    """R-P1: a new version; published versions are never edited (their hash is evidence)."""
    if PrivacyNotice.objects.filter(version=version).exists():
        raise DomainError(
            PrivacyError.VERSION_EXISTS, _("This version already exists."), field="version"
        )
    notice = PrivacyNotice(
        version=version,
        effective_on=effective_on,
        title_es=title_es,
        text_es=text_es,
        title_en=title_en,
        text_en=text_en,
        content_hash=PrivacyNotice.compute_hash(title_es, text_es, title_en, text_en),
    )
    _history(notice, actor, "published")
    notice.save()
    return notice


@enforces("R-P2")
@transaction.atomic
def notice_acknowledge(
    *,
    user,
    notice: PrivacyNotice,
    channel: str = Channel.WEB,
    ip_address: str | None = None,
    user_agent: str = "",
) -> NoticeAcknowledgement:
    """R-P2: the notice was shown; recorded even where no consent is needed."""
    lock(user)
    ack, _created = NoticeAcknowledgement.objects.get_or_create(
        user=user,
        notice=notice,
        defaults={
            "notice_hash": notice.content_hash,
            "channel": channel,
            "ip_address": ip_address,
            "user_agent": user_agent[:300],
        },
    )
    return ack


def _consent_record(
    *, user, purpose, decision, notice, channel, ip_address, user_agent, as_guardian, actor
):
    return ConsentEvent.objects.create(
        user=user,
        purpose=purpose,
        decision=decision,
        notice=notice,
        notice_hash=notice.content_hash if notice else "",
        channel=channel,
        ip_address=ip_address,
        user_agent=(user_agent or "")[:300],
        as_guardian=as_guardian,
        recorded_by=actor,
    )


def _consent_state(user, purpose) -> str | None:
    last = ConsentEvent.objects.filter(user=user, purpose=purpose).order_by("-at", "-pk").first()
    return last.decision if last else None


@enforces("R-P2", "R-P3", "R-P4")
@transaction.atomic
def consent_decide(
    *,
    user,
    purpose: Purpose,
    give: bool,
    notice: PrivacyNotice | None,
    channel: str = Channel.WEB,
    ip_address: str | None = None,
    user_agent: str = "",
    as_guardian: bool = False,
    actor=None,
) -> ConsentEvent:
    """R-P2, R-P3, R-P4: give or refuse one purpose's consent, with its evidence.

    Only purposes whose legal basis is consent are asked (never one box for everything); a
    purpose about minors under 14 is consented to by the parent or guardian.
    """
    lock(user)
    if not purpose.is_active or not purpose.needs_consent:
        raise DomainError(
            PrivacyError.CONSENT_NOT_APPLICABLE, _("This purpose does not rest on consent.")
        )
    if give and purpose.minors and not as_guardian:
        raise DomainError(
            PrivacyError.GUARDIAN_REQUIRED,
            _("Consent for children under 14 must be given by their parent or guardian (R-P4)."),
        )
    decision = ConsentEvent.Decision.GIVEN if give else ConsentEvent.Decision.REFUSED
    return _consent_record(
        user=user,
        purpose=purpose,
        decision=decision,
        notice=notice,
        channel=channel,
        ip_address=ip_address,
        user_agent=user_agent,
        as_guardian=as_guardian,
        actor=actor or user,
    )


@dataclass(frozen=True)
class ConsentAnswer:
    purpose: Purpose
    give: bool
    as_guardian: bool = False


@enforces("R-P2", "R-P3", "R-P4")
@transaction.atomic
def consent_prompt_answer(
    *,
    user,
    notice: PrivacyNotice,
    answers: Sequence[ConsentAnswer],
    ip_address: str | None = None,
    user_agent: str = "",
) -> None:
    """The consent prompt: the notice acknowledged and each purpose decided, all or nothing.
    A refused answer (say, consent about children without the guardian's box) records none of
    them, so the prompt is shown again; its DomainError names the purpose in `field`."""
    for answer in answers:
        try:
            consent_decide(
                user=user,
                purpose=answer.purpose,
                give=answer.give,
                notice=notice,
                ip_address=ip_address,
                user_agent=user_agent,
                as_guardian=answer.as_guardian,
            )
        except DomainError as error:
            raise DomainError(error.code, error.message, field=str(answer.purpose.pk)) from None
    notice_acknowledge(user=user, notice=notice, ip_address=ip_address, user_agent=user_agent)


def consent_give(**kwargs) -> ConsentEvent:
    return consent_decide(give=True, **kwargs)


@enforces("R-P3")
@transaction.atomic
def consent_revoke(
    *,
    user,
    purpose: Purpose,
    channel: str = Channel.WEB,
    ip_address: str | None = None,
    user_agent: str = "",
    actor=None,
) -> ConsentEvent:
    """R-P3: revoking is one click, takes effect at once (has_consent turns False) and is
    itself recorded."""
    lock(user)
    if _consent_state(user, purpose) != ConsentEvent.Decision.GIVEN:
        raise DomainError(PrivacyError.NOT_GIVEN, _("There is no consent in force to revoke."))
    from privacy.selectors import notice_current

    return _consent_record(
        user=user,
        purpose=purpose,
        decision=ConsentEvent.Decision.REVOKED,
        notice=notice_current(),
        channel=channel,
        ip_address=ip_address,
        user_agent=user_agent,
        as_guardian=False,
        actor=actor or user,
    )


# --- R-S3 access log ---


@enforces("R-S3")
def access_log_record(
    *, actor, what: str, subject=None, subject_label: str = "", record_key: str = "", ip=None
) -> AccessLogEntry:
    """R-S3: who read whose sensitive record, and when (kept 2 years by retention)."""
    label = subject_label or (display_name(subject) if subject is not None else "")
    return AccessLogEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        subject=subject,
        subject_label=label[:200],
        what=str(what)[:200],
        record_key=record_key[:120],
        ip_address=ip,
    )


def access_log_record_many(*, actor, what: str, subjects, record_key: str = "", ip=None) -> int:
    """R-S3: one entry per person whose record a staff page showed, in one insert."""
    rows = [
        AccessLogEntry(
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            subject=subject,
            subject_label=display_name(subject)[:200],
            what=str(what)[:200],
            record_key=record_key[:120],
            ip_address=ip,
        )
        for subject in subjects
    ]
    AccessLogEntry.objects.bulk_create(rows)
    return len(rows)


# --- R-T2 blocking ---


@enforces("R-T2")
def record_block(*, key: str, subject_id: int | None, today: dt.date, holds: list[Hold]) -> None:
    """R-T2: keep the record but hide it from ordinary use (apps consult selectors.is_blocked)."""
    reason = "; ".join(str(h.reason) for h in holds)[:300] or "blocked"
    BlockedRecord.objects.get_or_create(
        key=key, defaults={"subject_id": subject_id, "since": today, "reason": reason}
    )
