"""Reads for the deadline pages: the accountant's dashboard and the traveler's "what I owe".
Each function runs a fixed number of queries whatever the number of rows; charts are plain
geometry for inline SVG (no JavaScript, no CDN)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    Min,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from missions import spend
from missions.models import Advance, MissionLeg
from settlements import deadlines as rules
from settlements.models import DocumentationRequirement, PayrollDeductionOrder, Sanction
from viaticos import pagination
from viaticos.business_days import BusinessCalendar, duty_calendar
from viaticos.roles import Role, has_role

ZERO = Decimal("0.00")
PALETTE = ["#1f5f8b", "#e07b39", "#3c9d5d", "#8e5ea2", "#c94c4c", "#5b7083", "#d4a72c"]


def can_see_dashboard(user) -> bool:
    return has_role(user, Role.GENERAL_ACCOUNTANT, Role.AUDITOR)


def can_decide(user) -> bool:
    return has_role(user, Role.GENERAL_ACCOUNTANT)


# --- traveler ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline(rules.Countdown):
    advance: Advance
    amount: Decimal
    return_date: dt.date
    due_date: dt.date
    days_left: int  # business days; negative when late
    requirement: DocumentationRequirement | None
    order: PayrollDeductionOrder | None
    submitted: bool
    deduction_from: dt.date | None

    @property
    def bucket(self) -> str:
        return rules.age_bucket(-self.days_left)

    @property
    def next_step(self) -> str:
        if self.submitted:
            return _("Your settlement was submitted: Accounting will review it.")
        if self.order:
            return _(
                "A payroll deduction of %(amount)s USD was ordered. Submit the settlement or "
                "return the money to stop it before it reaches payroll."
            ) % {"amount": self.amount}
        if self.requirement:
            return _(
                "Accounting sent you a documentation requirement. If you do not settle, "
                "%(amount)s USD will be deducted from your pay after %(date)s."
            ) % {"amount": self.amount, "date": self.deduction_from.strftime("%d/%m/%Y")}
        if self.late:
            return _(
                "The deadline has passed: Accounting will send you a documentation "
                "requirement, and then deduct the amount from your pay."
            )
        return _(
            "Submit the settlement with your proof of travel, the mission report and your "
            "receipts, or return what you did not spend to Treasury."
        )


def _deadline_base() -> QuerySet[Advance]:
    return (
        Advance.objects.select_related(
            "mission__traveler",
            "mission__project",
            "mission__settlement",
            "documentation_requirement",
            "deduction_order",
        )
        # The per-diem snapshots are large JSON documents no deadline list shows.
        .defer("mission__planned_perdiem", "mission__settlement__perdiem")
        .prefetch_related(
            Prefetch("mission__legs", queryset=MissionLeg.objects.select_related("destination"))
        )
    )


def _deadline(
    advance: Advance,
    calendar: BusinessCalendar,
    today: dt.date,
    grace: int,
    *,
    days_left: int | None = None,
):
    return_date = rules.local_date(advance.mission.return_at)
    due = rules.due_date_of(calendar, advance)
    requirement = getattr(advance, "documentation_requirement", None)
    order = getattr(advance, "deduction_order", None)
    if order and order.state == PayrollDeductionOrder.State.CANCELLED:
        order = None
    settlement = getattr(advance.mission, "settlement", None)
    return Deadline(
        advance=advance,
        amount=rules.unsettled_amount(advance),
        return_date=return_date,
        due_date=due,
        days_left=(
            rules.business_days_left(calendar, due, today) if days_left is None else days_left
        ),
        requirement=requirement,
        order=order,
        submitted=rules.settlement_is_submitted(settlement),
        deduction_from=(
            calendar.add_business_days(
                rules.deduction_grace_end(calendar, requirement.issued_on, grace), 1
            )
            if requirement
            else None
        ),
    )


def _owed_by(user, today: dt.date) -> Q:
    """R-3.3: the user's advances pending settlement of missions already back (or due back
    today)."""
    return Q(
        mission__traveler=user,
        status__in=Advance.PENDING_SETTLEMENT,
        mission__return_at__lt=rules._end_of_day(today),
    )


def traveler_deadline_advances(user, *, today: dt.date) -> QuerySet[Advance]:
    """R-3.3: what the traveler owes (advances pending settlement of missions already back,
    or due back today), by return time, then advance: the earliest due date first (an advance
    paid after the return, R-5, whose deadline counts from its payment, is the exception).

    Only the columns a row shows are read: of the mission, its return date, so that a page is
    sorted from the index on (traveler, return date) without reading the missions themselves
    (wide: the per-diem snapshot is stored in the row)."""
    return (
        Advance.objects.filter(_owed_by(user, today))
        .order_by("mission__return_at", "pk")
        .select_related("mission__settlement", "documentation_requirement", "deduction_order")
        .only(
            "amount",
            "status",
            "return_due_amount",
            "disbursed_on",
            "mission__return_at",
            "mission__settlement__status",
            "documentation_requirement__issued_on",
            "deduction_order__state",
            "deduction_order__amount",
        )
    )


def deadline_rows(advances, *, today: dt.date, calendar: BusinessCalendar) -> list[Deadline]:
    """Deadlines of already loaded advances (a page of traveler_deadline_advances), the
    business days left counted in one walk over the calendar."""
    advances = list(advances)
    dues = {a.pk: rules.due_date_of(calendar, a) for a in advances}
    left = rules.business_days_left_many(calendar, set(dues.values()), today)
    grace = rules.deduction_grace()
    return [_deadline(a, calendar, today, grace, days_left=left[dues[a.pk]]) for a in advances]


def traveler_deadline_page(
    user, *, page: str | None = None, per_page: int | None = None, today: dt.date | None = None
) -> Page:
    """One page of what the traveler owes, as Deadlines, with each mission's itinerary (the
    "What I owe" page and its home panel)."""
    from django.utils import timezone

    today = today or timezone.localdate()
    advances = traveler_deadline_advances(user, today=today).prefetch_related(
        Prefetch("mission__legs", queryset=MissionLeg.objects.select_related("destination"))
    )
    result = Paginator(advances, per_page or pagination.PER_PAGE).get_page(page)
    result.object_list = deadline_rows(result.object_list, today=today, calendar=duty_calendar())
    return result


# --- accountant --------------------------------------------------------------------------------


def _outstanding(today: dt.date) -> QuerySet[Advance]:
    """Every advance pending settlement of a mission already back (R-3.3)."""
    return Advance.objects.filter(
        status__in=Advance.PENDING_SETTLEMENT, mission__return_at__lt=rules._end_of_day(today)
    )


def _amount_sql():
    """rules.unsettled_amount in SQL: what R-4 says to return, or the whole advance."""
    return Case(
        When(
            status=Advance.Status.RETURN_DUE,
            return_due_amount__isnull=False,
            then=F("return_due_amount"),
        ),
        default=F("amount"),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )


def _days_late(calendar: BusinessCalendar, counted_from: dt.date, today: dt.date) -> int:
    due = rules.settlement_due_date(calendar, counted_from)
    return max(0, -rules.business_days_left(calendar, due, today))


def _latest_return_at_least(calendar: BusinessCalendar, today: dt.date, days: int) -> dt.date:
    """The latest day counted from (rules.deadline_counted_from: the return date, or a later
    payment date) whose advance is at least `days` business days late today. The age is
    monotone in the due date and the due date in that day, so a binary search asks the
    calendar a handful of questions."""
    late = lambda day: _days_late(calendar, day, today) >= days  # noqa: E731
    hi = today  # returned today: due in the future, never late
    lo = today - dt.timedelta(days=2 * days + 14)
    while not late(lo):
        lo -= dt.timedelta(days=max(14, (today - lo).days))
    while (hi - lo).days > 1:  # late(lo) and not late(hi)
        mid = lo + dt.timedelta(days=(hi - lo).days // 2)
        lo, hi = (mid, hi) if late(mid) else (lo, mid)
    return lo


@dataclass(frozen=True)
class AgeBucket:
    """The advances whose deadline counts from a day (rules.deadline_counted_from: the later
    of the return date and the payment date) strictly after `after` and up to `upto`."""

    key: str
    after: dt.date | None  # counted from a day strictly after…
    upto: dt.date  # …and up to this one (inclusive)
    count: int = 0
    total: Decimal = ZERO
    youngest: bool = False  # also those paid after `upto`: not late either

    def newer(self) -> Q:
        """Counted from a day after `after`: max(return, paid) > after, so either is."""
        return Q(mission__return_at__gte=rules._end_of_day(self.after)) | Q(
            disbursed_on__gt=self.after
        )

    def q(self) -> Q:
        # max(return, paid) <= upto: both are; max(return, paid) > after: either is.
        q = Q(mission__return_at__lt=rules._end_of_day(self.upto))
        if not self.youngest:
            q &= Q(disbursed_on__isnull=True) | Q(disbursed_on__lte=self.upto)
        if self.after is not None:
            q &= self.newer()
        return q


@dataclass(frozen=True)
class Outstanding:
    """The outstanding advances by age (R-3.3, R-3.4), totalled in one SQL query."""

    today: dt.date
    calendar: BusinessCalendar
    buckets: dict[str, AgeBucket]
    first_return: dt.date | None

    @property
    def count(self) -> int:
        return sum(b.count for b in self.buckets.values())

    @property
    def total(self) -> Decimal:
        return sum((b.total for b in self.buckets.values()), ZERO)

    @property
    def late_total(self) -> Decimal:
        return sum((b.total for k, b in self.buckets.items() if k != "due"), ZERO)


def age_ranges(calendar: BusinessCalendar, today: dt.date) -> list[AgeBucket]:
    """The age buckets as ranges of the day each deadline counts from (empty totals)."""
    ranges, upto = [], today
    for index, (key, _low, _high) in enumerate(rules.AGE_BUCKETS[:-1]):
        # counted from `after` or before: at least as late as the next bucket's lowest age
        after = _latest_return_at_least(calendar, today, rules.AGE_BUCKETS[index + 1][1])
        ranges.append(AgeBucket(key, after, upto, youngest=index == 0))
        upto = after
    ranges.append(AgeBucket(rules.AGE_BUCKETS[-1][0], None, upto))
    return ranges


def outstanding_by_age(*, today: dt.date, calendar: BusinessCalendar | None = None) -> Outstanding:
    """Count and USD of the outstanding advances per age bucket: bucket edges computed as
    days with the calendar, then one query that puts each advance in the first bucket it is
    newer than (youngest first: one CASE per row) and groups by it."""
    calendar = calendar or duty_calendar()
    ranges = age_ranges(calendar, today)
    older = len(ranges) - 1
    rows = (
        _outstanding(today)
        .annotate(
            age=Case(
                *(When(b.newer(), then=Value(i)) for i, b in enumerate(ranges[:older])),
                default=Value(older),
            )
        )
        .values("age")
        .annotate(n=Count("pk"), usd=Sum(_amount_sql()), first=Min("mission__return_at"))
        .order_by()
    )
    found = {row["age"]: row for row in rows}
    buckets = {
        b.key: replace(b, count=found[i]["n"], total=found[i]["usd"] or ZERO) if i in found else b
        for i, b in enumerate(ranges)
    }
    firsts = [row["first"] for row in found.values() if row["first"]]
    first = rules.local_date(min(firsts)) if firsts else None
    return Outstanding(today=today, calendar=calendar, buckets=buckets, first_return=first)


def outstanding_queryset(ages: Outstanding, *, bucket: str = "") -> QuerySet[Advance]:
    """The outstanding advances (all, or one age bucket), most late first: by return time, then
    advance (the due date, hence the age, follows the return date, except for an advance paid
    after the return, R-5, whose deadline counts from its payment). Only the columns the order
    needs, so that a page of it is read through the index in that order."""
    qs = Advance.objects.filter(
        status__in=Advance.PENDING_SETTLEMENT,
        mission__return_at__lt=rules._end_of_day(ages.today),
    )
    if chosen := ages.buckets.get(bucket):
        qs = qs.filter(chosen.q())
    return qs.order_by("mission__return_at", "pk")


def outstanding_page(ages: Outstanding, *, bucket: str = "", page: str | None = None) -> Page:
    """One page of `outstanding_queryset`: the page's advance ids first (a narrow query the
    indexes answer), then only those rows with everything the list shows."""
    chosen = ages.buckets.get(bucket)
    paginator = Paginator(
        outstanding_queryset(ages, bucket=bucket).values_list("pk", flat=True),
        pagination.PER_PAGE,
    )
    paginator.count = chosen.count if chosen else ages.count  # known: no COUNT query
    result = paginator.get_page(page)
    ids = list(result.object_list)
    by_pk = _deadline_base().prefetch_related(None).in_bulk(ids)
    advances = [by_pk[pk] for pk in ids]
    grace, calendar = rules.deduction_grace(), ages.calendar
    dues = {a.pk: rules.due_date_of(calendar, a) for a in advances}
    left = rules.business_days_left_many(calendar, set(dues.values()), ages.today)
    result.object_list = [
        _deadline(a, calendar, ages.today, grace, days_left=left[dues[a.pk]]) for a in advances
    ]
    return result


def bucket_labels() -> dict[str, str]:
    return {
        "due": _("Not yet late"),
        "1-5": _("1–5 days late"),
        "6-15": _("6–15 days late"),
        "16-30": _("16–30 days late"),
        "30+": _("More than 30 days late"),
    }


def age_chart(ages: Outstanding) -> dict:
    """Bars of the outstanding amount (USD) by age bucket, as SVG geometry."""
    labels = bucket_labels()
    totals = {key: ages.buckets[key].total for key, *_ in rules.AGE_BUCKETS}
    counts = {key: ages.buckets[key].count for key in totals}
    top = max(totals.values(), default=ZERO) or Decimal("1")
    width, height, gap = 560, 180, 16
    bar_w = (width - gap * (len(totals) + 1)) / len(totals)
    bars = []
    for index, (key, total) in enumerate(totals.items()):
        h = float(total / top) * height if total else 0.0
        x = gap + index * (bar_w + gap)
        bars.append(
            {
                "key": key,
                "label": labels[key],
                "short": _("on time") if key == "due" else key.replace("30+", ">30"),
                "total": total,
                "count": counts[key],
                "x": round(x, 1),
                "y": round(20 + height - h, 1),
                "w": round(bar_w, 1),
                "h": round(h, 1),
                "cx": round(x + bar_w / 2, 1),
                "ty": round(20 + height - h - 4, 1),
                "color": PALETTE[0] if key == "due" else PALETTE[4],
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
        y = 20 + height
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
    qs = Sanction.objects.select_related(
        "person", "mission", "advance", "proposed_by", "applied_by", "lifted_by"
    )
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
        .exclude(state=PayrollDeductionOrder.State.CANCELLED)
        .select_related("person", "advance__mission")
        .order_by("issued_on", "pk")
    )
