"""Selectors for per-diem rates (R-3.8, R-3.8b): the table in force on a date, or an approved
quote for a destination outside the table; and the per-diem estimate the calculator and the
quote API share."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from missions.countries import iso_country
from missions.models import Destination, Quote, Rate
from missions.perdiem import DailyRate, Leg, PerDiemError, PerDiemResult, compute_per_diem
from missions.perdiem_messages import to_domain_error
from viaticos.rules_registry import enforces


def rate_in_force(*, destination: Destination, on: dt.date) -> Rate | None:
    """The table rate for `destination` valid on `on`; a later table never changes a past trip."""
    if destination.pk is None:
        return None
    return (
        Rate.objects.select_related("table", "destination")
        .filter(destination=destination, table__valid_from__lte=on)
        .filter(Q(table__valid_to__isnull=True) | Q(table__valid_to__gte=on))
        .order_by("-table__valid_from")
        .first()
    )


@enforces("R-3.8b")
def approved_quote_for(*, destination: Destination, on: dt.date) -> Quote | None:
    """R-3.8b: the latest approved quote for `destination` covering `on`; proposed or rejected
    quotes never count."""
    if destination.pk is None:
        return None
    return (
        Quote.objects.select_related("destination")
        .filter(
            destination=destination,
            status=Quote.Status.APPROVED,
            valid_from__lte=on,
            valid_to__gte=on,
        )
        .order_by("-decided_at", "-pk")
        .first()
    )


@enforces("R-3.8", "R-3.8b")
def daily_rate_for(*, destination: Destination, on: dt.date) -> DailyRate | None:
    """The DailyRate the engine needs: the table rate in force on `on`, else an approved quote
    covering `on` (R-3.8b), else None (the engine then refuses with `rate_requires_quote`)."""
    rate = rate_in_force(destination=destination, on=on)
    if rate is not None:
        return rate.as_daily_rate()
    quote = approved_quote_for(destination=destination, on=on)
    return quote.as_daily_rate() if quote else None


def destination_by_code(code: str) -> Destination:
    """The destination with rate code `code` (any case). Every ISO 3166-1 alpha-2 code is one
    (SPEC §2.1, §7): should its row be missing (deleted in the admin), an unsaved destination
    stands for the country, which has no table rate and no approved quote, so it needs the
    caller's quote (R-3.8b). Anything else is `unknown_destination`."""
    destination = Destination.objects.filter(code__iexact=(code or "").strip()).first()
    if destination is not None:
        return destination
    country = iso_country(code)
    if country is None:
        raise to_domain_error(PerDiemError("unknown_destination", destination=code))
    return Destination(
        code=country.code,
        name=country.name_es,
        name_en=country.name_en,
        country=country.code,
        in_table_region=False,
    )


# The calculator and the quote API ask for the same few (destination, day) pairs all day long;
# rate tables change a few times a year. Each process keeps the answer for RATE_CACHE_SECONDS
# and forgets it at once when a rate, table, quote or destination is saved in this process
# (missions.apps connects the signals); another process sees an edit within that time. Only the
# estimate uses this cache: a mission's planned per diem always reads the tables.
RATE_CACHE_SECONDS = 60
_rate_cache: dict[tuple[str, dt.date], tuple[float, Destination, DailyRate | None]] = {}


def rate_cache_clear(**_kwargs) -> None:
    _rate_cache.clear()


def _estimate_rate(code: str, on: dt.date) -> tuple[Destination, DailyRate | None]:
    key = ((code or "").strip().upper(), on)
    hit = _rate_cache.get(key)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1], hit[2]
    destination = destination_by_code(code)
    table_rate = rate_in_force(destination=destination, on=on)
    daily = table_rate.as_daily_rate() if table_rate is not None else None
    _rate_cache[key] = (time.monotonic() + RATE_CACHE_SECONDS, destination, daily)
    return destination, daily


@dataclass(frozen=True)
class AdHocQuote:
    """Amounts a caller supplies for a destination without a table rate (a what-if estimate)."""

    lodging: Decimal
    meals: Decimal


def per_diem_estimate(
    *,
    destination_code: str,
    departure_at: dt.datetime,
    return_at: dt.datetime,
    meals_covered: Mapping[dt.date, Sequence[str]] | None = None,
    all_meals_covered: bool = False,
    sponsor_daily_amount: Decimal | None = None,
    home_country_no_hotel: bool = False,
    quote: AdHocQuote | None = None,
) -> PerDiemResult:
    """The per diem for one destination, at the rate in force on the departure date (R-3.8).

    A table rate wins; without one, `quote` (supplied amounts) or else an approved quote is used
    (R-3.8b); with neither the engine refuses with `rate_requires_quote`. Naive local times at
    the duty station. Raises DomainError with the engine's codes.
    """
    from missions.rules import check_trip_bounds

    if return_at > departure_at:
        check_trip_bounds(departure_at=departure_at, return_at=return_at)
    on = departure_at.date()
    destination, daily = _estimate_rate(destination_code, on)
    if daily is None and quote is not None:
        daily = DailyRate(lodging=quote.lodging, meals=quote.meals, label=str(destination))
    elif daily is None:
        daily = daily_rate_for(destination=destination, on=on)
    try:
        return compute_per_diem(
            departure_at=departure_at,
            return_at=return_at,
            legs=[Leg(on, daily, destination.code)],
            meals_covered=meals_covered,
            all_meals_covered=all_meals_covered,
            sponsor_daily_amount=sponsor_daily_amount,
            home_country_no_hotel=home_country_no_hotel,
        )
    except PerDiemError as error:
        raise to_domain_error(error) from error


def quotes_for_user(user):
    """Quotes a user may see: all of them for finance and auditors, otherwise their own."""
    from viaticos.roles import Role, has_role

    quotes = Quote.objects.select_related("destination", "requested_by", "decided_by")
    if has_role(user, Role.FINANCE_DIRECTOR, Role.GENERAL_ACCOUNTANT, Role.AUDITOR):
        return quotes
    return quotes.filter(requested_by=user)
