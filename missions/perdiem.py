"""The per-diem engine (SPEC §2.2). Pure: plain values in, plain values out, no Django.

Mission days are the calendar days from departure to return, inclusive; nights away are
return date − departure date. Lodging is paid per night at 100% of the rate of the place where
the night is spent; meals per mission day at the day's factor (R-3.9) times the share of the
meal rate the event does not cover (R-3.14). Every line is rounded half-up to cents and the
totals are sums of lines, so the breakdown always adds up.

Errors are `PerDiemError` with a stable `code` and the values a message needs; the Django side
turns them into translated messages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from viaticos.money import round_money
from viaticos.rules_registry import enforces

ZERO = Decimal("0.00")
ONE = Decimal("1")

# departure day, by departure time: [00:00, 09:00) 100%, [09:00, 17:00) 66.66%,
# [17:00, 24:00) 33.33%.
DEPARTURE_FACTORS = (Decimal("1.00"), Decimal("0.6666"), Decimal("0.3333"))
# return day, by arrival time at the duty station: [00:00, 09:00) 33% (the seed prints
# 33%, not 33.33%: kept exactly), [09:00, 17:00) 66.66%, [17:00, 24:00) 100%.
RETURN_FACTORS = (Decimal("0.33"), Decimal("0.6666"), Decimal("1.00"))
BRACKET_LIMITS = (dt.time(9, 0), dt.time(17, 0))

MEAL_TIMES = ("lunch", "dinner")
DEFAULT_MEAL_SHARES = {"lunch": Decimal("0.50"), "dinner": Decimal("0.50")}

# a sponsor's daily amount is complemented only for events of at most 30 calendar days.
COMPLEMENT_MAX_DAYS = 30


class PerDiemError(ValueError):
    """An input the policy cannot compute; `code` is stable, `params` fill the message."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class DailyRate:
    """Table (or approved quote) amounts in USD for one destination."""

    lodging: Decimal
    meals: Decimal
    meal_shares: Mapping[str, Decimal] = field(default_factory=lambda: dict(DEFAULT_MEAL_SHARES))
    label: str = ""


@dataclass(frozen=True)
class Leg:
    """From `start` on (the day the traveler arrives and sleeps there), days take `rate`.

    `rate=None` means the destination has no table rate and no approved quote (R-3.8b).
    """

    start: dt.date
    rate: DailyRate | None
    destination: str = ""


@dataclass(frozen=True)
class Line:
    date: dt.date
    concept: str  # "lodging" | "meals" | "sponsor"
    rate: Decimal
    share: Decimal
    factor: Decimal
    amount: Decimal
    rule: str
    basis: str  # night, departure_day, return_day, full_day, same_day, sponsor_complement


@dataclass(frozen=True)
class PerDiemResult:
    lines: tuple[Line, ...]
    mission_days: int
    nights: int
    currency: str = "USD"

    def _sum(self, concept: str) -> Decimal:
        return sum((line.amount for line in self.lines if line.concept == concept), ZERO)

    @property
    def lodging_total(self) -> Decimal:
        return self._sum("lodging")

    @property
    def meals_total(self) -> Decimal:
        return self._sum("meals")

    @property
    def sponsor_total(self) -> Decimal:
        return self._sum("sponsor")

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)


def _bracket(moment: dt.time) -> int:
    if moment < BRACKET_LIMITS[0]:
        return 0
    if moment < BRACKET_LIMITS[1]:
        return 1
    return 2


def departure_factor(moment: dt.time) -> Decimal:
    """R-3.9: share of the day's meals paid on the departure day."""
    return DEPARTURE_FACTORS[_bracket(moment)]


def return_factor(moment: dt.time) -> Decimal:
    """R-3.9: share of the day's meals paid on the return day, by arrival time."""
    return RETURN_FACTORS[_bracket(moment)]


def _rate_for(day: dt.date, legs: Sequence[Leg]) -> Leg:
    current = legs[0]
    for leg in legs:
        if leg.start <= day:
            current = leg
    return current


def _meal_share(rate: DailyRate, covered: frozenset[str]) -> Decimal:
    """R-3.14: the part of the meal rate not covered by the event."""
    return ONE - sum((rate.meal_shares.get(meal, ZERO) for meal in covered), ZERO)


@enforces("R-3.9", "R-3.14", "R-6", "R-2c", "R-3.15", "R-7a", "R-7i")
def compute_per_diem(
    *,
    departure_at: dt.datetime,
    return_at: dt.datetime,
    legs: Sequence[Leg],
    meals_covered: Mapping[dt.date, Sequence[str]] | None = None,
    all_meals_covered: bool = False,
    sponsor_daily_amount: Decimal | None = None,
    home_country_no_hotel: bool = False,
    per_diem_covered_by_host: bool = False,
    event_days: int | None = None,
) -> PerDiemResult:
    """Compute the per diem line by line (R-3.9, R-3.14, R-6, R-2c, R-3.15, R-3.8b, R-7a, R-7i).

    R-6 counts the 30 days on the event's days (`event_days`; the mission days when not
    given): a trip that runs longer than the event keeps the complement.

    `departure_at`/`return_at` are local times at the duty station. `legs` are sorted by start;
    the first starts on the departure date. Each day takes the rate of the place where its night
    is spent; the return day takes the last destination.
    """
    if return_at <= departure_at:
        raise PerDiemError(
            "return_before_departure", departure_at=departure_at, return_at=return_at
        )
    if not legs:
        raise PerDiemError("unknown_destination", destination="")
    for leg in legs:
        if leg.rate is None:
            raise PerDiemError("rate_requires_quote", destination=leg.destination)
    if sponsor_daily_amount is not None and sponsor_daily_amount < 0:
        raise PerDiemError("negative_amount", field="sponsor_daily_amount")

    first_day, last_day = departure_at.date(), return_at.date()
    mission_days = (last_day - first_day).days + 1
    nights = mission_days - 1

    covered_by_day: dict[dt.date, frozenset[str]] = {}
    for day, meals in (meals_covered or {}).items():
        unknown = [meal for meal in meals if meal not in MEAL_TIMES]
        if unknown:
            raise PerDiemError("unknown_meal_time", meal=unknown[0], date=day)
        if not first_day <= day <= last_day:
            raise PerDiemError("meal_date_outside_mission", date=day)
        covered_by_day[day] = frozenset(meals)

    counted_days = mission_days if event_days is None else event_days
    if sponsor_daily_amount is not None and counted_days > COMPLEMENT_MAX_DAYS:
        raise PerDiemError(
            "complement_not_eligible", days=counted_days, max_days=COMPLEMENT_MAX_DAYS
        )

    lines: list[Line] = []
    for offset in range(mission_days):
        day = first_day + dt.timedelta(days=offset)
        rate = _rate_for(day, legs).rate
        assert rate is not None  # checked above
        day_lines: list[Line] = []

        if day < last_day:
            if per_diem_covered_by_host:
                factor, rule = ZERO, "R-3.15"
            elif home_country_no_hotel:
                factor, rule = ZERO, "R-2c"
            else:
                factor, rule = ONE, "R-3.9"
            day_lines.append(
                Line(
                    day,
                    "lodging",
                    rate.lodging,
                    ONE,
                    factor,
                    round_money(rate.lodging * factor),
                    rule,
                    "night",
                )
            )

        if mission_days == 1:
            factor = min(departure_factor(departure_at.time()), return_factor(return_at.time()))
            basis = "same_day"
        elif day == first_day:
            factor, basis = departure_factor(departure_at.time()), "departure_day"
        elif day == last_day:
            factor, basis = return_factor(return_at.time()), "return_day"
        else:
            factor, basis = ONE, "full_day"
        if per_diem_covered_by_host:
            share, rule = ZERO, "R-3.15"
        elif all_meals_covered:
            share, rule = ZERO, "R-3.14"
        elif covered_by_day.get(day):
            share, rule = _meal_share(rate, covered_by_day[day]), "R-3.14"
        else:
            share, rule = ONE, "R-3.9"
        day_lines.append(
            Line(
                day,
                "meals",
                rate.meals,
                share,
                factor,
                round_money(rate.meals * share * factor),
                rule,
                basis,
            )
        )

        if sponsor_daily_amount is not None and not per_diem_covered_by_host:
            # the organization pays max(0, day total − sponsor amount).
            day_total = sum((line.amount for line in day_lines), ZERO)
            deduction = min(round_money(sponsor_daily_amount), day_total)
            day_lines.append(
                Line(
                    day,
                    "sponsor",
                    round_money(sponsor_daily_amount),
                    ONE,
                    ONE,
                    ZERO - deduction,  # never "-0.00"
                    "R-6",
                    "sponsor_complement",
                )
            )
        lines.extend(day_lines)

    return PerDiemResult(lines=tuple(lines), mission_days=mission_days, nights=nights)
