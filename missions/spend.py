"""Monthly spend: USD disbursed per month, by project and by the mission's first destination.

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
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F, FilteredRelation, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from missions.models import Advance, DestinationSpend, MissionLeg, ProjectSpend

# An advance counts from its disbursement on: these are the statuses it can have from then.
SPEND_STATUSES = (
    Advance.Status.DISBURSED,
    Advance.Status.SETTLED,
    Advance.Status.RETURN_DUE,
    Advance.Status.RETURNED,
)
# model -> the advance's path to the key of its series
DIMENSIONS = {ProjectSpend: "mission__project", DestinationSpend: "first_leg__destination"}


def _key(model) -> str:
    return "project_id" if model is ProjectSpend else "destination_id"


def from_advances(model) -> QuerySet:
    """The definition: (month, key id, USD) added up from the disbursed advances."""
    return (
        Advance.objects.filter(status__in=SPEND_STATUSES, disbursed_on__isnull=False)
        .annotate(
            month=TruncMonth("disbursed_on"),
            first_leg=FilteredRelation(
                "mission__legs", condition=Q(mission__legs__order=MissionLeg.FIRST)
            ),
        )
        .filter(**{f"{DIMENSIONS[model]}__isnull": False})
        .values_list("month", DIMENSIONS[model])
        .annotate(total=Sum("amount"))
        .order_by()
    )


def _month(day: dt.date | dt.datetime) -> dt.date:
    day = day.date() if isinstance(day, dt.datetime) else day
    return day.replace(day=1)


def _add(model, *, month: dt.date, key: int, amount: Decimal) -> None:
    """Add to a month's total in one row update (the row lock orders concurrent payments)."""
    row, _created = model.objects.get_or_create(month=month, **{_key(model): key})
    model.objects.filter(pk=row.pk).update(amount=F("amount") + amount)


def count_disbursement(advance: Advance) -> None:
    """Called by the disbursement service, in its transaction. Projects first, then
    destinations: every payment takes its two row locks in the same order."""
    month = _month(advance.disbursed_on)
    _add(ProjectSpend, month=month, key=advance.mission.project_id, amount=advance.amount)
    first = MissionLeg.objects.filter(mission_id=advance.mission_id, order=MissionLeg.FIRST)
    if destination := first.values_list("destination_id", flat=True).first():
        _add(DestinationSpend, month=month, key=destination, amount=advance.amount)


def totals(*, first: dt.date, last: dt.date) -> dict[str, dict[str, dict[dt.date, Decimal]]]:
    """{"project": {code: {month: USD}}, "place": {destination name: {month: USD}}} for the
    months from `first` to `last`'s, in two narrow queries."""
    months = {"month__gte": _month(first), "month__lte": _month(last)}
    data: dict[str, dict[str, dict[dt.date, Decimal]]] = {"project": {}, "place": {}}
    for key, model, name in (
        ("project", ProjectSpend, "project__code"),
        ("place", DestinationSpend, "destination__name"),
    ):
        for month, label, amount in model.objects.filter(**months).values_list(
            "month", name, "amount"
        ):
            if amount:
                data[key].setdefault(label, {})[month] = amount
    return data


@dataclass(frozen=True)
class Difference:
    series: str  # "project" or "destination"
    month: dt.date
    key: int
    kept: Decimal  # in the totals
    actual: Decimal  # added up from the advances


def _actual(model) -> dict[tuple[dt.date, int], Decimal]:
    return {(_month(month), key): total for month, key, total in from_advances(model)}


def differences() -> list[Difference]:
    """Where the kept totals and the advances disagree (none when all is well)."""
    found = []
    for model in DIMENSIONS:
        actual = _actual(model)
        kept = {
            (month, key): amount
            for month, key, amount in model.objects.values_list("month", _key(model), "amount")
        }
        for month, key in sorted(actual.keys() | kept.keys()):
            a, k = actual.get((month, key), Decimal("0")), kept.get((month, key), Decimal("0"))
            if a != k:
                series = "project" if model is ProjectSpend else "destination"
                found.append(Difference(series, month, key, k, a))
    return found


@transaction.atomic
def rebuild() -> int:
    """Recompute every total from the advances; returns the number of rows written. On
    PostgreSQL the tables are locked first, so that a payment in course is either counted in
    the rebuild (it committed before) or added after it (it waits)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            tables = ", ".join(model._meta.db_table for model in DIMENSIONS)
            cursor.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")
    written = 0
    for model in DIMENSIONS:
        model.objects.all().delete()
        rows = [
            model(month=month, amount=amount, **{_key(model): key})
            for (month, key), amount in _actual(model).items()
        ]
        written += len(model.objects.bulk_create(rows, batch_size=1000))
    return written
