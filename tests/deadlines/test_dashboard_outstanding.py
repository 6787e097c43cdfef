"""The deadlines dashboard counts the plain outstanding advances by group (mission status,
local return date, settlement status) and reads the others row by row; its totals by age and
the list behind every bar are exactly what the ledger's position of each pending advance gives
(by return time, then advance), whatever makes an advance not plain."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import timezone

from deadlines import selectors as dashboard
from missions.models import Advance, Mission, MissionEvent
from settlements import ledger
from settlements.models import ReturnRecord, Settlement
from tests.factories import ProjectFactory, UserFactory
from viaticos.business_days import duty_calendar
from viaticos.models import ClosureDay
from viaticos.roles import Role

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 5, 12)


def _mission(traveler, project, back: dt.datetime, status=Mission.Status.RETURNED) -> Mission:
    return Mission.objects.create(
        traveler=traveler,
        project=project,
        budget_line="2.1.3",
        purpose="Taller",
        expected_results="Plan",
        departure_at=back - dt.timedelta(days=2),
        return_at=back,
        status=status,
        planned_total=D("100.00"),
    )


def _advance(mission, amount, **fields) -> Advance:
    fields = {"status": Advance.Status.DISBURSED, "disbursed_on": dt.date(2026, 1, 5), **fields}
    return Advance.objects.create(
        mission=mission,
        perdiem_amount=amount,
        terminal_estimate=D("0.00"),
        amount=amount,
        requested_by=mission.traveler,
        **fields,
    )


@pytest.fixture
def varied(coordinator):
    """Plain advances returned over 80 days (some at 00:05, some at 23:55 local time, some
    with a settlement with Accounting or in draft, some missions not back yet), and one of
    every kind that is not plain: an R-4 return, a payment after the return (R-5), a recorded
    actual return and an extension, a stopped mission, a zero advance, an accepted settlement
    with a balance."""
    ClosureDay.objects.create(date=dt.date(2026, 4, 20), reason="Cierre")
    project = ProjectFactory(coordinator=coordinator)
    people = [UserFactory(username=f"o{i}", roles=[Role.TRAVELER]) for i in range(3)]
    expected_other = []
    for offset in range(-6, 81):
        day = TODAY - dt.timedelta(days=offset)
        at = dt.time(23, 55) if offset % 2 else dt.time(0, 5)
        back = timezone.make_aware(dt.datetime.combine(day, at))
        status = (
            Mission.Status.IN_PROGRESS if offset < 3 and offset % 3 else Mission.Status.RETURNED
        )
        mission = _mission(people[offset % 3], project, back, status)
        advance = _advance(mission, D("100.00") + offset)
        if offset % 5 == 1 and status == Mission.Status.RETURNED:
            Settlement.objects.create(
                mission=mission,
                advance=advance,
                status=Settlement.Status.SUBMITTED if offset % 2 else Settlement.Status.DRAFT,
                actual_departure_at=mission.departure_at,
                actual_return_at=mission.return_at,
            )
    actor = people[0]
    for index, offset in enumerate((2, 9, 17, 33, 48, 70)):
        back = timezone.make_aware(
            dt.datetime.combine(TODAY - dt.timedelta(days=offset), dt.time(10))
        )
        mission = _mission(people[index % 3], project, back)
        if index == 0:  # the stop said to return part of it
            advance = _advance(
                mission, D("80.00"), status=Advance.Status.RETURN_DUE, return_due_amount=D("30.00")
            )
        elif index == 1:  # paid after the return
            advance = _advance(mission, D("90.00"), disbursed_on=TODAY - dt.timedelta(days=4))
        elif index == 2:  # the actual return recorded within the silence
            advance = _advance(mission, D("70.00"))
            ReturnRecord.objects.create(
                mission=mission,
                kind=ReturnRecord.Kind.ACTUAL_RETURN,
                at=back - dt.timedelta(days=1),
                recorded_on=(back + dt.timedelta(days=1)).date(),
                recorded_by=actor,
            )
        elif index == 3:  # an authorized extension
            advance = _advance(mission, D("60.00"))
            ReturnRecord.objects.create(
                mission=mission,
                kind=ReturnRecord.Kind.EXTENSION,
                at=back + dt.timedelta(days=12),
                recorded_on=(back + dt.timedelta(days=1)).date(),
                recorded_by=actor,
            )
        elif index == 4:  # suspended with the money partly spent
            Mission.objects.filter(pk=mission.pk).update(status=Mission.Status.SUSPENDED)
            advance = _advance(mission, D("50.00"))
            MissionEvent.objects.create(
                mission=mission, action=MissionEvent.Action.SUSPENDED, actor=actor
            )
        else:  # accepted with a balance returned in part
            advance = _advance(mission, D("40.00"))
            Settlement.objects.create(
                mission=mission,
                advance=advance,
                status=Settlement.Status.SETTLED,
                settled_on=TODAY - dt.timedelta(days=20),
                actual_departure_at=mission.departure_at,
                actual_return_at=mission.return_at,
                viaticos_recognized=D("15.00"),
                balance_returned=D("5.00"),
            )
        expected_other.append(advance.pk)
    zero = _advance(
        _mission(people[0], project, timezone.make_aware(dt.datetime(2026, 4, 1, 9))), D("0.00")
    )
    expected_other.append(zero.pk)
    return expected_other


def reference():
    """The straightforward computation: every pending advance through the ledger."""
    calendar = duty_calendar()
    positions = ledger.advance_positions(
        Advance.objects.filter(status__in=Advance.PENDING_SETTLEMENT),
        today=TODAY,
        calendar=calendar,
    ).values()
    return sorted((p for p in positions if p.owed > 0), key=lambda p: (p.return_at, p.advance_id))


def test_totals_and_every_list_equal_the_ledger_of_every_pending_advance(varied):
    expected = reference()
    ages = dashboard.outstanding_by_age(today=TODAY)

    assert {p.advance_id for p in ages.others} <= set(varied)
    assert len(ages.others) >= 5  # most kinds that are not plain still owe something
    for key in dashboard.BUCKETS:
        mine = [p for p in expected if p.bucket == key]
        assert (ages.buckets[key].count, ages.buckets[key].total) == (
            len(mine),
            sum((p.owed for p in mine), D("0.00")),
        ), key
    assert {k for k in dashboard.BUCKETS if ages.buckets[k].count} >= {
        "not_back",
        "due",
        "1-5",
        "6-15",
        "16-30",
        "30+",
    }
    for key in ("", *dashboard.BUCKETS):
        chosen = [p for p in expected if not key or p.bucket == key]
        shown = []
        for number in range(1, len(chosen) // 50 + 2):
            page = dashboard.outstanding_page(ages, bucket=key, page=str(number))
            shown += [(d.advance.pk, d.amount, d.due_date, d.days_late) for d in page]
        assert shown == [(p.advance_id, p.owed, p.due_date, p.days_late) for p in chosen], key


def test_the_totals_read_the_pending_advances_once(varied, django_assert_num_queries):
    with django_assert_num_queries(3):  # closure days, the pass, the others by id
        dashboard.outstanding_by_age(today=TODAY)
