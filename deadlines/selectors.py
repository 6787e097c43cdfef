"""Reads for the deadline pages: the accountant's dashboard and the traveler's "what I owe".
Each function runs a fixed number of queries whatever the number of rows; charts are plain
geometry for inline SVG (no JavaScript, no CDN)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    F,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncDate
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from deadlines import deduction_orders
from deadlines import enforcement as rules
from deadlines.models import DocumentationRequirement, PayrollDeductionOrder, Sanction
from missions import spend
from missions.models import Advance, MissionEvent, MissionLeg
from settlements import ledger
from viaticos import pagination
from viaticos.business_days import BusinessCalendar, duty_calendar
from viaticos.roles import Role, has_role

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

ZERO = Decimal("0.00")
PALETTE = ["#1f5f8b", "#e07b39", "#3c9d5d", "#8e5ea2", "#c94c4c", "#5b7083", "#d4a72c"]


def can_see_dashboard(user) -> bool:
    return has_role(user, Role.GENERAL_ACCOUNTANT, Role.AUDITOR)


def can_decide(user) -> bool:
    return has_role(user, Role.GENERAL_ACCOUNTANT)


# --- traveler ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    """One advance as the deadline pages and the API show it: its ledger position
    (settlements.ledger, the one source of what is owed) with its requirement and order."""

    advance: Advance
    position: ledger.Position
    requirement: DocumentationRequirement | None
    order: PayrollDeductionOrder | None
    deduction_from: dt.date | None

    # What the ledger says, under the names the pages and the API use.
    @property
    def amount(self) -> Decimal:
        """What the traveler owes now (0 when nothing, or when the organization owes)."""
        return self.position.to_return

    @property
    def owed(self) -> Decimal:
        return self.position.owed

    @property
    def to_reimburse(self) -> Decimal:
        return self.position.to_reimburse

    @property
    def owed_abs(self) -> Decimal:
        return abs(self.position.owed)

    @property
    def state(self) -> str:
        return self.position.state

    @property
    def state_label(self) -> str | StrPromise:
        return ledger.State(self.position.state).label

    @property
    def return_date(self) -> dt.date:
        return self.position.return_date

    @property
    def due_date(self) -> dt.date | None:
        return self.position.due_date

    @property
    def days_left(self) -> int:
        return self.position.days_left

    @property
    def late(self) -> bool:
        return self.position.late

    @property
    def days_late(self) -> int:
        return self.position.days_late

    @property
    def bucket(self) -> str:
        return self.position.bucket

    @property
    def submitted(self) -> bool:
        return self.position.state == ledger.State.WITH_ACCOUNTING

    @property
    def movements(self):
        return self.position.movements

    @property
    def next_step(self) -> str:
        p = self.position
        order_state = self.order.state if self.order else None
        if (
            p.state in ledger.CLOCK_RUNS
            and p.owed > 0
            and self.requirement
            and not self.order
            and self.deduction_from
        ):
            return _(
                "Accounting sent you a documentation requirement. If you do not settle, "
                "%(amount)s USD will be deducted from your pay after %(date)s."
            ) % {"amount": p.to_return, "date": self.deduction_from.strftime("%d/%m/%Y")}
        return ledger.next_step(p, order_state=order_state)


def _deadline_base() -> QuerySet[Advance]:
    return (
        Advance.objects.select_related(
            "mission__traveler",
            "mission__project",
            "mission__settlement",
            "documentation_requirement",
        )
        # The per-diem snapshots are large JSON documents no deadline list shows.
        .defer("mission__planned_perdiem", "mission__settlement__perdiem")
        .prefetch_related(
            Prefetch("mission__legs", queryset=MissionLeg.objects.select_related("destination")),
            deduction_orders.orders_prefetch(),
        )
    )


def _deadline(advance: Advance, position: ledger.Position, calendar, grace: int) -> Deadline:
    requirement = getattr(advance, "documentation_requirement", None)
    order = deduction_orders.current_order(advance)
    return Deadline(
        advance=advance,
        position=position,
        requirement=requirement,
        order=order,
        deduction_from=(
            calendar.add_business_days(
                rules.deduction_grace_end(calendar, requirement.issued_on, grace), 1
            )
            if requirement
            else None
        ),
    )


def traveler_deadline_advances(user, *, today: dt.date) -> QuerySet[Advance]:
    """What the ledger still follows for the traveler (settlements.ledger.OPEN_Q): every
    advance paid and not yet accounted for — the mission back or not — and every settlement
    with a balance to return or to be reimbursed; by return time, then advance."""
    return (
        deduction_orders.with_current_order(
            Advance.objects.filter(ledger.OPEN_Q, mission__traveler=user)
        )
        .order_by("mission__return_at", "pk")
        .select_related("mission__settlement", "documentation_requirement")
        .only(
            "amount",
            "status",
            "return_due_amount",
            "disbursed_on",
            "mission__return_at",
            "mission__status",
            "mission__settlement__status",
            "documentation_requirement__issued_on",
        )
    )


def deadline_rows(advances, *, today: dt.date, calendar: BusinessCalendar) -> list[Deadline]:
    """Deadlines of already loaded advances (a page of traveler_deadline_advances), their
    positions read through the ledger in one query."""
    advances = list(advances)
    positions = ledger.advance_positions(advances, today=today, calendar=calendar)
    grace = rules.deduction_grace()
    return [_deadline(a, positions[a.pk], calendar, grace) for a in advances]


def traveler_deadline_page(
    user, *, page: str | None = None, per_page: int | None = None, today: dt.date | None = None
) -> Page:
    """One page of what the traveler owes (or is owed), as Deadlines, with each mission's
    itinerary (the "What I owe" page and its home panel)."""
    from django.utils import timezone

    today = today or timezone.localdate()
    advances = traveler_deadline_advances(user, today=today).prefetch_related(
        Prefetch("mission__legs", queryset=MissionLeg.objects.select_related("destination"))
    )
    # Its advances are replaced below by Deadline rows.
    result: Page[Any] = Paginator(advances, per_page or pagination.PER_PAGE).get_page(page)
    result.object_list = deadline_rows(result.object_list, today=today, calendar=duty_calendar())
    return result


# --- accountant --------------------------------------------------------------------------------

# The dashboard's columns: money out on missions not back yet, in term, then late by age.
BUCKETS: tuple[str, ...] = ("not_back", *(key for key, *_ in rules.AGE_BUCKETS))


@dataclass(frozen=True)
class AgeBucket:
    key: str
    count: int = 0
    total: Decimal = ZERO


@dataclass(frozen=True)
class Outstanding:
    """What travelers owe (ledger positions > 0), by bucket: every advance paid and not yet
    recovered, including those not yet due.

    Most outstanding advances are plain (`_plain_q`): what they owe is their amount and
    their clock depends only on their mission's status, its local return date and their
    settlement's status. Those are counted by those three in SQL (`groups`: a few hundred
    rows, however many advances) and the ledger's `position()` is asked once per group; the
    others (a late payment, a stop, a recorded return, a deduction, a balance) are read row
    by row through the ledger as before (`others`)."""

    today: dt.date
    calendar: BusinessCalendar
    buckets: dict[str, AgeBucket]
    groups: dict[str, Q]  # bucket -> its plain advances (return dates by status)
    others: list[ledger.Position]  # the positions > 0 of the advances that are not plain
    advances: QuerySet[Advance] | None = None  # the dashboard's search and filters

    @property
    def count(self) -> int:
        return sum(b.count for b in self.buckets.values())

    @property
    def total(self) -> Decimal:
        return sum((b.total for b in self.buckets.values()), ZERO)

    @property
    def late_total(self) -> Decimal:
        return sum((b.total for k, b in self.buckets.items() if k not in ("due", "not_back")), ZERO)


def _sort_key(p: ledger.Position):
    # by return time, then advance: the most late first (the due date follows the return),
    # but for an advance paid after its return, whose deadline counts from the payment
    return (p.return_at, p.advance_id)


def _plain_q() -> Q:
    """The advances whose position the ledger computes from their amount, mission status,
    local return date and settlement status alone: paid (not an R-4 return) on or before the
    return, nothing recovered by deduction, never stopped, no return or extension recorded, no
    accepted settlement nor balance moved. The other conditions are read once each (hashed
    subqueries), not per advance."""
    from settlements.models import ReturnRecord

    exported = PayrollDeductionOrder.objects.filter(
        state=PayrollDeductionOrder.State.EXPORTED, advance__isnull=False
    ).values("advance_id")
    stopped = MissionEvent.objects.filter(
        action__in=[MissionEvent.Action.SUSPENDED, MissionEvent.Action.CANCELLED]
    ).values("mission_id")
    recorded = ReturnRecord.objects.values("mission_id")
    return (
        Q(status=Advance.Status.DISBURSED, amount__gt=0)
        & ~Q(pk__in=exported)
        & ~Q(mission_id__in=stopped)
        & ~Q(mission_id__in=recorded)
        & (Q(disbursed_on__isnull=True) | Q(disbursed_on__lte=F("return_day")))
        & (
            Q(settlement__status__isnull=True)  # no settlement (its status is never null)
            | (
                ~Q(settlement__status__in=ledger.ACCEPTED_STATUSES)
                & Q(settlement__balance_returned=0, settlement__balance_reimbursed=0)
            )
        )
    )


def _pending(advances: QuerySet[Advance] | None = None) -> QuerySet[Advance]:
    """Every advance pending settlement (of `advances`, the dashboard's search and filters,
    when given), with its local return date and whether it is plain."""
    advances = Advance.objects.all() if advances is None else advances
    return (
        advances.filter(status__in=Advance.PENDING_SETTLEMENT)
        .annotate(return_day=TruncDate("mission__return_at"))
        .annotate(plain=Case(When(_plain_q(), then=Value(True)), default=Value(False)))
        .order_by()
    )


def outstanding_rows_queryset(advances: QuerySet[Advance] | None = None) -> QuerySet:
    """The dashboard's main query, one pass over the advances pending settlement (of
    `advances` when given): the plain ones counted and totalled by mission status, local return
    date and settlement status (`other` empty); each of the others alone, by its id (`other`)."""
    return (
        _pending(advances)
        .annotate(other=Case(When(plain=False, then=F("pk")), default=Value(None)))
        .values("return_day", "mission__status", "settlement__status", "other")
        .annotate(n=Count("pk"), amount_sum=Sum("amount"))
    )


def _group_row(day: dt.date, mission_status: str, settlement_status, amount) -> dict:
    """The ledger row of a plain group: one advance paid on or before its return, of the
    group's total, nothing recovered, returned, recorded or stopped (`_plain_q`)."""
    row = dict.fromkeys(ledger.VALUES)
    row.update(
        pk=None,
        status=Advance.Status.DISBURSED,
        amount=amount,
        mission__status=mission_status,
        mission__return_at=dt.datetime.combine(day, dt.time(12)),  # only its date is read
        settlement__status=settlement_status,
    )
    return row


def outstanding_by_age(
    *,
    today: dt.date,
    calendar: BusinessCalendar | None = None,
    advances: QuerySet[Advance] | None = None,
) -> Outstanding:
    """Count and USD of what travelers owe per bucket, from the ledger: one pass over the
    pending advances (outstanding_rows_queryset; only `advances` when given), the ledger rows
    of the few that are not plain by id, besides the calendar's closure days."""
    calendar = calendar or duty_calendar()
    found = list(outstanding_rows_queryset(advances))
    groups = [g for g in found if g["other"] is None]
    group_positions = ledger.positions_from_values(
        [
            _group_row(
                g["return_day"], g["mission__status"], g["settlement__status"], g["amount_sum"]
            )
            for g in groups
        ],
        today=today,
        calendar=calendar,
    )
    # The others through the ledger, row by row (few; [0], no advance, when there are none:
    # the page runs the same queries whatever the data).
    other_ids = [g["other"] for g in found if g["other"] is not None] or [0]
    others = [
        p
        for p in ledger.positions_from_values(
            ledger.ledger_rows(Advance.objects.filter(pk__in=other_ids)),
            today=today,
            calendar=calendar,
        )
        if p.owed > 0
    ]
    others.sort(key=_sort_key)
    numbers = dict.fromkeys(BUCKETS, 0)
    totals = dict.fromkeys(BUCKETS, ZERO)
    for g, p in zip(groups, group_positions, strict=True):
        numbers[p.bucket] += g["n"]
        totals[p.bucket] += p.owed
    for p in others:
        numbers[p.bucket] += 1
        totals[p.bucket] += p.owed
    buckets = {key: AgeBucket(key, numbers[key], totals[key]) for key in BUCKETS}
    return Outstanding(
        today=today,
        calendar=calendar,
        buckets=buckets,
        groups=_groups_q(groups, [p.bucket for p in group_positions]),
        others=others,
        advances=advances,
    )


def _groups_q(groups: list[dict], buckets: list[str]) -> dict[str, Q]:
    """Each bucket's plain advances as a filter: per mission and settlement status, the runs
    of consecutive return dates (among those with advances) in the bucket, as date ranges.
    A bucket's return dates are contiguous, so a bucket is a handful of ranges."""
    by_status: dict[tuple, list[tuple[dt.date, str]]] = {}
    for g, bucket in zip(groups, buckets, strict=True):
        key = (g["mission__status"], g["settlement__status"])
        by_status.setdefault(key, []).append((g["return_day"], bucket))
    found = {key: Q(pk__in=[]) for key in BUCKETS}
    for (mission_status, settlement_status), days in by_status.items():
        days.sort()
        start = 0
        for end in range(1, len(days) + 1):
            if end == len(days) or days[end][1] != days[start][1]:
                found[days[start][1]] |= Q(
                    mission__status=mission_status,
                    settlement__status=settlement_status,
                    return_day__range=(days[start][0], days[end - 1][0]),
                )
                start = end
    return found


def outstanding_ids(ages: Outstanding, *, bucket: str = "") -> QuerySet:
    """The outstanding advances (all, or one bucket), by return time then advance."""
    others = [p.advance_id for p in ages.others if not bucket or p.bucket == bucket]
    chosen = Q(plain=True) & ages.groups[bucket] if bucket else Q(plain=True)
    return (
        _pending(ages.advances)
        .filter(chosen | Q(pk__in=others))
        .order_by("mission__return_at", "pk")
    )


def outstanding_page(ages: Outstanding, *, bucket: str = "", page: str | None = None) -> Page:
    """One page of the outstanding advances, each with its position: the page's ledger rows
    (one query), then its advances (one query)."""
    paginator = Paginator(
        ledger.with_stop_date(outstanding_ids(ages, bucket=bucket)).values(*ledger.VALUES),
        pagination.PER_PAGE,
    )
    paginator.count = ages.buckets[bucket].count if bucket else ages.count  # known: no COUNT
    result = paginator.get_page(page)
    positions = ledger.positions_from_values(
        result.object_list, today=ages.today, calendar=ages.calendar
    )
    result.object_list = _outstanding_deadlines(positions, ages.calendar)
    return result


def outstanding_all(ages: Outstanding, *, bucket: str = "") -> list[Deadline]:
    """Every outstanding advance (all, or one bucket), most late first: the export."""
    rows = ledger.with_stop_date(outstanding_ids(ages, bucket=bucket)).values(*ledger.VALUES)
    positions = ledger.positions_from_values(rows, today=ages.today, calendar=ages.calendar)
    return _outstanding_deadlines(positions, ages.calendar)


def _outstanding_deadlines(
    positions: list[ledger.Position], calendar: BusinessCalendar
) -> list[Deadline]:
    by_pk = deduction_orders.with_current_order(_deadline_base().prefetch_related(None)).in_bulk(
        [p.advance_id for p in positions]
    )
    grace = rules.deduction_grace()
    return [_deadline(by_pk[p.advance_id], p, calendar, grace) for p in positions]


def bucket_labels() -> dict[str, str]:
    return {
        "not_back": _("Not back yet"),
        "due": _("In term"),
        "1-5": _("1–5 days late"),
        "6-15": _("6–15 days late"),
        "16-30": _("16–30 days late"),
        "30+": _("More than 30 days late"),
    }


def age_chart(ages: Outstanding) -> dict:
    """Bars of the outstanding amount (USD) by bucket, as SVG geometry."""
    labels = bucket_labels()
    totals = {key: ages.buckets[key].total for key in BUCKETS}
    counts = {key: ages.buckets[key].count for key in totals}
    top = max(totals.values(), default=ZERO) or Decimal("1")
    width, height, gap = 560, 180, 16
    bar_w = (width - gap * (len(totals) + 1)) / len(totals)
    shorts = {"not_back": _("not back"), "due": _("in term"), "30+": ">30"}
    bars = []
    for index, (key, total) in enumerate(totals.items()):
        h = float(total / top) * height if total else 0.0
        x = gap + index * (bar_w + gap)
        bars.append(
            {
                "key": key,
                "label": labels[key],
                "short": shorts.get(key, key),
                "total": total,
                "count": counts[key],
                "x": round(x, 1),
                "y": round(20 + height - h, 1),
                "w": round(bar_w, 1),
                "h": round(h, 1),
                "cx": round(x + bar_w / 2, 1),
                "ty": round(20 + height - h - 4, 1),
                "color": PALETTE[5]
                if key == "not_back"
                else PALETTE[0]
                if key == "due"
                else PALETTE[4],
            }
        )
    return {"bars": bars, "width": width, "height": height + 60, "base": height + 20}


def _months(today: dt.date, n: int) -> list[dt.date]:
    first = today.replace(day=1)
    months = []
    for _i in range(n):
        months.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return list(reversed(months))


def spend_charts(*, today: dt.date, months: int = 6) -> dict[str, dict]:
    """Advances disbursed per month (USD), stacked by project and by first destination, from
    the monthly totals the disbursement service keeps (missions.spend)."""
    month_list = _months(today, months)
    data = spend.totals(first=month_list[0], last=today)
    return {
        "by_project": stacked_chart(month_list, data["project"]),
        "by_destination": stacked_chart(month_list, data["destination"]),
    }


SERIES_SHOWN = 6  # a stacked chart names its largest series; the rest are stacked as "Others"


def stacked_chart(months: list[dt.date], data: dict[str, dict[dt.date, Decimal]]) -> dict:
    """Columns of stacked bars, one per month, the largest series first. With a hundred
    projects a bar per project would be unreadable (and a 1,000-element SVG): beyond
    SERIES_SHOWN the smaller series are added up as one."""
    ranked = sorted(data, key=lambda name: (-sum(data[name].values(), ZERO), name))
    if len(ranked) > SERIES_SHOWN + 1:
        rest = ranked[SERIES_SHOWN:]
        others: dict[dt.date, Decimal] = {}
        for name in rest:
            for month, value in data[name].items():
                others[month] = others.get(month, ZERO) + value
        label = _("Others (%(count)s)") % {"count": len(rest)}
        data = {**{name: data[name] for name in ranked[:SERIES_SHOWN]}, label: others}
        ranked = [*ranked[:SERIES_SHOWN], label]
    names = ranked
    totals = {m: sum((data[n].get(m, ZERO) for n in names), ZERO) for m in months}
    top = max(totals.values(), default=ZERO) or Decimal("1")
    width, height, gap = 560, 160, 18
    bar_w = (width - gap * (len(months) + 1)) / len(months)
    columns = []
    for index, month in enumerate(months):
        x = gap + index * (bar_w + gap)
        y: float = 20 + height
        parts = []
        for n_index, name in enumerate(names):
            value = data[name].get(month, ZERO)
            if not value:
                continue
            h = float(value / top) * height
            y -= h
            parts.append(
                {
                    "name": name,
                    "value": value,
                    "y": round(y, 1),
                    "h": round(h, 1),
                    "color": PALETTE[n_index % len(PALETTE)],
                }
            )
        columns.append(
            {
                "month": month,
                "total": totals[month],
                "x": round(x, 1),
                "w": round(bar_w, 1),
                "cx": round(x + bar_w / 2, 1),
                "ty": round(y - 4, 1),
                "parts": parts,
            }
        )
    legend = [{"name": n, "color": PALETTE[i % len(PALETTE)]} for i, n in enumerate(names)]
    return {
        "columns": columns,
        "legend": legend,
        "width": width,
        "height": height + 60,
        "base": height + 20,
        "empty": not names,
    }


def sanctions_visible_to(user) -> QuerySet[Sanction]:
    """A person's own sanctions; every sanction for the General Accountant and the Auditor."""
    qs = Sanction.objects.select_related(
        "person", "mission", "advance", "proposed_by", "applied_by", "lifted_by"
    ).defer("mission__planned_perdiem")
    if can_see_dashboard(user):
        return qs
    return qs.filter(person=user)


def sanction_get_for_user(user, pk) -> Sanction:
    """The one access check for a sanction: its person, the General Accountant, the Auditor."""
    return get_object_or_404(sanctions_visible_to(user), pk=pk)


def sanctions_in_course() -> QuerySet[Sanction]:
    return (
        Sanction.objects.select_related("person", "mission", "advance")
        .defer("mission__planned_perdiem")
        .filter(state__in=Sanction.IN_COURSE)
    )


def late_notices() -> QuerySet[DocumentationRequirement]:
    """R-3.4: requirements issued after the 3 business days the policy allows, the latest
    first."""
    return (
        DocumentationRequirement.objects.filter(issued_late=True)
        .select_related("traveler", "mission", "advance")
        .defer("mission__planned_perdiem")
    )


def counts(**querysets: QuerySet) -> dict[str, int]:
    """How many rows each query has, in one SQL query (a UNION ALL of one-row counts)."""
    parts = [
        qs.order_by().annotate(key=Value(name)).values("key").annotate(n=Count("pk"))
        for name, qs in querysets.items()
    ]
    found = {row["key"]: row["n"] for row in parts[0].union(*parts[1:], all=True)}
    return {name: found.get(name, 0) for name in querysets}


def requirement_get_for_user(user, pk) -> DocumentationRequirement:
    qs = DocumentationRequirement.objects.select_related("traveler", "mission", "advance")
    if not can_see_dashboard(user):
        qs = qs.filter(traveler=user)
    return get_object_or_404(qs, pk=pk)


def order_get_for_user(user, pk) -> PayrollDeductionOrder:
    qs = PayrollDeductionOrder.objects.select_related("person", "advance__mission", "requirement")
    if not can_see_dashboard(user):
        qs = qs.filter(person=user)
    return get_object_or_404(qs, pk=pk)


def orders_of_period(start: dt.date, end: dt.date) -> QuerySet[PayrollDeductionOrder]:
    return (
        PayrollDeductionOrder.objects.filter(issued_on__range=(start, end))
        .exclude(
            state__in=[PayrollDeductionOrder.State.CANCELLED, PayrollDeductionOrder.State.PROPOSED]
        )
        .select_related("person", "advance__mission")
        .order_by("issued_on", "pk")
    )
