"""The ledger of an advance: what it owes, from the day it is paid to zero (SPEC §3, §4).

Every figure a person sees about what they owe — the settlement balance, "Mis plazos", the
home page, "Mis liquidaciones", the deadlines dashboard, the payroll export and
`GET /api/v1/deadlines/mine/` — comes from `position()` below, through `advance_positions()`
(loaded advances) or `positions_from_values()` (a narrow `.values()` read for totals). Nothing
else computes an amount owed, so no two screens can disagree.

The movements, all in USD (positive amounts; the sign is in the formula):

    owed = disbursed − recovered by deduction − returned + reimbursed
           − (viáticos recognized + terminal expenses accepted, once the settlement is accepted)

`owed` > 0: the traveler owes it; < 0: the organization owes the traveler (R-3.3); 0: settled.
An advance is settled only when it owes nothing either way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import OuterRef, Q, QuerySet, Subquery, TextChoices
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from deadlines import rules
from deadlines.deduction_orders import recovered_for_advance, with_recovered
from missions.models import Advance, Mission, MissionEvent
from settlements.rules import Movements, owed
from viaticos.business_days import BusinessCalendar
from viaticos.money import round_money
from viaticos.rules_registry import enforces

ZERO = Decimal("0.00")


class State(TextChoices):
    NOT_BACK = "not_back", gettext_lazy("Not back yet")
    TO_SETTLE = "to_settle", gettext_lazy("To settle")
    WITH_ACCOUNTING = "with_accounting", gettext_lazy("Settlement with Accounting")
    BALANCE_DUE = "balance_due", gettext_lazy("Balance to return after settling")
    RETURN_DUE = "return_due", gettext_lazy("To return at once (R-4)")
    REIMBURSEMENT_DUE = "reimbursement_due", gettext_lazy("To be reimbursed to the traveler")
    SETTLED = "settled", gettext_lazy("Settled: nothing owed either way")


# States whose clock runs: reminders, the requirement and the deduction (R-8b).
CLOCK_RUNS = frozenset({State.TO_SETTLE, State.BALANCE_DUE, State.RETURN_DUE})
# A settlement in Accounting's hands: the clock stops, and a deduction not yet exported stops.
WITH_ACCOUNTING_STATUSES = frozenset({"submitted", "received", "reviewed"})
ACCEPTED_STATUSES = frozenset({"settled", "closed"})


# --- pure rules --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Clock:
    state: State
    counted_from: dt.date | None  # the day the 5 business days count from
    due_date: dt.date | None
    return_day: dt.date | None = None  # the return the clock counts (actual, extended…)


@enforces("R-3.3", "R-4", "R-3.11a")
def clock(
    *,
    calendar: BusinessCalendar,
    today: dt.date,
    amount_owed: Decimal,
    advance_status: str,
    disbursed_on: dt.date | None,
    planned_return: dt.date,
    back: bool,
    stopped_on: dt.date | None,
    actual_return: dt.date | None = None,
    actual_recorded_on: dt.date | None = None,
    extended_to: dt.date | None = None,
    extended_on: dt.date | None = None,
    settlement_status: str | None,
    settled_on: dt.date | None,
    reimbursement_due: dt.date | None,
    r4_days: int,
) -> Clock:
    """SPEC §4: where an advance stands and by when.

    - Not paid yet, or nothing owed either way: settled (no clock).
    - Settlement accepted: a balance the traveler returns is due 5 business days after the
      settlement (R-3.11a "saldos pendientes", same requirement → deduction path); one the
      organization owes is due by the settlement's reimbursement date (R-3.3).
    - Settlement with Accounting: the clock stops.
    - Stopped mission (R-4): due `r4_days` business days after the suspension or cancellation.
    - Otherwise 5 business days from the return (R-3.3), or from a later payment (R-5): the
      actual return the traveler (or the coordinator) records, or the planned return, moved by
      an authorized extension. A record counts when made within the 5 business days after the
      planned return; after that silence the clock has run from the planned return (SPEC §4
      "When the clock starts"), and a mission not back is not sanctioned before.
    """
    if settlement_status in ACCEPTED_STATUSES and settled_on is not None:
        if amount_owed > 0:
            return Clock(
                State.BALANCE_DUE, settled_on, rules.settlement_due_date(calendar, settled_on)
            )
        if amount_owed < 0:
            return Clock(State.REIMBURSEMENT_DUE, None, reimbursement_due)
        return Clock(State.SETTLED, None, None)
    if advance_status not in Advance.PENDING_SETTLEMENT:
        # Not paid, cancelled, returned or settled by an earlier rule.
        if amount_owed < 0:
            return Clock(State.REIMBURSEMENT_DUE, None, reimbursement_due)
        return Clock(State.SETTLED, None, None)
    if advance_status == Advance.Status.RETURN_DUE and amount_owed <= 0:
        return Clock(State.SETTLED, None, None)
    if stopped_on is not None:
        due = calendar.add_business_days(stopped_on, r4_days)
        if advance_status == Advance.Status.RETURN_DUE:
            return Clock(State.RETURN_DUE, stopped_on, due)
        counted_from, state = stopped_on, State.TO_SETTLE
    else:
        return_day = return_counted_from(
            calendar,
            planned_return=planned_return,
            actual_return=actual_return,
            actual_recorded_on=actual_recorded_on,
            extended_to=extended_to,
            extended_on=extended_on,
        )
        back = back or return_day == actual_return
        counted_from = rules.deadline_counted_from(return_day, disbursed_on)
        due = rules.settlement_due_date(calendar, counted_from)
        state = State.TO_SETTLE if back or today > due else State.NOT_BACK
    if settlement_status in WITH_ACCOUNTING_STATUSES:
        state = State.WITH_ACCOUNTING
    return Clock(state, counted_from, due, None if stopped_on else return_day)


@enforces("R-3.3")
def return_counted_from(
    calendar: BusinessCalendar,
    *,
    planned_return: dt.date,
    actual_return: dt.date | None,
    actual_recorded_on: dt.date | None,
    extended_to: dt.date | None,
    extended_on: dt.date | None,
) -> dt.date:
    """SPEC §4 "When the clock starts": the return the deadline counts from. An authorized
    extension recorded within the silence (5 business days after the planned return) moves
    the planned return; an actual return recorded within the silence of the (extended)
    planned return is the return; otherwise the planned return."""
    planned = planned_return
    if extended_to and extended_on and extended_on <= rules.settlement_due_date(calendar, planned):
        planned = max(planned, extended_to)
    if (
        actual_return
        and actual_recorded_on
        and actual_recorded_on <= rules.settlement_due_date(calendar, planned)
    ):
        return actual_return
    return planned


def r4_return_days() -> int:
    days = int(getattr(settings, "VIATICOS_R4_RETURN_BUSINESS_DAYS", 5))
    if days < 1:
        raise ValueError("VIATICOS_R4_RETURN_BUSINESS_DAYS must be at least 1")
    return days


# --- the one selector --------------------------------------------------------------------------


@dataclass(frozen=True)
class Position(rules.Countdown):
    """Where one advance stands: its movements, what it owes, its state and its clock."""

    advance_id: int
    movements: Movements
    owed: Decimal
    state: State
    counted_from: dt.date | None
    due_date: dt.date | None
    days_left: int  # business days to the due date, negative when late (0 without a clock)
    return_date: dt.date
    return_at: dt.datetime

    @property
    def to_return(self) -> Decimal:
        """What the traveler owes (0 when the organization owes or nothing is owed)."""
        return self.owed if self.owed > 0 else ZERO

    @property
    def to_reimburse(self) -> Decimal:
        return -self.owed if self.owed < 0 else ZERO

    @property
    def settled(self) -> bool:
        return self.state == State.SETTLED

    @property
    def clock_runs(self) -> bool:
        return self.state in CLOCK_RUNS and self.owed > 0

    @property
    def late(self) -> bool:
        return self.clock_runs and self.days_left < 0

    @property
    def days_late(self) -> int:
        return max(0, -self.days_left) if self.clock_runs else 0

    @property
    def bucket(self) -> str:
        """The dashboard's column: not back yet, in term, then by business days late."""
        if self.state == State.NOT_BACK:
            return "not_back"
        if not self.late:
            return "due"
        return rules.age_bucket(self.days_late)


# The columns `position()` reads, from a query on advances (one `.values()` row per advance).
VALUES = (
    "pk",
    "status",
    "amount",
    "return_due_amount",
    "returned_on",
    "disbursed_on",
    "mission__status",
    "mission__return_at",
    "settlement__status",
    "settlement__settled_on",
    "settlement__viaticos_recognized",
    "settlement__terminal_accepted",
    "settlement__balance_returned",
    "settlement__balance_reimbursed",
    "settlement__reimbursement_due",
    "recovered_by_deduction",
    "stopped_at",
    "actual_return_at",
    "actual_recorded_on",
    "extended_to",
    "extended_on",
)
# The VALUES with_stop_date adds (the rest are columns).
ANNOTATED = frozenset(
    {"stopped_at", "actual_return_at", "actual_recorded_on", "extended_to", "extended_on"}
)
# Mission statuses after the traveler is back (or closed after it).
BACK = frozenset({Mission.Status.RETURNED, Mission.Status.CLOSED})


def with_stop_date(qs: QuerySet[Advance]) -> QuerySet[Advance]:
    """What the clock needs besides the advance's own columns: the moment its mission was
    suspended or cancelled (R-4), and the latest actual return and extension recorded."""
    from settlements.models import ReturnRecord

    stops = MissionEvent.objects.filter(
        mission=OuterRef("mission_id"),
        action__in=[MissionEvent.Action.SUSPENDED, MissionEvent.Action.CANCELLED],
    ).order_by("-at")
    records = ReturnRecord.objects.filter(mission=OuterRef("mission_id")).order_by(
        "-created_at", "-pk"
    )
    actual = records.filter(kind=ReturnRecord.Kind.ACTUAL_RETURN)
    extension = records.filter(kind=ReturnRecord.Kind.EXTENSION)
    return with_recovered(qs).annotate(
        stopped_at=Subquery(stops.values("at")[:1]),
        actual_return_at=Subquery(actual.values("at")[:1]),
        actual_recorded_on=Subquery(actual.values("recorded_on")[:1]),
        extended_to=Subquery(extension.values("at")[:1]),
        extended_on=Subquery(extension.values("recorded_on")[:1]),
    )


def _local(moment) -> dt.date | None:
    return rules.local_date(moment) if moment else None


def _d(value) -> Decimal:
    return ZERO if value is None else Decimal(value)


def movements_of(row: Mapping) -> Movements:
    """The movements of one advance from its `VALUES` row."""
    paid = row["disbursed_on"] is not None or row["status"] in (
        Advance.Status.DISBURSED,
        Advance.Status.SETTLED,
        Advance.Status.RETURN_DUE,
        Advance.Status.RETURNED,
    )
    returned = _d(row["settlement__balance_returned"])
    if row["status"] == Advance.Status.RETURNED:
        returned += _d(row["return_due_amount"] or row["amount"])
    accepted = row["settlement__status"] in ACCEPTED_STATUSES
    return Movements(
        disbursed=_d(row["amount"]) if paid else ZERO,
        # every exported order (R-8b); a SQL sum loses the two places on SQLite
        recovered=round_money(_d(row["recovered_by_deduction"])),
        returned=returned,
        reimbursed=_d(row["settlement__balance_reimbursed"]),
        recognized=_d(row["settlement__viaticos_recognized"]) if accepted else None,
        accepted=_d(row["settlement__terminal_accepted"]) if accepted else None,
    )


def owed_of(row: Mapping, movements: Movements | None = None) -> Decimal:
    """What one advance owes from its `VALUES` row (rules.owed of its movements)."""
    amount = owed(movements or movements_of(row))
    if row["status"] == Advance.Status.RETURN_DUE and row["return_due_amount"] is not None:
        # what the stop said to return (the whole advance, unless decided otherwise).
        amount = min(amount, round_money(_d(row["return_due_amount"])))
    return amount


def row_of(advance: Advance, settlement=None) -> dict:
    """The owed-related part of a `VALUES` row from loaded objects (the settlement pages: the
    advance comes with the settlement; what its orders recovered, annotated or one query)."""
    recovered = getattr(settlement, "recovered_so_far", None) if settlement else None
    return {
        "status": advance.status,
        "amount": advance.amount,
        "return_due_amount": advance.return_due_amount,
        "disbursed_on": advance.disbursed_on,
        "settlement__status": settlement.status if settlement else None,
        "settlement__viaticos_recognized": settlement.viaticos_recognized if settlement else None,
        "settlement__terminal_accepted": settlement.terminal_accepted if settlement else None,
        "settlement__balance_returned": settlement.balance_returned if settlement else None,
        "settlement__balance_reimbursed": settlement.balance_reimbursed if settlement else None,
        "recovered_by_deduction": (
            recovered if recovered is not None else recovered_for_advance(advance.pk)
        ),
    }


def _local_in(moment, tz) -> dt.date | None:
    """rules.local_date with the time zone looked up once (a list of thousands of rows)."""
    if not moment:
        return None
    return moment.astimezone(tz).date() if moment.utcoffset() is not None else moment.date()


def _clock_of(row: Mapping, movements: Movements, amount: Decimal, *, today, calendar, r4_days, tz):
    """The clock of one `VALUES` row and its planned return (what `position()` needs besides
    the movements and the amount)."""
    planned_return = _local_in(row["mission__return_at"], tz)
    assert planned_return is not None  # every mission has its return
    stopped_at = row.get("stopped_at")
    result = clock(
        calendar=calendar,
        today=today,
        amount_owed=amount,
        advance_status=row["status"],
        disbursed_on=row["disbursed_on"],
        planned_return=planned_return,
        back=row["mission__status"] in BACK,
        stopped_on=(
            _local_in(stopped_at, tz)
            if stopped_at and row["mission__status"] in Mission.STOPPED
            else None
        ),
        actual_return=_local_in(row.get("actual_return_at"), tz),
        actual_recorded_on=row.get("actual_recorded_on"),
        extended_to=_local_in(row.get("extended_to"), tz),
        extended_on=row.get("extended_on"),
        settlement_status=row["settlement__status"],
        settled_on=row["settlement__settled_on"],
        reimbursement_due=row["settlement__reimbursement_due"],
        r4_days=r4_days,
    )
    return result, planned_return


def _position(row, movements, amount, result: Clock, planned_return, days_left: int) -> Position:
    return Position(
        advance_id=row["pk"],
        movements=movements,
        owed=amount,
        state=result.state,
        counted_from=result.counted_from,
        due_date=result.due_date,
        days_left=days_left,
        return_date=result.return_day or planned_return,
        return_at=row["mission__return_at"],
    )


def position(
    row: Mapping, *, today: dt.date, calendar: BusinessCalendar, r4_days: int | None = None
) -> Position:
    """The position of one advance from its `VALUES` row: the one computation behind every
    page and API that says what a person owes (`days_left` is left at 0: see
    `positions_from_values`)."""
    movements = movements_of(row)
    amount = owed_of(row, movements)
    result, planned_return = _clock_of(
        row,
        movements,
        amount,
        today=today,
        calendar=calendar,
        r4_days=r4_return_days() if r4_days is None else r4_days,
        tz=timezone.get_current_timezone(),
    )
    return _position(row, movements, amount, result, planned_return, 0)


def positions_from_values(
    rows: Iterable[Mapping], *, today: dt.date, calendar: BusinessCalendar
) -> list[Position]:
    """`position()` of many rows, the business days left counted in one walk over the
    calendar. The dashboard asks it for every outstanding advance: the time zone and the
    settings are looked up once, and each Position is built once, with its days left."""
    r4_days = r4_return_days()
    tz = timezone.get_current_timezone()
    parts = []
    for row in rows:
        movements = movements_of(row)
        amount = owed_of(row, movements)
        result, planned_return = _clock_of(
            row, movements, amount, today=today, calendar=calendar, r4_days=r4_days, tz=tz
        )
        parts.append((row, movements, amount, result, planned_return))
    dues = {part[3].due_date for part in parts if part[3].due_date is not None}
    left = rules.business_days_left_many(calendar, dues, today)
    return [
        _position(row, movements, amount, result, planned_return, left.get(result.due_date, 0))
        for row, movements, amount, result, planned_return in parts
    ]


def ledger_rows(qs: QuerySet[Advance]) -> list[dict]:
    """The `VALUES` rows of a query on advances (one query)."""
    return list(with_stop_date(qs).values(*VALUES))


def advance_positions(
    advances: QuerySet[Advance] | Iterable[Advance], *, today: dt.date, calendar: BusinessCalendar
) -> dict[int, Position]:
    """THE selector: the positions of these advances by advance id (one query)."""
    if isinstance(advances, QuerySet):
        qs = advances
    else:
        qs = Advance.objects.filter(pk__in=[a.pk for a in advances])
    rows = ledger_rows(qs.order_by())
    return {p.advance_id: p for p in positions_from_values(rows, today=today, calendar=calendar)}


def position_of(advance: Advance, *, today: dt.date | None = None, calendar=None) -> Position:
    from viaticos.business_days import duty_calendar

    today = today or timezone.localdate()
    return advance_positions([advance], today=today, calendar=calendar or duty_calendar())[
        advance.pk
    ]


def settlement_owed(settlement, *, today: dt.date) -> Decimal:
    """What the ledger says is owed on a settlement now: its advance's position, or for a
    settlement without an advance (an emergency the traveler made unpaid, R-5) its own lines."""
    if settlement.advance_id:
        return owed_of(row_of(settlement.advance, settlement))
    accepted = settlement.status in ACCEPTED_STATUSES
    return owed(
        Movements(
            disbursed=settlement.advance_amount,
            recovered=settlement.recovered_by_deduction,
            returned=settlement.balance_returned,
            reimbursed=settlement.balance_reimbursed,
            recognized=settlement.viaticos_recognized if accepted else None,
            accepted=settlement.terminal_accepted if accepted else None,
        )
    )


def settlements_owed(settlements, *, today: dt.date) -> dict[int, Decimal]:
    """settlement_owed of a page of settlements ("Mis liquidaciones"): one query."""
    settlements = list(settlements)
    with_advance = [s.advance_id for s in settlements if s.advance_id]
    rows = (
        {
            row["pk"]: row
            for row in with_recovered(Advance.objects.filter(pk__in=with_advance)).values(
                *(v for v in VALUES if v not in ANNOTATED)
            )
        }
        if with_advance
        else {}
    )
    return {
        s.pk: owed_of(rows[s.advance_id]) if s.advance_id else settlement_owed(s, today=today)
        for s in settlements
    }


# Advances the ledger still follows: money out and not yet back (R-3.11a), or settled with a
# balance not yet returned or paid (the settlement waits, status "settled", until it is).
OPEN_Q = Q(status__in=Advance.PENDING_SETTLEMENT) | Q(settlement__status="settled")


def open_advances() -> QuerySet[Advance]:
    return Advance.objects.filter(OPEN_Q)


def next_step(p: Position, *, order_state: str | None = None) -> str:
    """What happens next, in words, for the traveler (Mis plazos, the home page, the API)."""
    if p.state == State.SETTLED:
        return _("Nothing owed either way.")
    if p.state == State.REIMBURSEMENT_DUE:
        return _("The organization reimburses you %(amount)s USD by %(date)s (R-3.3).") % {
            "amount": p.to_reimburse,
            "date": p.due_date.strftime("%d/%m/%Y") if p.due_date else "—",
        }
    if p.state == State.WITH_ACCOUNTING:
        return _("Your settlement was submitted: Accounting will review it.")
    if p.state == State.NOT_BACK:
        return _(
            "When you are back, record your return (or an authorized extension) and settle "
            "within 5 business days."
        )
    if p.state == State.BALANCE_DUE:
        return _(
            "Your settlement was accepted: return %(amount)s USD to Treasury by %(date)s, or it "
            "will be deducted from your pay (R-3.11a, R-8b)."
        ) % {
            "amount": p.to_return,
            "date": p.due_date.strftime("%d/%m/%Y") if p.due_date else "—",
        }
    if p.state == State.RETURN_DUE:
        return _("Return %(amount)s USD to Treasury by %(date)s (R-4).") % {
            "amount": p.to_return,
            "date": p.due_date.strftime("%d/%m/%Y") if p.due_date else "—",
        }
    if p.owed <= 0:
        return _(
            "The advance was recovered by payroll deduction: submit the settlement to be "
            "reimbursed what you spent (R-8b)."
        )
    if order_state == "proposed":
        return _(
            "A payroll deduction of %(amount)s USD was proposed: answer it on the sanction's "
            "page before the General Accountant decides, and submit the settlement or return "
            "the money to end it (R-A1, R-8b)."
        ) % {"amount": p.to_return}
    if order_state == "pending":
        return _(
            "A payroll deduction of %(amount)s USD was ordered. Submit the settlement or "
            "return the money to stop it before it reaches payroll."
        ) % {"amount": p.to_return}
    if p.late:
        return _(
            "The deadline has passed: Accounting will send you a documentation "
            "requirement, and then deduct the amount from your pay."
        )
    return _(
        "Submit the settlement with your proof of travel, the mission report and your "
        "receipts, or return what you did not spend to Treasury."
    )
