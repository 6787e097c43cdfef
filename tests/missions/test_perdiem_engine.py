"""The per-diem engine (SPEC §2.2) tested directly: worked examples E1–E6 and the brackets."""

import datetime as dt
from decimal import Decimal

import pytest

from missions.perdiem import DailyRate, Leg, PerDiemError, compute_per_diem

SV = DailyRate(Decimal("80.00"), Decimal("40.00"))
CR = DailyRate(Decimal("100.00"), Decimal("40.00"))
GT = DailyRate(Decimal("80.00"), Decimal("40.00"))
PA = DailyRate(Decimal("100.00"), Decimal("40.00"))
HN = DailyRate(Decimal("90.00"), Decimal("40.00"))
NI = DailyRate(Decimal("90.00"), Decimal("40.00"))


def at(text):
    return dt.datetime.fromisoformat(text)


def quote(rate, dep, ret, **kwargs):
    return compute_per_diem(
        departure_at=at(dep), return_at=at(ret), legs=[Leg(at(dep).date(), rate)], **kwargs
    )


def totals(result):
    return (str(result.lodging_total), str(result.meals_total), str(result.total))


def test_e1_san_salvador_full_days():
    result = quote(SV, "2026-03-02T07:30", "2026-03-05T19:00")
    assert totals(result) == ("240.00", "160.00", "400.00")
    assert result.mission_days == 4 and result.nights == 3


def test_e2_r_3_9_late_departure_and_early_return():
    result = quote(CR, "2026-03-02T18:00", "2026-03-04T08:00")
    meals = [line.amount for line in result.lines if line.concept == "meals"]
    assert meals == [Decimal("13.33"), Decimal("40.00"), Decimal("13.20")]
    assert totals(result) == ("200.00", "66.53", "266.53")


def test_e3_r_3_9_same_day_takes_the_smaller_factor():
    result = quote(GT, "2026-03-02T10:00", "2026-03-02T15:00")
    assert totals(result) == ("0.00", "26.66", "26.66")
    assert [line.basis for line in result.lines] == ["same_day"]


def test_e4_r_3_14_event_covers_lunch():
    covered = {dt.date(2026, 3, 3): ["lunch"], dt.date(2026, 3, 4): ["lunch"]}
    result = quote(PA, "2026-03-02T08:00", "2026-03-04T20:00", meals_covered=covered)
    assert totals(result) == ("200.00", "80.00", "280.00")
    assert {line.rule for line in result.lines if line.share == Decimal("0.50")} == {"R-3.14"}


def test_e5_r_3_14_all_meals_covered_pays_lodging_only():
    result = quote(HN, "2026-03-02T07:00", "2026-03-05T18:00", all_meals_covered=True)
    assert totals(result) == ("270.00", "0.00", "270.00")


def test_e6_r_6_sponsor_complement():
    result = quote(
        NI, "2026-03-02T07:00", "2026-03-04T18:00", sponsor_daily_amount=Decimal("50.00")
    )
    assert totals(result) == ("180.00", "120.00", "160.00")
    deductions = [line.amount for line in result.lines if line.concept == "sponsor"]
    assert deductions == [Decimal("-50.00"), Decimal("-50.00"), Decimal("-40.00")]
    assert result.sponsor_total == Decimal("-140.00")


@pytest.mark.parametrize(
    "time, factor",
    [("08:59", "1.00"), ("09:00", "0.6666"), ("16:59", "0.6666"), ("17:00", "0.3333")],
)
def test_r_3_9_departure_brackets(time, factor):
    result = quote(SV, f"2026-03-02T{time}", "2026-03-03T20:00")
    first_meal = next(line for line in result.lines if line.concept == "meals")
    assert first_meal.factor == Decimal(factor)


@pytest.mark.parametrize(
    "time, factor",
    [("08:59", "0.33"), ("09:00", "0.6666"), ("16:59", "0.6666"), ("17:00", "1.00")],
)
def test_r_3_9_return_brackets(time, factor):
    result = quote(SV, "2026-03-02T07:00", f"2026-03-03T{time}")
    last_meal = [line for line in result.lines if line.concept == "meals"][-1]
    assert last_meal.factor == Decimal(factor)


def test_r_2c_home_country_without_hotel_pays_no_lodging():
    result = quote(SV, "2026-03-02T07:30", "2026-03-05T19:00", home_country_no_hotel=True)
    assert totals(result) == ("0.00", "160.00", "160.00")
    assert {line.rule for line in result.lines if line.concept == "lodging"} == {"R-2c"}


def test_r_3_15_invitation_covering_the_per_diem_pays_nothing():
    result = quote(SV, "2026-03-02T07:30", "2026-03-05T19:00", per_diem_covered_by_host=True)
    assert result.total == Decimal("0.00")
    assert {line.rule for line in result.lines} == {"R-3.15"}


def test_r_3_8b_destination_without_rate_needs_a_quote():
    with pytest.raises(PerDiemError) as error:
        compute_per_diem(
            departure_at=at("2026-03-02T07:00"),
            return_at=at("2026-03-04T19:00"),
            legs=[Leg(dt.date(2026, 3, 2), None, "US-MIA")],
        )
    assert error.value.code == "rate_requires_quote"
    assert error.value.params["destination"] == "US-MIA"


def test_return_before_departure_is_refused():
    with pytest.raises(PerDiemError) as error:
        quote(SV, "2026-03-05T07:00", "2026-03-02T19:00")
    assert error.value.code == "return_before_departure"


def test_r_6_complement_only_for_events_up_to_30_days():
    quote(SV, "2026-03-01T07:00", "2026-03-30T19:00", sponsor_daily_amount=Decimal("10"))
    with pytest.raises(PerDiemError) as error:
        quote(SV, "2026-03-01T07:00", "2026-03-31T19:00", sponsor_daily_amount=Decimal("10"))
    assert error.value.code == "complement_not_eligible"


def test_unknown_meal_time_is_refused():
    with pytest.raises(PerDiemError) as error:
        quote(
            SV,
            "2026-03-02T07:00",
            "2026-03-03T19:00",
            meals_covered={dt.date(2026, 3, 2): ["brunch"]},
        )
    assert error.value.code == "unknown_meal_time"


def test_itinerary_day_takes_the_rate_of_the_place_where_the_night_is_spent():
    result = compute_per_diem(
        departure_at=at("2026-03-02T07:00"),
        return_at=at("2026-03-04T19:00"),
        legs=[Leg(dt.date(2026, 3, 2), SV, "SV-SAL"), Leg(dt.date(2026, 3, 3), CR, "CR-SJO")],
    )
    lodging = [line.amount for line in result.lines if line.concept == "lodging"]
    assert lodging == [Decimal("80.00"), Decimal("100.00")]
    assert result.total == sum(line.amount for line in result.lines)
