"""Receipt checks and the settlement balance: pure functions, no ORM (SPEC §3).

Every check returns `Finding`s (stable code, translated message, rule ID, severity) so that a
page can show the reason next to the line, and an accepted USD amount per receipt. Services
feed these functions plain values taken from the models; the accountant's own decisions (cut or
reject a line) are applied on top of them by the services.

Severities:
- `rejected`: the line counts 0 (R-3.12, R-2h, missing call detail, negative amount);
- `cut`: the line counts less than its amount (the R-2b phone cap);
- `needs_reason`: a warning the traveler must answer with a reason before submitting (a
  receipt dated outside the mission); once answered it becomes `note`;
- `note`: information only.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from django.db.models import TextChoices
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from viaticos.business_days import BusinessCalendar
from viaticos.money import round_money
from viaticos.rules_registry import enforces

ZERO = Decimal("0.00")
# R-2b: phone calls are capped at US$20.00 per mission.
PHONE_CAP_USD = Decimal("20.00")
# R-2h: who may approve an exception for a non-eligible expense (role values of viaticos.roles).
EXCEPTION_APPROVER_ROLES = frozenset({"general_administrator", "finance_director"})
# a negative balance is reimbursed within 5 business days of a correct submission.
REIMBURSEMENT_BUSINESS_DAYS = 5


class ReceiptType(TextChoices):
    INVOICE = "invoice", gettext_lazy("Invoice (factura)")
    TICKET = "ticket", gettext_lazy("Sales ticket (boleta)")
    BOARDING_PASS = "boarding_pass", gettext_lazy("Boarding pass")
    TRANSPORT_TICKET = "transport_ticket", gettext_lazy("Bus or transport ticket")
    RECIBO_EGRESOS = "recibo_egresos", gettext_lazy("Recibo de Egresos")
    OTHER = "other", gettext_lazy("Other document")


class Category(TextChoices):
    AIRPORT_TAX = "airport_tax", gettext_lazy("Airport tax")
    PHONE = "phone", gettext_lazy("Phone calls")
    INTERNET = "internet", gettext_lazy("Internet")
    TAXI = "taxi", gettext_lazy("Taxi airport–hotel")
    LOCAL_TRANSPORT = "local_transport", gettext_lazy("Local transport")
    OTHER = "other", gettext_lazy("Other terminal expense")
    # R-2h: non-eligible, borne by the traveler unless an exception is approved.
    LAUNDRY = "laundry", gettext_lazy("Laundry (not eligible)")
    MINIBAR = "minibar", gettext_lazy("Minibar (not eligible)")
    ALCOHOL = "alcohol", gettext_lazy("Alcoholic drinks (not eligible)")


NON_ELIGIBLE = frozenset({Category.LAUNDRY, Category.MINIBAR, Category.ALCOHOL})


class Severity(TextChoices):
    REJECTED = "rejected", gettext_lazy("Rejected")
    CUT = "cut", gettext_lazy("Cut")
    NEEDS_REASON = "needs_reason", gettext_lazy("Needs a reason")
    NOTE = "note", gettext_lazy("Note")


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    rule: str  # the policy rule ID, or "" for plain input checks
    severity: Severity

    @property
    def blocks_submission(self) -> bool:
        return self.severity == Severity.NEEDS_REASON


@dataclass(frozen=True)
class ExceptionApproval:
    """R-2h: an approved exception for a non-eligible expense, and the role that approved it."""

    approver_role: str
    approver_name: str = ""


@dataclass(frozen=True)
class ReceiptFacts:
    """What the checks need to know about one receipt (plain values taken from the model)."""

    receipt_type: str
    category: str
    date: dt.date
    amount: Decimal  # in the receipt's currency
    # converted at the official rate of `date`; None while that rate is pending
    amount_usd: Decimal | None
    customer_name: str = ""  # to whom the receipt is issued
    customer_tax_id: str = ""
    has_call_detail: bool = False
    exception: ExceptionApproval | None = None
    outside_dates_reason: str = ""
    key: object = None  # the caller's identifier (e.g. the receipt's pk), passed through
    # The General Accountant's decision as an upper bound: 0.00 when the line was rejected, the
    # amount when it was cut; None while pending or when accepted as the checks allow.
    decided_usd: Decimal | None = None


@dataclass(frozen=True)
class ReceiptVerdict:
    key: object
    amount_usd: Decimal
    accepted_usd: Decimal
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    @property
    def rejected(self) -> bool:
        return any(f.severity == Severity.REJECTED for f in self.findings)

    @property
    def blocks_submission(self) -> bool:
        return any(f.blocks_submission for f in self.findings)

    @property
    def status(self) -> Severity | None:
        """The worst severity among the findings, or None when the line is clean."""
        for severity in (Severity.REJECTED, Severity.CUT, Severity.NEEDS_REASON, Severity.NOTE):
            if any(f.severity == severity for f in self.findings):
                return severity
        return None


@dataclass(frozen=True)
class MissionFacts:
    """The mission the receipts belong to: its organization and actual travel dates."""

    organization_name: str
    organization_tax_id: str
    departure: dt.date
    return_date: dt.date


# Cached: a settlement's receipts are nearly all issued to the same name and tax id, checked
# against the organization's on every line of every page that shows them.
@functools.lru_cache(maxsize=512)
def normalize_tax_id(value: str) -> str:
    """Tax ids compare on letters and digits only ("20-51234567-8" == "20512345678")."""
    return re.sub(r"[^0-9A-Z]", "", (value or "").upper())


@functools.lru_cache(maxsize=512)
def normalize_name(value: str) -> str:
    """Names compare without accents, case, punctuation or repeated spaces."""
    plain = unicodedata.normalize("NFKD", value or "")
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    plain = re.sub(r"[^0-9a-z]+", " ", plain.casefold())
    return " ".join(plain.split())


def check_amount(amount: Decimal) -> list[Finding]:
    """A receipt's amount must be positive: a negative or zero amount is refused."""
    if amount < 0:
        return [
            Finding(
                "negative_amount",
                _("The amount cannot be negative."),
                "",
                Severity.REJECTED,
            )
        ]
    if amount == 0:
        return [
            Finding(
                "zero_amount",
                _("The amount must be greater than zero."),
                "",
                Severity.REJECTED,
            )
        ]
    return []


@enforces("R-3.12")
def check_issued_to_organization(facts: ReceiptFacts, mission: MissionFacts) -> list[Finding]:
    """R-3.12: a receipt must be issued to the organization's name and tax id, unless it is a
    Recibo de Egresos (which the product generates for the traveler to sign)."""
    if facts.receipt_type == ReceiptType.RECIBO_EGRESOS:
        return []
    tax_ok = normalize_tax_id(facts.customer_tax_id) == normalize_tax_id(
        mission.organization_tax_id
    ) and bool(normalize_tax_id(facts.customer_tax_id))
    name_ok = normalize_name(facts.customer_name) == normalize_name(mission.organization_name)
    if tax_ok and name_ok:
        return []
    if not tax_ok:
        message = _(
            "The receipt is not issued to the organization's tax id %(tax_id)s; ask the issuer "
            "for one in the organization's name, or use a Recibo de Egresos."
        ) % {"tax_id": mission.organization_tax_id}
        code = "not_issued_to_organization_tax_id"
    else:
        message = _(
            'The receipt is not issued to the organization\'s name "%(name)s"; ask the issuer '
            "for one in the organization's name, or use a Recibo de Egresos."
        ) % {"name": mission.organization_name}
        code = "not_issued_to_organization_name"
    return [Finding(code, message, "R-3.12", Severity.REJECTED)]


@enforces("R-2h")
def check_eligibility(facts: ReceiptFacts) -> list[Finding]:
    """R-2h: laundry, minibar and alcoholic drinks are borne by the traveler, unless the
    General Administrator or the Finance Director approved an exception."""
    if facts.category not in NON_ELIGIBLE:
        return []
    approval = facts.exception
    if approval is not None and approval.approver_role in EXCEPTION_APPROVER_ROLES:
        return [
            Finding(
                "non_eligible_exception_approved",
                _("Non-eligible expense accepted by exception approved by %(name)s.")
                % {"name": approval.approver_name or approval.approver_role},
                "R-2h",
                Severity.NOTE,
            )
        ]
    return [
        Finding(
            "non_eligible_category",
            _(
                "Laundry, minibar and alcoholic drinks are not eligible and are borne by the "
                "traveler, unless the General Administrator or the Finance Director approves "
                "an exception."
            ),
            "R-2h",
            Severity.REJECTED,
        )
    ]


@enforces("R-2b")
def check_call_detail(facts: ReceiptFacts) -> list[Finding]:
    """R-2b: phone calls are reimbursed only with the call detail attached."""
    if facts.category != Category.PHONE or facts.has_call_detail:
        return []
    return [
        Finding(
            "phone_call_detail_missing",
            _("Phone calls need the call detail attached to the receipt."),
            "R-2b",
            Severity.REJECTED,
        )
    ]


def check_date_in_mission(facts: ReceiptFacts, mission: MissionFacts) -> list[Finding]:
    """A receipt dated outside the mission's actual dates is a warning that needs a reason."""
    if mission.departure <= facts.date <= mission.return_date:
        return []
    if facts.outside_dates_reason.strip():
        return [
            Finding(
                "date_outside_mission_explained",
                _("Dated outside the mission; reason given: %(reason)s")
                % {"reason": facts.outside_dates_reason.strip()},
                "",
                Severity.NOTE,
            )
        ]
    return [
        Finding(
            "date_outside_mission",
            _(
                "The receipt is dated %(date)s, outside the mission (%(start)s to %(end)s). "
                "Give the reason before submitting."
            )
            % {
                "date": facts.date.isoformat(),
                "start": mission.departure.isoformat(),
                "end": mission.return_date.isoformat(),
            },
            "",
            Severity.NEEDS_REASON,
        )
    ]


@enforces("R-3.10")
def rate_pending_finding(facts: ReceiptFacts) -> Finding:
    """R-3.10: a receipt whose official rate is not published yet counts 0 USD for now; it is
    converted when the rate arrives (the traveler has nothing to do)."""
    return Finding(
        "exchange_rate_pending",
        _(
            "Rate pending: the official exchange rate of %(date)s is not published yet; the "
            "amount is converted to USD when it arrives."
        )
        % {"date": facts.date.isoformat()},
        "R-3.10",
        Severity.NOTE,
    )


def evaluate_receipts(
    receipts: Sequence[ReceiptFacts], mission: MissionFacts
) -> list[ReceiptVerdict]:
    """Run every check on every receipt of one settlement, in the given order.

    R-2b: the phone cap of US$20.00 is per mission, so phone receipts share it in order of date
    (then of the sequence given): the receipt that goes past the cap is cut to what is left, and
    later ones count 0. A receipt uses the cap only for what it counts: one the accountant
    rejected uses nothing, one cut uses its cut amount (`decided_usd`), so the cap is shared by
    the phone receipts that are accepted.
    """
    phone_left = PHONE_CAP_USD
    order = sorted(range(len(receipts)), key=lambda i: (receipts[i].date, i))
    verdicts: dict[int, ReceiptVerdict] = {}
    for index in order:
        facts = receipts[index]
        findings = [
            *check_amount(facts.amount),
            *check_issued_to_organization(facts, mission),
            *check_eligibility(facts),
            *check_call_detail(facts),
            *check_date_in_mission(facts, mission),
        ]
        if facts.amount_usd is None:
            findings.append(rate_pending_finding(facts))
        amount_usd = ZERO if facts.amount_usd is None else round_money(facts.amount_usd)
        rejected = any(f.severity == Severity.REJECTED for f in findings)
        accepted = ZERO if rejected or amount_usd < 0 else amount_usd
        if facts.category == Category.PHONE and not rejected:
            if accepted > phone_left:
                findings.append(
                    Finding(
                        "phone_cap_exceeded",
                        _(
                            "Phone calls are capped at US$%(cap)s per mission; "
                            "US$%(accepted)s of this receipt is accepted."
                        )
                        % {"cap": PHONE_CAP_USD, "accepted": phone_left},
                        "R-2b",
                        Severity.CUT,
                    )
                )
                accepted = phone_left
            counted = accepted if facts.decided_usd is None else min(accepted, facts.decided_usd)
            phone_left -= max(counted, ZERO)
        verdicts[index] = ReceiptVerdict(facts.key, amount_usd, accepted, tuple(findings))
    return [verdicts[i] for i in range(len(receipts))]


def terminal_expenses_accepted(verdicts: Iterable[ReceiptVerdict]) -> Decimal:
    return round_money(sum((v.accepted_usd for v in verdicts), ZERO))


@dataclass(frozen=True)
class PerDiemReviewLine:
    """One per-diem line of a settlement under review: planned (the authorized mission) beside
    actual (recomputed from the actual times), and what counts after the accountant's cut."""

    date: dt.date
    concept: str  # "lodging", "meals" or "sponsor"
    planned: Decimal
    actual: Decimal
    accepted: Decimal
    cut_reason: str = ""

    @property
    def cut(self) -> bool:
        return self.accepted != self.actual

    @property
    def reviewable(self) -> bool:
        """Only what is paid (lodging, meals) can be cut; the sponsor's deduction cannot."""
        return self.actual > 0 and self.concept != "sponsor"


class DayLine(Protocol):
    """A per-diem line of a day (missions.perdiem.Line), as far as the review reads it."""

    @property
    def date(self) -> dt.date: ...
    @property
    def concept(self) -> str: ...
    @property
    def amount(self) -> Decimal: ...


def _by_line(lines: Iterable[DayLine]) -> dict[tuple[dt.date, str], Decimal]:
    totals: dict[tuple[dt.date, str], Decimal] = {}
    for line in lines:
        key = (line.date, line.concept)
        totals[key] = totals.get(key, ZERO) + line.amount
    return totals


@enforces("R-7i")
def perdiem_review_lines(
    planned_lines: Iterable[DayLine],
    actual_lines: Iterable[DayLine],
    cuts: dict[tuple[dt.date, str], tuple[Decimal, str]],
) -> list[PerDiemReviewLine]:
    """R-7i: the per-diem lines by day and concept, planned beside actual, with the cuts the
    General Accountant made (never more than the line)."""
    planned, actual = _by_line(planned_lines), _by_line(actual_lines)
    rows = []
    for key in sorted(set(planned) | set(actual)):
        amount = actual.get(key, ZERO)
        accepted, reason = cuts.get(key, (amount, ""))
        rows.append(
            PerDiemReviewLine(
                key[0],
                key[1],
                planned.get(key, ZERO),
                amount,
                min(round_money(accepted), amount) if key in actual else ZERO,
                reason,
            )
        )
    return rows


@enforces("R-7i")
def viaticos_after_cuts(rows: Iterable[PerDiemReviewLine]) -> Decimal:
    """The viáticos recognized: every actual line, as cut by the accountant."""
    return round_money(sum((row.accepted for row in rows), ZERO))


@dataclass(frozen=True)
class TimesWindow:
    """The trip as authorized: the planned departure and return (an authorized extension moves
    the return), and how far actual times may stray from them."""

    departure: dt.datetime
    return_at: dt.datetime
    tolerance: dt.timedelta


@enforces("R-3.11b", "R-7a")
def times_outside_window(
    window: TimesWindow, *, actual_departure: dt.datetime, actual_return: dt.datetime
) -> bool:
    """R-3.11b: a mission is authorized before it starts, for its dates. Actual times may
    differ from the planned ones within the tolerance; beyond it, they need an authorized
    extension (a later return) or are refused, never paid as typed (R-7a)."""
    return (
        actual_departure < window.departure - window.tolerance
        or actual_return > window.return_at + window.tolerance
    )


class BalanceDirection(TextChoices):
    TRAVELER_RETURNS = "traveler_returns", gettext_lazy("The traveler returns the balance")
    ORGANIZATION_REIMBURSES = (
        "organization_reimburses",
        gettext_lazy("The organization reimburses the traveler"),
    )
    SETTLED_EVEN = "even", gettext_lazy("No balance")


@dataclass(frozen=True)
class Movements:
    """What happened to the money of one advance (USD, each ≥ 0): the ledger's lines."""

    disbursed: Decimal = ZERO
    recovered: Decimal = ZERO  # payroll deduction orders exported (R-8b)
    returned: Decimal = ZERO  # given back by the traveler (R-4 return, balance returned)
    reimbursed: Decimal = ZERO  # paid to the traveler by the organization
    recognized: Decimal | None = None  # viáticos recognized, once the settlement is accepted
    accepted: Decimal | None = None  # terminal expenses accepted, once accepted

    @property
    def spent(self) -> Decimal:
        return (self.recognized or ZERO) + (self.accepted or ZERO)


@enforces("R-3.3", "R-8b")
def owed(movements: Movements) -> Decimal:
    """The ledger (SPEC §4 "Deductions are money recovered"): advance − recovered by
    deduction − returned + reimbursed − (viáticos recognized + terminal expenses accepted).
    Positive: the traveler owes it; negative: the organization owes it (R-3.3); zero: settled.
    The one formula: the settlement balance and settlements.ledger both call it."""
    m = movements
    return round_money(m.disbursed - m.recovered - m.returned + m.reimbursed - m.spent)


@dataclass(frozen=True)
class Balance:
    advance: Decimal
    viaticos_recognized: Decimal
    terminal_accepted: Decimal
    amount: Decimal  # advance − recovered − (viáticos + terminal): positive → traveler returns
    direction: BalanceDirection
    reimbursement_due: dt.date | None = None
    recovered: Decimal = ZERO  # by payroll deduction (R-8b), before the settlement

    @property
    def spent(self) -> Decimal:
        return self.viaticos_recognized + self.terminal_accepted

    @property
    def owed(self) -> Decimal:
        """The amount without its sign, for display beside `direction`, which says who pays."""
        return abs(self.amount)

    @property
    def to_return(self) -> Decimal:
        return self.amount if self.amount > 0 else ZERO

    @property
    def to_reimburse(self) -> Decimal:
        return -self.amount if self.amount < 0 else ZERO


def balance_direction(amount: Decimal) -> BalanceDirection:
    """R-3.3: who pays a balance, from its sign (positive: the traveler returns it)."""
    if amount > 0:
        return BalanceDirection.TRAVELER_RETURNS
    if amount < 0:
        return BalanceDirection.ORGANIZATION_REIMBURSES
    return BalanceDirection.SETTLED_EVEN


@enforces("R-3.3")
def settlement_balance(
    *,
    advance: Decimal,
    viaticos_recognized: Decimal,
    terminal_accepted: Decimal,
    submitted_on: dt.date | None = None,
    calendar: BusinessCalendar | None = None,
    recovered: Decimal = ZERO,
) -> Balance:
    """R-3.3: balance = advance − recovered by deduction − (viáticos recognized + terminal
    expenses accepted) (R-8b: a deduction already exported is money recovered, so a traveler
    who settles after it is reimbursed what was over-deducted, never charged twice).

    Positive: the traveler returns it. Negative: the organization reimburses it within 5
    business days of a correct submission (`submitted_on`: the day of the submission that was
    accepted as correct, not the day it was accepted); the due date is given when both
    `submitted_on` and the duty-station `calendar` are known.
    """
    for name, value in (
        ("advance", advance),
        ("viaticos_recognized", viaticos_recognized),
        ("terminal_accepted", terminal_accepted),
        ("recovered", recovered),
    ):
        if not isinstance(value, Decimal):
            raise TypeError(f"{name} must be Decimal")
        if value < 0:
            raise ValueError(f"{name} cannot be negative")
    advance, viaticos_recognized, terminal_accepted, recovered = (
        round_money(advance),
        round_money(viaticos_recognized),
        round_money(terminal_accepted),
        round_money(recovered),
    )
    amount = owed(
        Movements(
            disbursed=advance,
            recovered=recovered,
            recognized=viaticos_recognized,
            accepted=terminal_accepted,
        )
    )
    direction = balance_direction(amount)
    due = None
    if direction == BalanceDirection.ORGANIZATION_REIMBURSES and submitted_on and calendar:
        due = calendar.add_business_days(submitted_on, REIMBURSEMENT_BUSINESS_DAYS)
    return Balance(
        advance, viaticos_recognized, terminal_accepted, amount, direction, due, recovered
    )
