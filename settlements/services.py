"""Every write on settlements: one function per business action (STYLE.md).

Each service locks the settlement (select_for_update), checks status and role under the lock,
records who/why on the timeline and in the history. Files are written last and deleted again if
the call fails (`_files`), so a refused action leaves neither rows nor orphan files behind.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from deadlines.models import PayrollDeductionOrder
from missions import budgets, hooks
from missions import services as mission_services
from missions.models import Advance, Mission
from missions.perdiem import PerDiemError, PerDiemResult
from missions.perdiem_messages import to_domain_error
from missions.rules import LegInput, plan_per_diem, result_to_snapshot
from settlements import access, ledger, returns, stamp_runs
from settlements.errors import SettlementsError
from settlements.fx import check_currency, receipt_fx
from settlements.models import Document, PerDiemLineDecision, Receipt, Settlement, SettlementEvent
from settlements.receipt_reader import ReceiptReading, prefill, read_receipt
from settlements.rules import (
    NON_ELIGIBLE,
    Category,
    ReceiptType,
    TimesWindow,
    normalize_tax_id,
    settlement_balance,
    times_outside_window,
    viaticos_after_cuts,
)
from settlements.selectors import (
    mission_started,
    perdiem_review,
    settleable_missions,
    settlement_summary,
    submission_date,
)
from settlements.transitions import SETTLEMENT
from viaticos.business_days import duty_calendar
from viaticos.errors import DomainError, NotAllowed, require_reason
from viaticos.files import save_file
from viaticos.models import Organization
from viaticos.money import round_money
from viaticos.rules_registry import enforces
from viaticos.services import delete_files_on_commit, lock, not_allowed, save
from viaticos.tasks import broker_configured, run_after_commit
from viaticos.uploads import CheckedUpload, check_upload

S = Settlement.Status
A = SettlementEvent.Action
ZERO = Decimal("0.00")


# --- helpers ----------------------------------------------------------------------------------


NOT_YOURS = gettext_lazy("You may not take this action on this settlement.")


def _own() -> DomainError:
    return NotAllowed(
        SettlementsError.OWN_SETTLEMENT,
        _("Nobody receives, reviews or settles their own settlement (segregation of duties)."),
    )


def _event(settlement, actor, action, comment: str = "") -> None:
    SettlementEvent.objects.create(
        settlement=settlement, actor=actor, action=action, comment=comment or ""
    )


@contextmanager
def _files() -> Iterator:
    """Write files for one service call; if the call fails, delete what was written."""
    written: list[str] = []

    def write(name: str, content: bytes) -> str:
        saved = save_file(name, content)  # a failed write leaves no partial file
        written.append(saved)
        return saved

    try:
        yield write
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise


def _new_document(settlement, *, actor, kind, checked: CheckedUpload, receipt=None) -> Document:
    return Document(
        settlement=settlement,
        receipt=receipt,
        kind=kind,
        file=checked.storage_name(f"settlements/{settlement.pk}"),
        original_name=checked.original_name or kind,
        content_type=checked.content_type,
        sha256=checked.sha256,
        uploaded_by=actor,
    )


def _store(write, document: Document, content: bytes) -> None:
    document.file = write(document.file, content)
    document.save()


# --- traveler ---------------------------------------------------------------------------------


@enforces("R-4")
def _recompute(settlement: Settlement, mission: Mission) -> None:
    """R-3.9 via the engine: the viáticos follow the actual times, never a typed amount.

    R-3.14: meals the event covers on days outside the actual trip (the traveler came back
    early) are dropped: those days are not paid at all. R-4: a mission stopped before it
    started was not travelled, so no viáticos are recognized; only the receipts count."""
    if not mission_started(mission):
        if settlement.actual_return_at <= settlement.actual_departure_at:
            raise to_domain_error(PerDiemError("return_before_departure"))
        settlement.perdiem = result_to_snapshot(PerDiemResult(lines=(), mission_days=0, nights=0))
        settlement.viaticos_recognized = ZERO
        return
    first = timezone.localtime(settlement.actual_departure_at).date()
    last = timezone.localtime(settlement.actual_return_at).date()
    legs = [LegInput(leg.destination, leg.arrive_at, leg.leave_at) for leg in mission.legs.all()]
    covered = ((dt.date.fromisoformat(day), meals) for day, meals in mission.meals_covered.items())
    meals = {day: meals for day, meals in covered if first <= day <= last}
    result = plan_per_diem(
        kind=mission.kind,
        departure_at=settlement.actual_departure_at,
        return_at=settlement.actual_return_at,
        legs=legs,
        meals_covered=meals,
        all_meals_covered=mission.all_meals_covered,
        sponsor_daily_amount=mission.sponsor_daily_amount,
        # the 30 days are the event's, planned with the mission, whatever the actual trip
        event_days=(
            timezone.localtime(mission.return_at).date()
            - timezone.localtime(mission.departure_at).date()
        ).days
        + 1,
    )
    settlement.perdiem = result_to_snapshot(result)
    settlement.viaticos_recognized = round_money(result.total)


@transaction.atomic
def settlement_start(*, actor, mission: Mission) -> Settlement:
    """The traveler opens the settlement of a mission once back (or stopped with money spent,
    R-4); it starts with the planned times, to be corrected to the actual ones.

    An advance of the mission still unpaid (requested, approved or signed, e.g. an emergency
    the traveler made without it, R-5) is cancelled: the settlement pays the traveler what is
    owed (R-3.3), and an advance paid now would pay the viáticos twice and stay pending
    settlement for ever (R-3.11a)."""
    mission = Mission.objects.select_for_update().get(pk=mission.pk)
    if mission.traveler_id != actor.pk:
        raise not_allowed(NOT_YOURS)
    if Settlement.objects.filter(mission=mission).exists():
        raise DomainError(
            SettlementsError.SETTLEMENT_EXISTS, _("This mission already has a settlement.")
        )
    if not settleable_missions().filter(pk=mission.pk).exists():
        raise DomainError(
            SettlementsError.MISSION_NOT_RETURNED,
            _(
                "A settlement is started once the traveler is back from the mission, or when "
                "a stopped mission's advance was partly spent (R-4)."
            ),
        )
    # Every advance of the mission is locked, whatever its status: a disbursement in flight
    # finishes first and its advance is attached, or it waits and finds the settlement started.
    advances = list(Advance.objects.select_for_update().filter(mission=mission).order_by("pk"))
    advance = next((a for a in advances if a.status in Advance.PENDING_SETTLEMENT), None)
    settlement = Settlement(
        mission=mission,
        advance=advance,
        actual_departure_at=mission.departure_at,
        actual_return_at=returns.actual_return_of(mission) or mission.return_at,
        advance_amount=advance.amount if advance else ZERO,
    )
    _recompute(settlement, mission)
    settlement._history_user = actor
    settlement._change_reason = "started"
    settlement.save()
    mission_services.advance_cancel_unpaid(
        actor=actor,
        mission=mission,
        reason=_(
            "Not paid before the settlement %(code)s was started: the settlement pays the "
            "traveler what is owed (R-3.3)."
        )
        % {"code": settlement.code},
    )
    _refresh_totals(settlement)
    _event(settlement, actor, A.CREATED)
    return settlement


def _editable_by_traveler(settlement: Settlement, actor, action: str = "edit") -> Settlement:
    settlement = lock(settlement)
    if not access.is_own(actor, settlement):
        raise not_allowed(NOT_YOURS)
    SETTLEMENT.require(settlement, action)
    return settlement


def _check_times_window(settlement: Settlement) -> None:
    """R-3.11b (SPEC §2.2, issue 17): actual times outside the authorized trip, beyond the
    tolerance, need an authorized extension; otherwise they are refused with a clear message."""
    mission = settlement.mission
    extended = returns.extension_of(mission)
    window = TimesWindow(
        departure=mission.departure_at,
        return_at=max(mission.return_at, extended) if extended else mission.return_at,
        tolerance=dt.timedelta(hours=times_tolerance_hours()),
    )
    if times_outside_window(
        window,
        actual_departure=settlement.actual_departure_at,
        actual_return=settlement.actual_return_at,
    ):
        fmt = "%d/%m/%Y %H:%M"
        raise DomainError(
            SettlementsError.TIMES_OUTSIDE_AUTHORIZATION,
            _(
                "The actual times (%(dep)s → %(ret)s) fall outside the authorized mission "
                "(%(pdep)s → %(pret)s, with %(hours)s hours of tolerance). Ask the Project "
                "Coordinator to record an authorized extension, or correct the times (R-3.11b)."
            )
            % {
                "dep": timezone.localtime(settlement.actual_departure_at).strftime(fmt),
                "ret": timezone.localtime(settlement.actual_return_at).strftime(fmt),
                "pdep": timezone.localtime(window.departure).strftime(fmt),
                "pret": timezone.localtime(window.return_at).strftime(fmt),
                "hours": times_tolerance_hours(),
            },
            field="actual_return_at",
        )


def times_tolerance_hours() -> int:
    return int(getattr(settings, "VIATICOS_ACTUAL_TIMES_TOLERANCE_HOURS", 24))


@transaction.atomic
def settlement_set_times(
    *,
    actor,
    settlement: Settlement,
    actual_departure_at: dt.datetime,
    actual_return_at: dt.datetime,
) -> Settlement:
    """R-2a, R-3.9: the actual departure and return times; the viáticos are recomputed."""
    settlement = _editable_by_traveler(settlement, actor)
    settlement.actual_departure_at = actual_departure_at
    settlement.actual_return_at = actual_return_at
    _check_times_window(settlement)
    _recompute(settlement, settlement.mission)
    save(
        settlement,
        actor=actor,
        reason="actual times",
        fields=["actual_departure_at", "actual_return_at", "perdiem", "viaticos_recognized"],
    )
    _refresh_totals(settlement)
    _event(
        settlement,
        actor,
        A.TIMES_SET,
        f"{timezone.localtime(actual_departure_at):%Y-%m-%d %H:%M} → "
        f"{timezone.localtime(actual_return_at):%Y-%m-%d %H:%M}",
    )
    return settlement


@transaction.atomic
def settlement_attach_document(
    *, actor, settlement: Settlement, kind: str, upload: UploadedFile
) -> Document:
    """R-2a: proof of travel (passport copy, boarding pass, bus ticket) and the mission report."""
    if kind not in (Document.Kind.PROOF_OF_TRAVEL, Document.Kind.MISSION_REPORT):
        raise DomainError(
            SettlementsError.INVALID_KIND, _("Choose what the document is."), field="kind"
        )
    checked = check_upload(upload)
    settlement = _editable_by_traveler(settlement, actor)
    with _files() as write:
        document = _new_document(settlement, actor=actor, kind=kind, checked=checked)
        _store(write, document, checked.content)
        _event(settlement, actor, A.DOCUMENT_ADDED, document.get_kind_display())
    return document


@enforces("R-7c")
def _check_not_duplicate(*, key: str, sha256: str, receipt: Receipt | None = None) -> None:
    """R-7c: the same receipt (same file, or same issuer tax id + number) is used only once,
    in any settlement of any traveler (`receipt`: the line being changed, not a duplicate of
    itself)."""
    files = Document.objects.filter(kind=Document.Kind.RECEIPT, sha256=sha256)
    keys = Receipt.objects.filter(duplicate_key=key)
    if receipt is not None:
        files, keys = files.exclude(receipt=receipt), keys.exclude(pk=receipt.pk)
    if sha256 and files.exists():
        raise DomainError(
            SettlementsError.DUPLICATE_RECEIPT_FILE,
            _("This file was already submitted as a receipt in a settlement (R-7c)."),
            field="file",
        )
    if key and keys.exists():
        raise DomainError(
            SettlementsError.DUPLICATE_RECEIPT_NUMBER,
            _(
                "A receipt with this issuer tax id and number was already submitted in a "
                "settlement (R-7c)."
            ),
            field="number",
        )


def duplicate_key(issuer_tax_id: str, number: str) -> str:
    """R-7c: issuer tax id + number, compared without punctuation or leading zeros
    ("F001-00042" is "F001-42")."""
    tax_id = normalize_tax_id(issuer_tax_id)
    if not tax_id:
        return ""
    parts = [p for p in re.split(r"[^0-9A-Z]+", (number or "").upper()) if p]
    parts = [str(int(p)) if p.isdigit() else p for p in parts]
    return f"{tax_id}|{'-'.join(parts)}"


def _clean_line(
    *,
    receipt_type: str,
    category: str,
    issuer_name: str,
    issuer_tax_id: str,
    number: str,
    currency: str,
    amount,
) -> tuple[Decimal, str]:
    """The input checks of a receipt line, added or changed; the amount rounded and the
    currency normalized."""
    if receipt_type not in ReceiptType.values:
        raise DomainError(
            SettlementsError.INVALID_TYPE, _("Choose the type of receipt."), field="receipt_type"
        )
    if category not in Category.values:
        raise DomainError(
            SettlementsError.INVALID_CATEGORY, _("Choose the category."), field="category"
        )
    if not isinstance(amount, Decimal) or amount <= 0:
        raise DomainError(
            SettlementsError.NEGATIVE_AMOUNT,
            _("The amount must be greater than zero."),
            field="amount",
        )
    if not (number or "").strip():
        raise DomainError(
            SettlementsError.NUMBER_REQUIRED, _("Enter the receipt number."), field="number"
        )
    if not (issuer_name or "").strip():
        raise DomainError(
            SettlementsError.ISSUER_REQUIRED, _("Enter the issuer."), field="issuer_name"
        )
    if receipt_type != ReceiptType.RECIBO_EGRESOS and not normalize_tax_id(issuer_tax_id):
        raise DomainError(
            SettlementsError.ISSUER_TAX_ID_REQUIRED,
            _("Enter the issuer's tax id."),
            field="issuer_tax_id",
        )
    return round_money(amount), check_currency(currency)


def _line_key(settlement: Settlement, receipt_type: str, issuer_tax_id: str, number: str) -> str:
    """R-7c: the duplicate key of a line; a Recibo de Egresos is numbered per settlement."""
    if receipt_type == ReceiptType.RECIBO_EGRESOS:
        return f"RE|{settlement.pk}|{normalize_tax_id(number)}"
    return duplicate_key(issuer_tax_id, number)


@transaction.atomic
def receipt_add(
    *,
    actor,
    settlement: Settlement,
    upload: UploadedFile,
    receipt_type: str,
    category: str,
    issuer_name: str,
    issuer_tax_id: str,
    number: str,
    date: dt.date,
    currency: str,
    amount: Decimal,
    customer_name: str = "",
    customer_tax_id: str = "",
    description: str = "",
    outside_dates_reason: str = "",
    exception_reason: str = "",
    call_detail: UploadedFile | None = None,
) -> Receipt:
    """R-2b: a terminal-expense receipt, its USD amount at the official rate of its date
    (R-3.10; *rate pending* while that rate is not published), refused when negative or
    already used (R-7c). The other checks (R-3.12, R-2h,
    phone cap) do not refuse the line: they are shown next to it and decide what is accepted."""
    amount, currency = _clean_line(
        receipt_type=receipt_type,
        category=category,
        issuer_name=issuer_name,
        issuer_tax_id=issuer_tax_id,
        number=number,
        currency=currency,
        amount=amount,
    )
    # at the official rate of its date; kept as *rate pending* until it is published.
    fx = receipt_fx(amount, currency, date)
    checked = check_upload(upload)
    detail = check_upload(call_detail, field="call_detail") if call_detail else None
    settlement = _editable_by_traveler(settlement, actor)
    key = _line_key(settlement, receipt_type, issuer_tax_id, number)
    _check_not_duplicate(key=key, sha256=checked.sha256)
    with _files() as write:
        receipt = Receipt(
            settlement=settlement,
            receipt_type=receipt_type,
            category=category,
            issuer_name=issuer_name.strip(),
            issuer_tax_id=issuer_tax_id.strip(),
            number=number.strip(),
            customer_name=customer_name.strip(),
            customer_tax_id=customer_tax_id.strip(),
            date=date,
            currency=currency,
            amount=amount,
            amount_usd=fx.amount_usd,
            fx_rate=fx.rate,
            fx_rate_date=fx.rate_date,
            fx_source=fx.source,
            description=description.strip(),
            outside_dates_reason=outside_dates_reason.strip(),
            exception_reason=exception_reason.strip(),
            duplicate_key=key,
        )
        receipt._history_user = actor
        receipt._change_reason = "added"
        try:
            with transaction.atomic():
                receipt.save()
                document = _new_document(
                    settlement,
                    actor=actor,
                    kind=Document.Kind.RECEIPT,
                    checked=checked,
                    receipt=receipt,
                )
                _store(write, document, checked.content)
                if detail:
                    _store(
                        write,
                        _new_document(
                            settlement,
                            actor=actor,
                            kind=Document.Kind.CALL_DETAIL,
                            checked=detail,
                            receipt=receipt,
                        ),
                        detail.content,
                    )
        except IntegrityError:  # a concurrent request stored the same receipt first (R-7c)
            _check_not_duplicate(key=key, sha256=checked.sha256)
            raise
        _refresh_totals(settlement)
        _event(settlement, actor, A.RECEIPT_ADDED, str(receipt))
    return receipt


@transaction.atomic
def receipt_remove(*, actor, receipt: Receipt) -> None:
    settlement = _editable_by_traveler(receipt.settlement, actor)
    # The stamped copies too (a settlement returned after it was received has them, R-T4).
    names = [
        name
        for pair in receipt.documents.values_list("file", "stamped_file")
        for name in pair
        if name
    ]
    label = str(receipt)
    receipt._history_user = actor
    receipt._change_reason = "removed"
    receipt.delete()
    _refresh_totals(settlement)
    _event(settlement, actor, A.RECEIPT_REMOVED, label)
    delete_files_on_commit(names)


def _organization() -> tuple[str, str]:
    organization = Organization.current()
    return (organization.name, organization.tax_id) if organization else ("", "")


@transaction.atomic
def receipt_upload(*, actor, settlement: Settlement, upload: UploadedFile) -> Receipt:
    """Upload first (SPEC §3 "Reading receipts"): the file is checked and stored at once as a
    draft line, so nothing is lost whatever happens to the rest of the form; its SUNAT QR
    pre-fills the line (R-3.12 is shown at once), else defaults do. A draft counts in no
    balance until the traveler confirms it (`receipt_change`). The same file twice is refused
    at once (R-7c)."""
    checked = check_upload(upload)
    org_name, org_tax_id = _organization()
    # With a broker the QR code is read on the worker (the draft starts with the defaults and
    # is filled in when it is read); without one, here, before the lock: reading a photo takes
    # a moment, and needs nothing locked.
    later = broker_configured()
    reading = (
        ReceiptReading(qr=None)
        if later
        else read_receipt(checked.content, checked.content_type, organization_tax_id=org_tax_id)
    )
    settlement = _editable_by_traveler(settlement, actor)
    _check_not_duplicate(key="", sha256=checked.sha256)
    filled = _prefill(settlement, reading, org_name, org_tax_id)
    with _files() as write:
        receipt = Receipt(
            settlement=settlement,
            category="",
            issuer_name="",
            amount_usd=ZERO,
            draft=True,
            read_fields=list(filled.read_fields),
            reading_pending=later,
            duplicate_key="",
            **filled.values,
        )
        receipt._history_user = actor
        receipt._change_reason = "uploaded"
        try:
            with transaction.atomic():
                receipt.save()
                document = _new_document(
                    settlement,
                    actor=actor,
                    kind=Document.Kind.RECEIPT,
                    checked=checked,
                    receipt=receipt,
                )
                _store(write, document, checked.content)
        except IntegrityError:  # a concurrent request stored the same file first (R-7c)
            _check_not_duplicate(key="", sha256=checked.sha256)
            raise
        _event(settlement, actor, A.RECEIPT_UPLOADED, checked.original_name)
    if later:
        from settlements.tasks import read_uploaded_receipt

        run_after_commit(read_uploaded_receipt, receipt.pk)
    return receipt


def _prefill(settlement: Settlement, reading, org_name: str, org_tax_id: str):
    legs = list(settlement.mission.legs.select_related("destination").order_by("arrive_at"))
    return prefill(
        reading,
        organization_name=org_name,
        organization_tax_id=org_tax_id,
        first_day=timezone.localtime(settlement.actual_departure_at).date(),
        destination_country=legs[0].destination.country if legs else "",
    )


def receipt_read(*, receipt_id: int) -> bool:
    """The worker's part of an upload (issue 21): read the draft's SUNAT QR code and fill the
    line in, unless the traveler confirmed or removed it meanwhile (then nothing changes).
    Idempotent: a draft already read is left alone."""
    receipt = (
        Receipt.objects.filter(pk=receipt_id, draft=True, reading_pending=True)
        .select_related("settlement__mission")
        .first()
    )
    if receipt is None:
        return False
    document = receipt.documents.filter(kind=Document.Kind.RECEIPT).first()
    org_name, org_tax_id = _organization()
    reading = ReceiptReading(qr=None)
    if document is not None:
        try:
            with default_storage.open(document.file, "rb") as handle:
                content = handle.read()
            reading = read_receipt(content, document.content_type, organization_tax_id=org_tax_id)
        except DomainError:
            pass  # unreadable: the defaults stay, the traveler types the line
    filled = _prefill(receipt.settlement, reading, org_name, org_tax_id)
    with transaction.atomic():
        locked = (
            Receipt.objects.select_for_update()
            .filter(pk=receipt_id, draft=True, reading_pending=True)
            .first()
        )
        if locked is None:
            return False
        for field, value in filled.values.items():
            setattr(locked, field, value)
        locked.read_fields = list(filled.read_fields)
        locked.reading_pending = False
        locked._change_reason = "read from the QR code"
        locked.save(update_fields=[*filled.values, "read_fields", "reading_pending"])
    return True


def _replace_document(write, receipt: Receipt, kind: str, checked: CheckedUpload, actor) -> list:
    """Store a new file of the line in place of its file of that kind; the names of the files
    replaced, to delete once the change is committed."""
    old = list(receipt.documents.filter(kind=kind))
    names = [name for d in old for name in (d.file, d.stamped_file) if name]
    for document in old:
        document.delete()
    _store(
        write,
        _new_document(receipt.settlement, actor=actor, kind=kind, checked=checked, receipt=receipt),
        checked.content,
    )
    return names


@transaction.atomic
def receipt_change(
    *,
    actor,
    receipt: Receipt,
    receipt_type: str,
    category: str,
    issuer_name: str,
    issuer_tax_id: str,
    number: str,
    date: dt.date,
    currency: str,
    amount: Decimal,
    customer_name: str = "",
    customer_tax_id: str = "",
    description: str = "",
    outside_dates_reason: str = "",
    exception_reason: str = "",
    upload: UploadedFile | None = None,
    call_detail: UploadedFile | None = None,
) -> Receipt:
    """Edit, don't retype (issue 19): every field of a line, its file and its call detail are
    changed in place while the settlement is editable; a draft is confirmed by the same call
    and from then on counts (R-3.10 conversion, R-7c uniqueness, as when a line is added).
    Flags are fixed here: the call detail (R-2b), the reason for a date outside the mission,
    the reason for an exception (R-2h)."""
    amount, currency = _clean_line(
        receipt_type=receipt_type,
        category=category,
        issuer_name=issuer_name,
        issuer_tax_id=issuer_tax_id,
        number=number,
        currency=currency,
        amount=amount,
    )
    # at the official rate of its date; kept as *rate pending* until it is published.
    fx = receipt_fx(amount, currency, date)
    checked = check_upload(upload) if upload else None
    detail = check_upload(call_detail, field="call_detail") if call_detail else None
    settlement = _editable_by_traveler(receipt.settlement, actor)
    receipt = Receipt.objects.select_for_update().get(pk=receipt.pk, settlement=settlement)
    key = _line_key(settlement, receipt_type, issuer_tax_id, number)
    _check_not_duplicate(key=key, sha256=checked.sha256 if checked else "", receipt=receipt)
    confirming = receipt.draft
    values = {
        "receipt_type": receipt_type,
        "category": category,
        "issuer_name": issuer_name.strip(),
        "issuer_tax_id": issuer_tax_id.strip(),
        "number": number.strip(),
        "customer_name": customer_name.strip(),
        "customer_tax_id": customer_tax_id.strip(),
        "date": date,
        "currency": currency,
        "amount": amount,
        "amount_usd": fx.amount_usd,
        "fx_rate": fx.rate,
        "fx_rate_date": fx.rate_date,
        "fx_source": fx.source,
        "description": description.strip(),
        "outside_dates_reason": outside_dates_reason.strip(),
        "exception_reason": exception_reason.strip(),
        "duplicate_key": key,
        "draft": False,
    }
    # A value read from the QR code stays marked only while it is what the QR code said.
    read = [f for f in receipt.read_fields if values.get(f) == getattr(receipt, f)]
    for field_name, value in values.items():
        setattr(receipt, field_name, value)
    receipt.read_fields = read
    # A changed line is decided again (R-2h: an exception approved for another expense does
    # not carry over to a different category).
    fields = [*values, "read_fields"]
    if receipt.exception_approved_by_id and category not in {c.value for c in NON_ELIGIBLE}:
        receipt.exception_approved_by, receipt.exception_approver_role = None, ""
        fields += ["exception_approved_by", "exception_approver_role"]
    deleted: list[str] = []
    with _files() as write:
        try:
            with transaction.atomic():
                save(
                    receipt,
                    actor=actor,
                    reason="confirmed" if confirming else "changed",
                    fields=fields,
                )
                if checked:
                    deleted += _replace_document(
                        write, receipt, Document.Kind.RECEIPT, checked, actor
                    )
                if detail:
                    deleted += _replace_document(
                        write, receipt, Document.Kind.CALL_DETAIL, detail, actor
                    )
        except IntegrityError:  # a concurrent request stored the same receipt first (R-7c)
            _check_not_duplicate(key=key, sha256=checked.sha256 if checked else "", receipt=receipt)
            raise
        _refresh_totals(settlement)
        _event(
            settlement,
            actor,
            A.RECEIPT_ADDED if confirming else A.RECEIPT_CHANGED,
            str(receipt),
        )
    delete_files_on_commit(deleted)
    return receipt


@transaction.atomic
def document_remove(*, actor, document: Document) -> None:
    """Documents are removable while the settlement is editable: the proof of travel, the
    mission report, a call detail. A receipt's own file is replaced (`receipt_change`) or
    removed with its line (`receipt_remove`)."""
    settlement = _editable_by_traveler(document.settlement, actor)
    document = Document.objects.select_for_update().get(pk=document.pk, settlement=settlement)
    if document.kind == Document.Kind.RECEIPT:
        raise DomainError(
            SettlementsError.RECEIPT_FILE_REQUIRED,
            _("A receipt keeps its file: replace it, or remove the receipt."),
        )
    names = [name for name in (document.file, document.stamped_file) if name]
    label = f"{document.get_kind_display()}: {document.original_name}"
    document.delete()
    _refresh_totals(settlement)
    _event(settlement, actor, A.DOCUMENT_REMOVED, label)
    delete_files_on_commit(names)


@enforces("R-2h")
@transaction.atomic
def receipt_exception_approve(*, actor, receipt: Receipt, comment: str = "") -> Receipt:
    """R-2h: the General Administrator or the Finance Director accepts a non-eligible expense.

    A line the General Accountant already decided was decided while the expense counted 0: the
    decision is reset for the accountant to decide again, and a finished review is reopened."""
    settlement = lock(receipt.settlement)
    receipt = Receipt.objects.select_for_update().get(pk=receipt.pk)
    role = access.exception_approver_role(actor)
    if role is None:
        raise not_allowed(NOT_YOURS)
    if access.is_own(actor, settlement):
        raise _own()
    if receipt.category not in {c.value for c in NON_ELIGIBLE}:
        raise DomainError(
            SettlementsError.NOT_AN_EXCEPTION,
            _("Only non-eligible expenses need an exception (R-2h)."),
        )
    SETTLEMENT.require(settlement, "approve_exception")
    if receipt.exception_approved_by_id:
        raise DomainError(
            SettlementsError.EXCEPTION_ALREADY_APPROVED,
            _("This exception was already approved (R-2h)."),
        )
    receipt.exception_approved_by = actor
    receipt.exception_approver_role = role
    fields = ["exception_approved_by", "exception_approver_role"]
    decided = receipt.decision != Receipt.Decision.PENDING
    if decided:
        receipt.decision = Receipt.Decision.PENDING
        receipt.accepted_usd = None
        receipt.decision_reason = ""
        fields += ["decision", "accepted_usd", "decision_reason"]
    save(receipt, actor=actor, reason="exception approved", fields=fields)
    if decided and settlement.status == S.REVIEWED:
        settlement.status = S.RECEIVED
        settlement.reviewed_by, settlement.reviewed_at = None, None
        save(
            settlement,
            actor=actor,
            reason="review reopened",
            fields=["status", "reviewed_by", "reviewed_at"],
        )
    _refresh_totals(settlement)
    if decided:
        comment = " ".join([comment, _("The General Accountant decides this line again.")]).strip()
    _event(settlement, actor, A.EXCEPTION_APPROVED, f"{receipt} {comment}".strip())
    return receipt


@enforces("R-2a")
@transaction.atomic
def settlement_submit(*, actor, settlement: Settlement) -> Settlement:
    """R-2a: with proof of travel and the mission report; every warning answered."""
    settlement = _editable_by_traveler(settlement, actor, "submit")
    kinds = set(settlement.documents.values_list("kind", flat=True))
    if Document.Kind.PROOF_OF_TRAVEL not in kinds or Document.Kind.MISSION_REPORT not in kinds:
        raise DomainError(
            SettlementsError.DOCUMENTS_MISSING,
            _(
                "Attach the proof of travel (passport copy, boarding pass or bus ticket) and "
                "the mission report before submitting (R-2a)."
            ),
        )
    if settlement.receipts.filter(draft=True).exists():
        raise DomainError(
            SettlementsError.DRAFTS_PENDING,
            _("Some uploaded receipts are still drafts: confirm or remove each one."),
        )
    _check_times_window(settlement)
    summary = settlement_summary(settlement)
    if any(line.verdict.blocks_submission for line in summary.lines):
        raise DomainError(
            SettlementsError.REASONS_MISSING,
            _("Some receipts are dated outside the mission: give the reason for each one."),
        )
    settlement.status = S.SUBMITTED
    settlement.submitted_at = timezone.now()
    settlement.status_reason = ""
    save(
        settlement,
        actor=actor,
        reason="submitted",
        fields=["status", "submitted_at", "status_reason"],
    )
    _event(settlement, actor, A.SUBMITTED)
    return settlement


# --- accounting -------------------------------------------------------------------------------


@enforces("R-3.7")
@transaction.atomic
def settlement_receive(*, actor, settlement: Settlement, today: dt.date) -> Settlement:
    """The Accounting Assistant receives a submitted settlement; every document is stamped
    "Liquidado, Fecha: …, Responsable: …" (R-3.7) by a stamping run on the worker, all or
    nothing (settlements.stamp_runs), while the assistant goes on working."""
    settlement = lock(settlement)
    if not access.is_accounting_assistant(actor):
        raise not_allowed(NOT_YOURS)
    if access.is_own(actor, settlement):
        raise _own()
    SETTLEMENT.require(settlement, "receive")
    settlement.status = S.RECEIVED
    settlement.received_by, settlement.received_at = actor, timezone.now()
    save(
        settlement,
        actor=actor,
        reason="received and stamped",
        fields=["status", "received_by", "received_at"],
    )
    _event(settlement, actor, A.RECEIVED)
    _stop_deduction(settlement, today)
    stamp_runs.stamping_start(settlement, today=today)
    return settlement


@enforces("R-3.7")
@transaction.atomic
def settlement_stamp_again(*, actor, settlement: Settlement, today: dt.date) -> Settlement:
    """A stamping run that failed (a document that could not be read, storage down) is started
    again by the Accounting Assistant; nothing of the failed run was kept.

    Idempotent: once started again (the new run stamping, or done), a repeated request (a
    double click, a client retrying after a timeout) starts no second run and changes nothing."""
    settlement = lock(settlement)
    if not access.is_accounting_assistant(actor):
        raise not_allowed(NOT_YOURS)
    if access.is_own(actor, settlement):
        raise _own()
    started_again = settlement.stamping not in ("", Settlement.Stamping.FAILED)
    if started_again and SETTLEMENT.get(settlement.status, "stamp_again") is not None:
        return settlement
    SETTLEMENT.require(settlement, "stamp_again")
    stamp_runs.stamping_start(settlement, today=today)
    _event(settlement, actor, A.RECEIVED, _("Stamping started again."))
    return settlement


@enforces("R-8b")
def _stop_deduction(settlement: Settlement, today: dt.date) -> None:
    """R-8b (SPEC §4): a settlement received by Accounting stops the deduction order of its
    advance that has not reached payroll yet. The daily job restarts it if the settlement is
    returned and not submitted again in time (deadlines.enforcement)."""
    if settlement.advance_id:
        PayrollDeductionOrder.objects.filter(
            advance_id=settlement.advance_id, state=PayrollDeductionOrder.State.PENDING
        ).update(state=PayrollDeductionOrder.State.STOPPED, stopped_on=today)


def _reviewer(settlement: Settlement, actor) -> Settlement:
    settlement = lock(settlement)
    if not access.is_general_accountant(actor):
        raise not_allowed(NOT_YOURS)
    if access.is_own(actor, settlement):
        raise _own()
    return settlement


@transaction.atomic
def receipt_review(
    *, actor, receipt: Receipt, decision: str, accepted_usd: Decimal | None = None, reason: str = ""
) -> Receipt:
    """The General Accountant accepts, cuts (a "sanctioned amount") or rejects a line, with a
    reason for a cut or a rejection. A line never counts more than its checks allow."""
    settlement = _reviewer(receipt.settlement, actor)
    SETTLEMENT.require(settlement, "review")
    receipt = Receipt.objects.select_for_update().get(pk=receipt.pk, settlement=settlement)
    D = Receipt.Decision
    allowed = settlement_summary(settlement).line_for(receipt.pk).verdict.accepted_usd
    if decision == D.ACCEPTED:
        receipt.accepted_usd = allowed
        receipt.decision_reason = (reason or "").strip()
    elif decision == D.CUT:
        receipt.decision_reason = require_reason(reason)
        if accepted_usd is None or not isinstance(accepted_usd, Decimal):
            raise DomainError(
                SettlementsError.AMOUNT_REQUIRED,
                _("Enter the amount accepted."),
                field="accepted_usd",
            )
        if accepted_usd < 0 or accepted_usd >= allowed:
            raise DomainError(
                SettlementsError.INVALID_CUT,
                _("A cut is between 0.00 and US$%(max)s (what the checks allow).")
                % {"max": allowed},
                field="accepted_usd",
            )
        receipt.accepted_usd = round_money(accepted_usd)
    elif decision == D.REJECTED:
        receipt.decision_reason = require_reason(reason)
        receipt.accepted_usd = ZERO
    else:
        raise DomainError(
            SettlementsError.INVALID_DECISION, _("Choose accept, cut or reject."), field="decision"
        )
    receipt.decision = decision
    save(
        receipt,
        actor=actor,
        reason=f"review {decision}",
        fields=["decision", "accepted_usd", "decision_reason"],
    )
    _follow_accepted(settlement, actor)
    _refresh_totals(settlement)
    _event(settlement, actor, A.LINE_REVIEWED, f"{receipt}: {receipt.get_decision_display()}")
    return receipt


@transaction.atomic
def receipts_accept_remaining(*, actor, settlement: Settlement) -> int:
    """The General Accountant accepts, in one step, every line not yet decided, as its checks
    allow; a line already accepted, cut or rejected is never touched (issue 20). Returns how
    many lines were accepted."""
    settlement = _reviewer(settlement, actor)
    SETTLEMENT.require(settlement, "review")
    pending = list(
        settlement.receipts.filter(draft=False, decision=Receipt.Decision.PENDING).order_by("pk")
    )
    for receipt in pending:
        receipt_review(actor=actor, receipt=receipt, decision=Receipt.Decision.ACCEPTED)
    return len(pending)


@enforces("R-7i")
@transaction.atomic
def perdiem_line_review(
    *,
    actor,
    settlement: Settlement,
    date: dt.date,
    concept: str,
    decision: str,
    accepted_usd: Decimal | None = None,
    reason: str = "",
) -> Settlement:
    """R-7i: the General Accountant accepts a per-diem line as computed, or cuts it (never
    more than the line, with a reason); the viáticos recognized follow."""
    settlement = _reviewer(settlement, actor)
    SETTLEMENT.require(settlement, "review")
    rows = {(r.date, r.concept): r for r in perdiem_review(settlement)}
    row = rows.get((date, concept))
    if row is None or not row.reviewable:
        raise DomainError(
            SettlementsError.NO_SUCH_LINE,
            _("There is no per-diem line to decide on for that day."),
            field="date",
        )
    decisions = PerDiemLineDecision.objects.filter(
        settlement=settlement, date=date, concept=concept
    )
    if decision == Receipt.Decision.ACCEPTED:
        decisions.delete()
        label = _("accepted")
    elif decision == Receipt.Decision.CUT:
        reason = require_reason(reason)
        if not isinstance(accepted_usd, Decimal) or not ZERO <= accepted_usd < row.actual:
            raise DomainError(
                SettlementsError.INVALID_CUT,
                _("A cut is between 0.00 and US$%(max)s (the line).") % {"max": row.actual},
                field="accepted_usd",
            )
        PerDiemLineDecision.objects.update_or_create(
            settlement=settlement,
            date=date,
            concept=concept,
            defaults={
                "accepted_usd": round_money(accepted_usd),
                "reason": reason[:300],
                "decided_by": actor,
            },
        )
        label = _("cut to US$%(amount)s: %(reason)s") % {
            "amount": round_money(accepted_usd),
            "reason": reason,
        }
    else:
        raise DomainError(
            SettlementsError.INVALID_DECISION, _("Choose accept or cut."), field="decision"
        )
    _apply_perdiem_cuts(settlement, actor)
    _event(settlement, actor, A.LINE_REVIEWED, f"{date:%d/%m/%Y} {concept}: {label}")
    return settlement


def _apply_perdiem_cuts(settlement: Settlement, actor) -> None:
    """R-7i: the viáticos recognized are the actual per-diem lines as cut by the accountant."""
    settlement.viaticos_recognized = viaticos_after_cuts(perdiem_review(settlement))
    save(settlement, actor=actor, reason="per-diem lines reviewed", fields=["viaticos_recognized"])
    _refresh_totals(settlement)


def _follow_accepted(settlement: Settlement, actor) -> None:
    """A line accepted counts what the checks allow now: when a decision on another phone
    receipt frees or takes part of the US$20.00 cap (R-2b), its stored amount follows."""
    for line in settlement_summary(settlement).lines:
        receipt = line.receipt
        if receipt.decision == Receipt.Decision.ACCEPTED and receipt.accepted_usd != (
            line.accepted_usd
        ):
            receipt.accepted_usd = line.accepted_usd
            save(
                receipt,
                actor=actor,
                reason="accepted amount follows the phone cap",
                fields=["accepted_usd"],
            )


@transaction.atomic
def settlement_review_finish(*, actor, settlement: Settlement) -> Settlement:
    settlement = _reviewer(settlement, actor)
    SETTLEMENT.require(settlement, "finish_review")
    if settlement.receipts.filter(decision=Receipt.Decision.PENDING).exists():
        raise DomainError(
            SettlementsError.LINES_PENDING, _("Decide on every line before finishing the review.")
        )
    settlement.status = S.REVIEWED
    settlement.reviewed_by, settlement.reviewed_at = actor, timezone.now()
    save(
        settlement, actor=actor, reason="reviewed", fields=["status", "reviewed_by", "reviewed_at"]
    )
    _event(settlement, actor, A.REVIEWED)
    return settlement


@transaction.atomic
def settlement_return(*, actor, settlement: Settlement, reason: str) -> Settlement:
    """Back to the traveler for corrections, with the reason; review decisions are reset."""
    reason = require_reason(reason)
    settlement = lock(settlement)
    may = access.is_accounting_assistant(actor) or access.is_general_accountant(actor)
    if not may:
        raise not_allowed(NOT_YOURS)
    if access.is_own(actor, settlement):
        raise _own()
    # The assistant returns what it has not received yet; the accountant what it reviews.
    if "return" not in access.settlement_actions(actor, settlement):
        raise SETTLEMENT.wrong_state(settlement, "return")
    settlement.receipts.update(decision=Receipt.Decision.PENDING, accepted_usd=None)
    if settlement.perdiem_decisions.exists():  # R-7i: decided again on the corrected lines
        settlement.perdiem_decisions.all().delete()
        settlement.viaticos_recognized = viaticos_after_cuts(perdiem_review(settlement))
        save(settlement, actor=actor, reason="per-diem cuts reset", fields=["viaticos_recognized"])
    stamp_runs.stamping_cancel(settlement)
    settlement.status = S.RETURNED
    settlement.status_reason = reason
    settlement.returned_at = timezone.now()
    save(
        settlement,
        actor=actor,
        reason="returned",
        fields=["status", "status_reason", "returned_at"],
    )
    _refresh_totals(settlement)
    _event(settlement, actor, A.RETURNED, reason)
    return settlement


@enforces("R-3.3", "R-3.11a", "R-8b")
@transaction.atomic
def settlement_settle(*, actor, settlement: Settlement, today: dt.date) -> Settlement:
    """The General Accountant accepts the settlement as correct (R-3.3): the balance is fixed,
    counting what payroll already deducted (R-8b); a reimbursement is due within 5 business
    days of the (latest, now correct) submission.

    The advance is settled only when it owes nothing either way: a balance the traveler still
    has to return keeps it pending settlement (R-3.11a: it blocks new advances, is due 5
    business days after today, and follows the requirement → deduction path); a balance the
    organization owes no longer blocks the traveler, and the settlement stays "settled" until
    the reimbursement is recorded."""
    settlement = _reviewer(settlement, actor)
    SETTLEMENT.require(settlement, "settle")
    _refuse_rate_pending(settlement)
    summary = settlement_summary(settlement)
    balance = settlement_balance(
        advance=settlement.advance_amount,
        viaticos_recognized=settlement.viaticos_recognized,
        terminal_accepted=summary.terminal_accepted,
        submitted_on=submission_date(settlement) or today,
        calendar=duty_calendar(),
        recovered=summary.balance.recovered,
    )
    settlement.terminal_accepted = balance.terminal_accepted
    settlement.recovered_by_deduction = balance.recovered
    settlement.balance = balance.amount
    settlement.reimbursement_due = balance.reimbursement_due
    settlement.status = S.SETTLED
    settlement.settled_by, settlement.settled_on = actor, today
    save(
        settlement,
        actor=actor,
        reason="settled",
        fields=[
            "status",
            "settled_by",
            "settled_on",
            "terminal_accepted",
            "recovered_by_deduction",
            "balance",
            "reimbursement_due",
        ],
    )
    _event(settlement, actor, A.SETTLED, f"{balance.amount}")
    # SPEC §2.5: the mission's commitment on its budget line becomes what was spent.
    budgets.spend(
        mission=settlement.mission,
        actor=actor,
        amount=settlement.viaticos_recognized + balance.terminal_accepted,
    )
    hooks.money_event("recognized", settlement=settlement, summary=summary, on=today, actor=actor)
    _follow_ledger(settlement, actor, today)
    return settlement


def settlement_follow_ledger(*, settlement: Settlement, actor, today: dt.date) -> None:
    """Called after a deduction is exported (deadlines.payroll): see _follow_ledger."""
    _follow_ledger(lock(settlement), actor, today)


def _follow_ledger(settlement: Settlement, actor, today: dt.date) -> None:
    """After a money event on a settled settlement: what the ledger says decides. Nothing owed
    by the traveler: the advance is settled (no longer blocks, R-3.11a) and a deduction not
    exported is cancelled; nothing owed either way: the settlement and mission close."""
    settlement.refresh_from_db()
    if not SETTLEMENT.allows(settlement, "close"):
        return
    amount = ledger.settlement_owed(settlement, today=today)
    if amount <= 0 and settlement.advance_id:
        PayrollDeductionOrder.objects.filter(
            advance_id=settlement.advance_id, state__in=PayrollDeductionOrder.NOT_EXPORTED
        ).update(state=PayrollDeductionOrder.State.CANCELLED, cancelled_on=today)
        advance = settlement.advance
        assert advance is not None  # advance_id is set
        advance.refresh_from_db()
        if advance.status in Advance.PENDING_SETTLEMENT:
            mission_services.advance_mark_settled(
                actor=actor, advance=advance, comment=settlement.code
            )
    if amount == 0:
        _close(settlement, actor)


@enforces("R-3.3")
@transaction.atomic
def settlement_record_balance(
    *, actor, settlement: Settlement, on: dt.date, reference: str = ""
) -> Settlement:
    """R-3.3: the traveler returned what the ledger says they owe, or the organization paid
    what it owes; the advance is then settled and the settlement and the mission closed."""
    settlement = _reviewer(settlement, actor)
    SETTLEMENT.require(settlement, "record_balance")
    amount = ledger.settlement_owed(settlement, today=on)
    fields = ["balance_settled_on", "balance_reference"]
    if amount > 0:
        settlement.balance_returned += amount
        fields.append("balance_returned")
    elif amount < 0:
        settlement.balance_reimbursed += -amount
        fields.append("balance_reimbursed")
    settlement.balance_settled_on = on
    settlement.balance_reference = (reference or "").strip()
    save(settlement, actor=actor, reason="balance recorded", fields=fields)
    if amount:  # SPEC §2.5: the journal
        kind = "money_returned" if amount > 0 else "reimbursement_paid"
        hooks.money_event(kind, settlement=settlement, amount=abs(amount), on=on, actor=actor)
    _event(settlement, actor, A.BALANCE_RECORDED, f"{amount} {reference}".strip())
    _follow_ledger(settlement, actor, on)
    return settlement


def _close(settlement: Settlement, actor) -> None:
    settlement.status = S.CLOSED
    save(settlement, actor=actor, reason="closed", fields=["status"])
    _event(settlement, actor, A.CLOSED)
    mission = settlement.mission
    if mission.status in (Mission.Status.RETURNED, *Mission.STOPPED):
        mission_services.mission_close(actor=actor, mission=mission, comment=settlement.code)


@enforces("R-3.10")
def _refuse_rate_pending(settlement: Settlement) -> None:
    """R-3.10: a settlement is settled (and its amounts frozen) only once every receipt has its
    official rate."""
    pending = settlement.receipts.filter(amount_usd__isnull=True).order_by("date").first()
    if pending is not None:
        raise DomainError(
            SettlementsError.EXCHANGE_RATE_PENDING,
            _(
                "The official exchange rate of %(currency)s for %(date)s is not published yet; "
                "the settlement can be settled once it arrives (it is fetched every day)."
            )
            % {"currency": pending.currency, "date": pending.date.isoformat()},
        )


@transaction.atomic
def settlement_follow_rates(*, settlement: Settlement) -> Settlement:
    """R-3.10: after its receipts were converted again at a new or corrected rate, the lines
    accepted and the live balance follow (settlements.fx.receipts_follow_rates)."""
    settlement = lock(settlement)
    if settlement.status in (S.SETTLED, S.CLOSED):
        return settlement  # frozen
    _follow_accepted(settlement, None)
    _refresh_totals(settlement)
    return settlement


def _refresh_totals(settlement: Settlement) -> None:
    """Keep the stored live balance in step with the lines (lists show it without recomputing)."""
    summary = settlement_summary(settlement)
    settlement.terminal_accepted = summary.terminal_accepted
    settlement.balance = summary.balance.amount
    settlement.save_without_historical_record(update_fields=["terminal_accepted", "balance"])
    if settlement.status not in Settlement.EDITABLE | {S.SUBMITTED}:
        # A line changed after reception: the stored report (and bundle) are built again.
        from settlements.built import built_documents_refresh_later

        built_documents_refresh_later(settlement.pk)
