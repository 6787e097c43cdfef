"""Reads for pages and the API: access-checked, with the joins they need."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from deadlines import deduction_orders
from deadlines import rules as deadline_rules
from missions.models import Advance, Mission, MissionEvent
from missions.perdiem import PerDiemResult
from missions.rules import snapshot_to_result
from settlements import access
from settlements.models import Document, Receipt, Settlement
from settlements.receipt_reader import COUNTRY_CURRENCIES, ReceiptReading, read_receipt
from settlements.rules import (
    NON_ELIGIBLE,
    Balance,
    ExceptionApproval,
    Finding,
    MissionFacts,
    ReceiptFacts,
    ReceiptVerdict,
    Severity,
    check_issued_to_organization,
    evaluate_receipts,
    settlement_balance,
)
from settlements.tax_ids import issuer_tax_id_warning
from viaticos.business_days import duty_calendar
from viaticos.models import Organization
from viaticos.money import round_money
from viaticos.people import (
    display_name,
    log_blocked_read,
    serves_hold_purpose,
    with_blocked_flag,
    without_blocked,
)
from viaticos.uploads import check_upload

ZERO = Decimal("0.00")


def _base() -> QuerySet[Settlement]:
    return Settlement.objects.select_related(
        "mission__traveler",
        "mission__project",
        "advance",
        "received_by",
        "settled_by",
    ).annotate(recovered_so_far=deduction_orders.recovered_subquery("advance_id"))


def _list_base() -> QuerySet[Settlement]:
    """For list pages: the per-diem snapshots (large JSON documents) are read only on a
    settlement's own page."""
    return Settlement.objects.select_related("mission__traveler", "mission__project").defer(
        "perdiem", "mission__planned_perdiem"
    )


def settlements_of_traveler(user) -> QuerySet[Settlement]:
    """My settlements, the latest mission first (the order of the missions index: a page
    costs the same whatever the number of missions)."""
    return (
        _list_base()
        .filter(mission__traveler=user)
        .order_by("-mission__departure_at", "-mission_id")
    )


def settleable_missions() -> QuerySet[Mission]:
    """The missions a settlement is owed for (one rule for the list and for starting one): back
    from the trip, or stopped after money was given and partly spent, which R-4 turns into a
    mandatory settlement. A mission stopped before any money was given, or whose advance is
    simply to be returned, has nothing to settle."""
    spent_before_stop = Advance.objects.filter(mission=OuterRef("pk"), settlement_required=True)
    return Mission.objects.filter(
        status__in=[Mission.Status.RETURNED, *Mission.STOPPED],
    ).filter(Q(status=Mission.Status.RETURNED) | Exists(spent_before_stop))


def missions_to_settle(user) -> QuerySet[Mission]:
    """The traveler's settleable missions that have no settlement yet, the latest return
    first, with the payment date of the advance to settle (`paid_on`: its deadline counts from
    it when it was paid after the return, R-5)."""
    paid = Advance.objects.filter(
        mission=OuterRef("pk"), status__in=Advance.PENDING_SETTLEMENT
    ).order_by("-disbursed_on")
    return (
        settleable_missions()
        .filter(traveler=user, settlement__isnull=True)
        .annotate(paid_on=Subquery(paid.values("disbursed_on")[:1]))
        .defer("planned_perdiem")
        .prefetch_related("legs__destination")
        .order_by("-return_at", "-pk")
    )


@dataclass(frozen=True)
class MissionToSettle(deadline_rules.Countdown):
    """A row of "Missions to settle": the mission, and by when (R-3.3)."""

    mission: Mission
    due_date: dt.date
    days_left: int  # business days; negative when late


# Missions to settle come 20 at a time: each row is an action (start its settlement), and a
# traveler works through a few of them, the latest first; the settlements below keep the
# lists' 50 (viaticos.pagination.PER_PAGE).
TO_SETTLE_PER_PAGE = 20


def missions_to_settle_page(user, *, page: str | None = None, today: dt.date | None = None):
    """One page of `missions_to_settle`, each with its due date (R-3.3: 5 business days after
    the return, or after a later payment of its advance, R-5: the deadline job's) and the
    business days left, counted in one walk over the calendar."""
    today = today or timezone.localdate()
    # Its missions are replaced below by MissionToSettle rows.
    result: Page[Any] = Paginator(missions_to_settle(user), TO_SETTLE_PER_PAGE).get_page(page)
    calendar = duty_calendar()
    dues = {
        m.pk: deadline_rules.advance_due_date(
            calendar, return_date=deadline_rules.local_date(m.return_at), disbursed_on=m.paid_on
        )
        for m in result.object_list
    }
    left = deadline_rules.business_days_left_many(calendar, set(dues.values()), today)
    result.object_list = [
        MissionToSettle(m, dues[m.pk], left[dues[m.pk]]) for m in result.object_list
    ]
    return result


def _visible(qs: QuerySet[Settlement], user) -> QuerySet[Settlement]:
    """A traveler sees their own settlements; accounting, approvers of exceptions and the
    auditor see all of them."""
    qs = without_blocked(qs, "mission__traveler", reader=user)  # R-T2: the hold's purpose
    if access.reads_all(user):
        return qs
    return qs.filter(mission__traveler=user)


def settlements_visible_to(user) -> QuerySet[Settlement]:
    """The settlements list of the API: a row shows its mission's code and traveler, so
    neither the mission's per-diem snapshot nor the other joins are loaded."""
    qs = Settlement.objects.select_related("mission__traveler").defer("mission__planned_perdiem")
    return _visible(qs, user)


def settlement_get_for_user(user, pk) -> Settlement:
    """The one access check for a settlement: 404 for anyone who may not see it."""
    hold_purpose = serves_hold_purpose(user)
    qs = with_blocked_flag(_base(), "mission__traveler") if hold_purpose else _base()
    settlement = get_object_or_404(_visible(qs, user), pk=pk)
    # person_blocked: annotated by with_blocked_flag (R-T2, R-S3: read for the hold, logged)
    if hold_purpose and getattr(settlement, "person_blocked", False):
        what = _("Settlement %(code)s") % {"code": settlement.code}
        log_blocked_read(actor=user, person=settlement.mission.traveler, what=what, blocked=True)
    return settlement


def receipt_get_for_user(user, pk) -> Receipt:
    return get_object_or_404(
        Receipt.objects.select_related("settlement__mission").filter(
            settlement__in=settlements_visible_to(user)
        ),
        pk=pk,
    )


def document_get_for_user(user, pk) -> Document:
    """Files are served only to people who may see their settlement (404 otherwise)."""
    return get_object_or_404(
        Document.objects.select_related("settlement__mission__traveler").filter(
            settlement__in=settlements_visible_to(user)
        ),
        pk=pk,
    )


INBOX_TO_REVIEW = (
    Settlement.Status.RECEIVED,
    Settlement.Status.REVIEWED,
    Settlement.Status.SETTLED,
)


def inbox_all() -> QuerySet[Settlement]:
    """Both lists of the accounting inbox at once (its exports), oldest submission first."""
    return (
        _list_base()
        .filter(status__in=[Settlement.Status.SUBMITTED, *INBOX_TO_REVIEW])
        .order_by("submitted_at", "pk")
    )


def receipts_of_settlements(settlements: QuerySet[Settlement]) -> QuerySet[Receipt]:
    """The confirmed receipts of a (filtered, scoped) list of settlements, for its export."""
    return (
        Receipt.objects.filter(settlement__in=settlements.values("pk"), draft=False)
        .select_related("settlement__mission__traveler")
        .order_by("settlement_id", "date", "pk")
    )


def inbox_to_receive() -> QuerySet[Settlement]:
    return _list_base().filter(status=Settlement.Status.SUBMITTED).order_by("submitted_at", "pk")


def inbox_to_review() -> QuerySet[Settlement]:
    return _list_base().filter(status__in=INBOX_TO_REVIEW).order_by("received_at", "pk")


def exceptions_to_decide() -> QuerySet[Receipt]:
    return (
        Receipt.objects.select_related("settlement__mission__traveler")
        .filter(
            category__in=[c.value for c in NON_ELIGIBLE],
            exception_approved_by__isnull=True,
        )
        .exclude(exception_reason="")
        .exclude(settlement__status__in=[Settlement.Status.SETTLED, Settlement.Status.CLOSED])
    )


def mission_started(mission: Mission) -> bool:
    """Whether the traveler set off: a mission stopped (R-4) before its "started" step was never
    travelled, so its settlement recognizes no viáticos. Missions that are not stopped went
    through the trip (a returned mission was started first)."""
    if mission.status not in Mission.STOPPED:
        return True
    return MissionEvent.objects.filter(
        mission_id=mission.pk, action=MissionEvent.Action.STARTED
    ).exists()


@dataclass(frozen=True)
class SummaryLine:
    receipt: Receipt
    verdict: ReceiptVerdict  # what the checks allow
    accepted_usd: Decimal  # what counts now (the review decision, else the checks)
    documents: list[Document]


@dataclass(frozen=True)
class SettlementSummary:
    lines: list[SummaryLine]
    terminal_accepted: Decimal
    balance: Balance
    perdiem: PerDiemResult  # the viáticos recomputed from the actual times, line by line

    @property
    def travelled(self) -> bool:
        """False when the mission was stopped before it started (R-4): no day of per diem."""
        return self.perdiem.mission_days > 0

    def line_for(self, receipt_pk) -> SummaryLine:
        return next(line for line in self.lines if line.receipt.pk == receipt_pk)


def _decided_usd(receipt: Receipt) -> Decimal | None:
    """The accountant's decision as an upper bound of the line (R-2b shares the phone cap by
    it); None while pending, or when accepted as the checks allow."""
    D = Receipt.Decision
    if receipt.decision == D.REJECTED:
        return ZERO
    if receipt.decision == D.CUT and receipt.accepted_usd is not None:
        return receipt.accepted_usd
    return None


def _facts(receipt: Receipt, documents: list[Document]) -> ReceiptFacts:
    approval = None
    approver = receipt.exception_approved_by if receipt.exception_approved_by_id else None
    if approver is not None:
        approval = ExceptionApproval(
            receipt.exception_approver_role,
            display_name(approver),
        )
    return ReceiptFacts(
        receipt_type=receipt.receipt_type,
        category=receipt.category,
        date=receipt.date,
        amount=receipt.amount,
        amount_usd=receipt.amount_usd,
        customer_name=receipt.customer_name,
        customer_tax_id=receipt.customer_tax_id,
        has_call_detail=any(d.kind == Document.Kind.CALL_DETAIL for d in documents),
        exception=approval,
        outside_dates_reason=receipt.outside_dates_reason,
        key=receipt.pk,
        decided_usd=_decided_usd(receipt),
    )


def settlement_summary(settlement: Settlement, *, calendar=None) -> SettlementSummary:
    """Checks per line (R-3.12, R-2b, R-2h), the review decisions, and the balance (R-3.3).

    A line accepted counts what the checks allow now (so a phone receipt gets the part of the
    cap that another one, rejected later, left free: R-2b); a cut counts at most its amount; a
    rejected line counts 0."""
    # Drafts (uploaded, not yet confirmed) count nowhere until the traveler confirms them.
    receipts = list(
        Receipt.objects.filter(settlement=settlement, draft=False)
        .select_related("exception_approved_by")
        .prefetch_related(Prefetch("documents", queryset=Document.objects.order_by("pk")))
    )
    organization = Organization.current()
    mission_facts = MissionFacts(
        organization.name if organization else "",
        organization.tax_id if organization else "",
        _local_date(settlement.actual_departure_at),
        _local_date(settlement.actual_return_at),
    )
    docs = {r.pk: list(r.documents.all()) for r in receipts}
    verdicts = evaluate_receipts([_facts(r, docs[r.pk]) for r in receipts], mission_facts)
    lines = []
    for receipt, verdict in zip(receipts, verdicts, strict=True):
        decided = _decided_usd(receipt)
        accepted = verdict.accepted_usd if decided is None else min(decided, verdict.accepted_usd)
        lines.append(SummaryLine(receipt, verdict, accepted, docs[receipt.pk]))
    terminal = round_money(sum((line.accepted_usd for line in lines), ZERO))
    # The reimbursement date is fixed once the submission is accepted as correct.
    settled = settlement.settled_on is not None
    balance = settlement_balance(
        advance=settlement.advance_amount,
        viaticos_recognized=settlement.viaticos_recognized,
        terminal_accepted=terminal,
        submitted_on=submission_date(settlement) if settled else None,
        calendar=calendar or (duty_calendar() if settled else None),
        recovered=recovered_by_deduction(settlement),
    )
    return SettlementSummary(lines, terminal, balance, snapshot_to_result(settlement.perdiem))


def recovered_by_deduction(settlement: Settlement) -> Decimal:
    """R-8b: what payroll already deducted for the settlement's advance (an exported order),
    counted in its balance; fixed when the settlement is accepted."""
    if settlement.settled_on is not None:
        return settlement.recovered_by_deduction
    if not settlement.advance_id:
        return ZERO
    recovered = getattr(settlement, "recovered_so_far", None)  # every exported order (R-8b)
    if recovered is None:
        return deduction_orders.recovered_for_advance(settlement.advance_id)
    return round_money(recovered)


def submission_date(settlement: Settlement) -> dt.date | None:
    """R-3.3: the day of the traveler's latest submission, the one accepted as correct (a
    settlement returned for corrections is submitted again)."""
    if settlement.submitted_at is None:
        return None
    return _local_date(settlement.submitted_at)


def _local_date(moment):
    return timezone.localtime(moment).date()


def settlement_get_for_user_unchecked(pk) -> Settlement:
    """For a response right after a service already checked access."""
    return _base().prefetch_related("documents").get(pk=pk)


def receipt_read(upload) -> ReceiptReading:
    """SPEC §3 "Reading receipts": what a receipt file's SUNAT QR says, the RUC check digits
    and whether the buyer is the organization (R-3.12). Checks the upload as every document is
    checked (viaticos.uploads) and saves nothing."""
    checked = check_upload(upload)
    organization = Organization.current()
    return read_receipt(
        checked.content,
        checked.content_type,
        organization_tax_id=organization.tax_id if organization else "",
    )


@dataclass(frozen=True)
class DraftLine:
    """An uploaded receipt waiting for the traveler to confirm it, with what can be said at
    once: whether its QR code was read, R-3.12, the issuer's tax id check digit."""

    receipt: Receipt
    documents: list[Document]
    findings: list[Finding]

    @property
    def read_from_qr(self) -> bool:
        return bool(self.receipt.read_fields)


def _tax_id_countries(receipt: Receipt) -> list[str]:
    """Where a receipt may come from: the duty station, and the countries of its currency (a
    receipt in GTQ is Guatemalan). Read from the receipt and the settings: no query per page."""
    currency_countries = [c for c, code in COUNTRY_CURRENCIES.items() if code == receipt.currency]
    return [*currency_countries, settings.VIATICOS_DUTY_COUNTRY]


def tax_id_findings(receipts: list[Receipt]) -> dict[int, Finding]:
    """Issuer tax ids that fail the check digit of every country the receipt may come from
    (RUC, NIT...): a note next to the line, never a refusal."""
    notes = {}
    for receipt in receipts:
        if receipt.receipt_type == "recibo_egresos" or not receipt.issuer_tax_id:
            continue
        failed = issuer_tax_id_warning(receipt.issuer_tax_id, _tax_id_countries(receipt))
        if failed is not None:
            notes[receipt.pk] = Finding(
                "issuer_tax_id_check_digit",
                _(
                    "The issuer's tax id %(value)s is not a valid %(label)s: check it against "
                    "the receipt."
                )
                % {"value": receipt.issuer_tax_id, "label": failed.label},
                "",
                Severity.NOTE,
            )
    return notes


def settlement_drafts(settlement: Settlement) -> list[DraftLine]:
    """The uploaded receipts still to confirm, oldest first."""
    drafts = list(
        Receipt.objects.filter(settlement=settlement, draft=True)
        .prefetch_related(Prefetch("documents", queryset=Document.objects.order_by("pk")))
        .order_by("pk")
    )
    if not drafts:
        return []
    organization = Organization.current()
    mission_facts = MissionFacts(
        organization.name if organization else "",
        organization.tax_id if organization else "",
        _local_date(settlement.actual_departure_at),
        _local_date(settlement.actual_return_at),
    )
    tax_ids = tax_id_findings(drafts)
    lines = []
    for receipt in drafts:
        findings = []
        if not receipt.read_fields:
            findings.append(
                Finding(
                    "no_qr_code",
                    _("No SUNAT QR code was found in this file: enter the details below."),
                    "",
                    Severity.NOTE,
                )
            )
        facts = ReceiptFacts(
            receipt_type=receipt.receipt_type,
            category=receipt.category,
            date=receipt.date,
            amount=receipt.amount,
            amount_usd=receipt.amount_usd,
            customer_name=receipt.customer_name,
            customer_tax_id=receipt.customer_tax_id,
        )
        findings += check_issued_to_organization(facts, mission_facts)
        if receipt.pk in tax_ids:
            findings.append(tax_ids[receipt.pk])
        lines.append(DraftLine(receipt, list(receipt.documents.all()), findings))
    return lines


def perdiem_review(settlement: Settlement) -> list:
    """R-7i: the per-diem lines planned beside actual, with the accountant's cuts (one query)."""
    from settlements.models import PerDiemLineDecision
    from settlements.rules import perdiem_review_lines

    cuts = {
        (d.date, d.concept): (d.accepted_usd, d.reason)
        for d in PerDiemLineDecision.objects.filter(settlement=settlement)
    }
    planned = snapshot_to_result(settlement.mission.planned_perdiem or {}).lines
    actual = snapshot_to_result(settlement.perdiem or {}).lines
    return perdiem_review_lines(planned, actual, cuts)
