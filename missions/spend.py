"""Monthly spend: USD disbursed per month, by project and by destination.

By destination, an advance is apportioned by its mission's planned per-diem lines: each line
belongs to the destination of the leg in force on its date, and each destination gets the
advance's amount in proportion to its lines (`destination_split`; a mission without per-diem
lines, a relocation for example, is booked to its first destination). The shares add up to the
advance to the cent, so the totals are unchanged.

The dashboard's spend charts read these totals (a few rows a month) instead of adding up
every advance disbursed in six months on each view. The one definition of what counts is
`from_advances`: the advance's amount, in the month of its disbursement date. The
disbursement service adds each advance as it is paid (`count_disbursement`), which keeps the
totals equal to that definition because an advance once disbursed keeps its amount, its
mission's project and itinerary, and never leaves the statuses that count. `differences`
checks that, and `rebuild` recomputes the totals from the advances (`manage.py spend_totals`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

from django.db import connection, transaction
from django.db.models import CharField, F, FilteredRelation, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import TruncMonth
from django.utils import timezone

from missions.models import Advance, DestinationSpend, MissionLeg, ProjectSpend
from viaticos.money import round_money

# An advance counts from its disbursement on: these are the statuses it can have from then.
SPEND_STATUSES = (
    Advance.Status.DISBURSED,
    Advance.Status.SETTLED,
    Advance.Status.RETURN_DUE,
    Advance.Status.RETURNED,
)


_Spend = TypeVar("_Spend", ProjectSpend, DestinationSpend)


@dataclass(frozen=True)
class Series(Generic[_Spend]):
    name: str  # "project" or "destination"
    model: type[_Spend]
    path: str  # from an advance to the key of the series
    label: str  # what the chart names it by

    @property
    def key(self) -> str:
        return f"{self.name}_id"


PROJECT = Series("project", ProjectSpend, "mission__project", "project__code")
DESTINATION = Series("destination", DestinationSpend, "first_leg__destination", "destination__name")
SERIES = (PROJECT, DESTINATION)  # the order of the row locks of a payment


def from_advances(series: Series) -> QuerySet:
    """The definition: (month, key id, USD) added up from the disbursed advances."""
    return (
        Advance.objects.filter(status__in=SPEND_STATUSES, disbursed_on__isnull=False)
        .annotate(
            month=TruncMonth("disbursed_on"),
            first_leg=FilteredRelation(
                "mission__legs", condition=Q(mission__legs__order=MissionLeg.FIRST)
            ),
        )
        .filter(**{f"{series.path}__isnull": False})
        .values_list("month", series.path)
        .annotate(total=Sum("amount"))
        .order_by()
    )


def _month(day: dt.date | dt.datetime) -> dt.date:
    day = day.date() if isinstance(day, dt.datetime) else day
    return day.replace(day=1)


def _add(series: Series, *, month: dt.date, key: int, amount: Decimal) -> None:
    """Add to a month's total in one row update (the row lock orders concurrent payments)."""
    lookup: dict[str, Any] = {"month": month, series.key: key}
    row, _created = series.model.objects.get_or_create(**lookup)
    series.model.objects.filter(pk=row.pk).update(amount=F("amount") + amount)


def destination_split(
    amount: Decimal,
    *,
    legs: Sequence[tuple[int, dt.date]],
    lines: Iterable[tuple[dt.date, Decimal]],
) -> dict[int, Decimal]:
    """`amount` apportioned to destinations by per-diem lines (pure). `legs`: (destination id,
    the day its per diem starts) in itinerary order; `lines`: (date, USD). A line belongs to
    the last leg started on or before its date (the first leg before that). Shares are
    rounded to the cent and the remainder goes to the largest, so they add up to `amount`."""
    if not legs:
        return {}
    weights: dict[int, Decimal] = {}
    for day, value in lines:
        if value <= 0:
            continue
        destination = legs[0][0]
        for leg_destination, start in legs:
            if start <= day:
                destination = leg_destination
        weights[destination] = weights.get(destination, Decimal("0")) + value
    total = sum(weights.values(), Decimal("0"))
    if total <= 0:
        return {legs[0][0]: amount}
    shares = {key: round_money(amount * weight / total) for key, weight in weights.items()}
    largest = max(shares, key=lambda key: (shares[key], -list(weights).index(key)))
    shares[largest] += amount - sum(shares.values(), Decimal("0"))
    return {key: value for key, value in shares.items() if value}


def _local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def advance_by_destination(advance: Advance, legs: Sequence[MissionLeg]) -> dict[int, Decimal]:
    """destination_split of a loaded advance, its mission's legs in order."""
    mission = advance.mission
    starts = [
        (leg.destination_id, _local_day(mission.departure_at if i == 0 else leg.arrive_at))
        for i, leg in enumerate(legs)
    ]
    lines = [
        (dt.date.fromisoformat(line["date"]), Decimal(line["amount"]))
        for line in (mission.planned_perdiem or {}).get("lines", [])
    ]
    return destination_split(advance.amount, legs=starts, lines=lines)


def count_disbursement(advance: Advance) -> None:
    """Called by the disbursement service, in its transaction. Projects first, then
    destinations by id: every payment takes its row locks in the same order (no deadlock)."""
    assert advance.disbursed_on is not None  # the disbursement service has set it
    month = _month(advance.disbursed_on)
    _add(PROJECT, month=month, key=advance.mission.project_id, amount=advance.amount)
    legs = list(MissionLeg.objects.filter(mission_id=advance.mission_id).order_by("order"))
    for destination, amount in sorted(advance_by_destination(advance, legs).items()):
        _add(DESTINATION, month=month, key=destination, amount=amount)


def totals(*, first: dt.date, last: dt.date) -> dict[str, dict[str, dict[dt.date, Decimal]]]:
    """{"project": {code: {month: USD}}, "destination": {name: {month: USD}}} for the months
    from `first` to `last`'s, in one narrow query (a UNION ALL of the series)."""
    months = {"month__gte": _month(first), "month__lte": _month(last)}
    data: dict[str, dict[str, dict[dt.date, Decimal]]] = {series.name: {} for series in SERIES}
    parts = [
        series.model.objects.filter(**months)
        .order_by()
        .annotate(series=Value(series.name, output_field=CharField()), label=F(series.label))
        .values_list("series", "month", "label", "amount")
        for series in SERIES
    ]
    # django-stubs wants union's arguments to be QuerySet[Model, Model]; these rows share a shape.
    union = parts[0].union(*parts[1:], all=True)  # type: ignore[arg-type]
    for name, month, label, amount in union:
        if amount:  # two destinations of the same name add up under it
            named = data[name].setdefault(label, {})
            # Money has two places whatever the database's UNION returns.
            named[month] = named.get(month, Decimal("0.00")) + round_money(Decimal(amount))
    return data


@dataclass(frozen=True)
class Difference:
    series: str  # "project" or "destination"
    month: dt.date
    key: int
    kept: Decimal  # in the totals
    actual: Decimal  # added up from the advances


def _actual(series: Series) -> dict[tuple[dt.date, int], Decimal]:
    if series is DESTINATION:
        return _actual_by_destination()
    # Money has two places whatever the database's SUM returns (SQLite drops the scale).
    return {(_month(month), key): round_money(total) for month, key, total in from_advances(series)}


def _actual_by_destination() -> dict[tuple[dt.date, int], Decimal]:
    """The destination series from the advances, each apportioned by its per-diem lines
    (advance_by_destination), read in chunks."""
    found: dict[tuple[dt.date, int], Decimal] = {}
    advances = (
        Advance.objects.filter(status__in=SPEND_STATUSES, disbursed_on__isnull=False)
        .select_related("mission")
        .only("amount", "disbursed_on", "mission__departure_at", "mission__planned_perdiem")
        .prefetch_related(Prefetch("mission__legs", queryset=MissionLeg.objects.order_by("order")))
        .order_by("pk")
    )
    for advance in advances.iterator(chunk_size=1000):
        assert advance.disbursed_on is not None  # filtered above
        month = _month(advance.disbursed_on)
        legs = list(advance.mission.legs.all())
        for destination, amount in advance_by_destination(advance, legs).items():
            found[(month, destination)] = found.get((month, destination), Decimal("0")) + amount
    return found


def differences() -> list[Difference]:
    """Where the kept totals and the advances disagree (none when all is well)."""
    found = []
    for series in SERIES:
        actual = _actual(series)
        rows = series.model.objects.values_list("month", series.key, "amount")
        kept = {(month, key): amount for month, key, amount in rows}
        for month, key in sorted(actual.keys() | kept.keys()):
            a, k = actual.get((month, key), Decimal("0")), kept.get((month, key), Decimal("0"))
            if a != k:
                found.append(Difference(series.name, month, key, k, a))
    return found


@transaction.atomic
def rebuild() -> int:
    """Recompute every total from the advances; returns the number of rows written. On
    PostgreSQL the tables are locked first, so that a payment in course is either counted in
    the rebuild (it committed before) or added after it (it waits)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            tables = ", ".join(series.model._meta.db_table for series in SERIES)
            cursor.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")
    return _rebuild(PROJECT) + _rebuild(DESTINATION)  # the order of SERIES


def _rebuild(series: Series[_Spend]) -> int:
    series.model.objects.all().delete()
    rows = [
        series.model(month=month, amount=amount, **{series.key: key})
        for (month, key), amount in _actual(series).items()
    ]
    return len(series.model.objects.bulk_create(rows, batch_size=1000))
