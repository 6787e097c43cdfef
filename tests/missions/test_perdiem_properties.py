"""Hypothesis properties of the per-diem engine (R-7i, R-3.9, totals = sum of lines)."""

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from missions.perdiem import DailyRate, Leg, compute_per_diem

money = st.decimals(min_value=Decimal("0"), max_value=Decimal("500"), places=2)
minutes = st.integers(min_value=0, max_value=24 * 60 - 1)
start = dt.datetime(2026, 3, 2)


def at(day_offset, minute):
    return start + dt.timedelta(days=day_offset, minutes=minute)


trip = st.tuples(st.integers(min_value=0, max_value=20), minutes, minutes).filter(
    lambda t: t[0] > 0 or t[2] > t[1]
)


@settings(max_examples=150, deadline=None)
@given(
    lodging=money,
    meals=money,
    trip=trip,
    sponsor=st.none() | money,
    lunch=st.sets(st.integers(0, 20)),
    all_meals=st.booleans(),
)
def test_r_7i_no_day_pays_more_than_the_table_per_concept(
    lodging, meals, trip, sponsor, lunch, all_meals
):
    days, dep, ret = trip
    covered = {start.date() + dt.timedelta(days=d): ["lunch"] for d in lunch if d <= days}
    result = compute_per_diem(
        departure_at=at(0, dep),
        return_at=at(days, ret),
        legs=[Leg(start.date(), DailyRate(lodging, meals))],
        meals_covered=covered,
        all_meals_covered=all_meals,
        sponsor_daily_amount=sponsor,
    )
    per_day: dict = {}
    for line in result.lines:
        if line.concept == "lodging":
            assert Decimal("0") <= line.amount <= lodging
        elif line.concept == "meals":
            assert Decimal("0") <= line.amount <= meals
        else:
            assert line.amount <= 0
        per_day[line.date] = per_day.get(line.date, Decimal("0")) + line.amount
    # the complement never turns a day negative.
    assert all(amount >= 0 for amount in per_day.values())
    # Totals are sums of lines.
    assert result.total == sum((line.amount for line in result.lines), Decimal("0"))
    assert result.total == result.lodging_total + result.meals_total + result.sponsor_total


@settings(max_examples=150, deadline=None)
@given(lodging=money, meals=money, days=st.integers(0, 10), dep1=minutes, dep2=minutes, ret=minutes)
def test_r_3_9_a_later_departure_never_pays_more(lodging, meals, days, dep1, dep2, ret):
    early, late = sorted((dep1, dep2))
    if days == 0 and ret <= late:
        return
    rate = DailyRate(lodging, meals)

    def total(dep):
        return compute_per_diem(
            departure_at=at(0, dep), return_at=at(days, ret), legs=[Leg(start.date(), rate)]
        ).total

    assert total(late) <= total(early)


@settings(max_examples=100, deadline=None)
@given(lodging=money, meals=money, days=st.integers(0, 10), dep=minutes, ret1=minutes, ret2=minutes)
def test_r_3_9_a_later_return_never_pays_less(lodging, meals, days, dep, ret1, ret2):
    early, late = sorted((ret1, ret2))
    if days == 0 and early <= dep:
        return
    rate = DailyRate(lodging, meals)

    def total(ret):
        return compute_per_diem(
            departure_at=at(0, dep), return_at=at(days, ret), legs=[Leg(start.date(), rate)]
        ).total

    assert total(late) >= total(early)
