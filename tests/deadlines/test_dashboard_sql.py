"""The deadlines dashboard totals by age (one grouped pass over the pending advances, the
ledger asked once per group) give exactly what the row-by-row Python computation gives, across
holidays and closure days."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import timezone

from deadlines import enforcement as rules
from deadlines import selectors as dashboard
from missions.models import Advance, Mission
from tests.factories import ProjectFactory, UserFactory
from viaticos.business_days import duty_calendar
from viaticos.models import ClosureDay
from viaticos.roles import Role

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 5, 12)  # after Holy Thursday/Friday (2–3 April) and 1 May in Peru


@pytest.fixture
def spread(coordinator):
    """One or two advances returned on every day of the 100 days before TODAY (and on TODAY),
    some at 00:05 and some at 23:55 local time, a few with an amount to return (R-4) and a few
    already settled (not outstanding)."""
    ClosureDay.objects.create(date=dt.date(2026, 4, 20), reason="Cierre")
    project = ProjectFactory(coordinator=coordinator)
    travelers = [UserFactory(username=f"s{i}", roles=[Role.TRAVELER]) for i in range(3)]
    missions = []
    for offset in range(101):
        day = TODAY - dt.timedelta(days=offset)
        for n, at in enumerate([dt.time(23, 55), dt.time(0, 5)][: 1 + offset % 2]):
            back = timezone.make_aware(dt.datetime.combine(day, at))
            missions.append(
                Mission(
                    traveler=travelers[(offset + n) % 3],
                    project=project,
                    budget_line="2.1.3",
                    purpose="Taller",
                    expected_results="Plan",
                    departure_at=back - dt.timedelta(days=2),
                    return_at=back,
                    status=Mission.Status.RETURNED,
                    planned_total=D("100.00"),
                )
            )
    missions = Mission.objects.bulk_create(missions)
    advances = []
    for i, mission in enumerate(missions):
        status = Advance.Status.DISBURSED
        if i % 7 == 3:
            status = Advance.Status.RETURN_DUE
        elif i % 11 == 5:
            status = Advance.Status.SETTLED
        advances.append(
            Advance(
                mission=mission,
                perdiem_amount=D("100.00"),
                terminal_estimate=D("0.00"),
                amount=D("100.00") + i,
                return_due_amount=D("12.34") if i % 14 == 3 else None,
                status=status,
                requested_by=mission.traveler,
                disbursed_on=dt.date(2026, 1, 5),
            )
        )
    Advance.objects.bulk_create(advances)


def python_rows(today):
    """The straightforward computation: every outstanding advance, its age in Python."""
    calendar = duty_calendar()
    rows = []
    for advance in Advance.objects.select_related("mission").filter(
        status__in=Advance.PENDING_SETTLEMENT
    ):
        returned = rules.local_date(advance.mission.return_at)
        if returned > today:
            continue
        due = rules.settlement_due_date(calendar, returned)
        left = rules.business_days_left(calendar, due, today)
        rows.append(
            (
                rules.age_bucket(-left),
                rules.unsettled_amount(advance),
                # most late first, then by return time and advance
                (-max(0, -left), advance.mission.return_at, advance.pk),
            )
        )
    return rows


def test_bucket_totals_from_sql_equal_the_python_computation(spread, django_assert_max_num_queries):
    rows = python_rows(TODAY)
    # the closure days, one pass grouping the plain advances, the others' ledger rows by id
    with django_assert_max_num_queries(3):
        ages = dashboard.outstanding_by_age(today=TODAY)
    # SPEC §4: the dashboard also has a column for money out on missions not back yet (none
    # here: every mission of the spread is back).
    expected = {key: [0, D("0.00")] for key in dashboard.BUCKETS}
    for bucket, amount, _key in rows:
        expected[bucket][0] += 1
        expected[bucket][1] += amount
    got = {key: [b.count, b.total] for key, b in ages.buckets.items()}
    assert got == expected
    assert expected.pop("not_back") == [0, D("0.00")]
    assert all(count for count, _total in expected.values())  # every bucket has rows
    assert ages.count == len(rows)
    assert ages.total == sum((amount for _b, amount, _k in rows), D("0.00"))
    assert ages.late_total == sum((a for b, a, _k in rows if b != "due"), D("0.00"))
    chart = dashboard.age_chart(ages)
    assert [(bar["key"], bar["count"], bar["total"]) for bar in chart["bars"]] == [
        ("not_back", 0, D("0.00")),
        *((key, *expected[key]) for key, *_ in rules.AGE_BUCKETS),
    ]


@pytest.mark.parametrize("bucket", ["", "due", "1-5", "6-15", "16-30", "30+"])
def test_list_pages_match_the_python_order_and_filter(spread, bucket):
    rows = python_rows(TODAY)
    expected = [
        key[2] for b, _a, key in sorted(rows, key=lambda r: r[2]) if b == bucket or not bucket
    ]
    ages = dashboard.outstanding_by_age(today=TODAY)
    shown, number = [], 1
    while True:
        page = dashboard.outstanding_page(ages, bucket=bucket, page=str(number))
        assert page.paginator.count == len(expected)
        shown += [d.advance.pk for d in page]
        assert all(d.bucket == bucket for d in page) or not bucket
        if not page.has_next():
            break
        number += 1
    assert shown == expected
