"""Currency conversion at official rates (R-3.10).

Every expense keeps its original currency and amount and is converted to USD at the rate
published for the expense date: the latest rate on or before that date, no older than
`VIATICOS_FX_MAX_AGE_DAYS` days; past that, a DomainError (never a silent guess).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.dispatch import Signal
from django.utils.translation import gettext as _

from viaticos.errors import CommonError, DomainError
from viaticos.models import ExchangeRate
from viaticos.money import round_money
from viaticos.rules_registry import enforces

if TYPE_CHECKING:
    from django.contrib.auth.models import User

USD = "USD"


@dataclass(frozen=True)
class Conversion:
    amount_usd: Decimal
    units_per_usd: Decimal  # 1 for USD
    rate_date: dt.date | None  # None for USD
    source: str


def max_age_days() -> int:
    return int(getattr(settings, "VIATICOS_FX_MAX_AGE_DAYS", 7))


@enforces("R-3.10")
def exchange_rate_on(currency: str, on: dt.date) -> ExchangeRate:
    """R-3.10: the latest rate for `currency` on or before `on`, no older than the limit."""
    currency = currency.upper()
    rate = ExchangeRate.objects.filter(currency=currency, date__lte=on).order_by("-date").first()
    if rate is None:
        raise DomainError(
            CommonError.EXCHANGE_RATE_MISSING,
            _(
                "There is no official exchange rate for %(currency)s on or before %(date)s; "
                "finance keeps the rates up to date."
            )
            % {"currency": currency, "date": on.isoformat()},
            field="currency",
        )
    age = (on - rate.date).days
    if age > max_age_days():
        raise DomainError(
            CommonError.EXCHANGE_RATE_TOO_OLD,
            _(
                "The latest exchange rate for %(currency)s before %(date)s is from %(rate_date)s, "
                "%(age)s days earlier; rates older than %(max)s days are not used."
            )
            % {
                "currency": currency,
                "date": on.isoformat(),
                "rate_date": rate.date.isoformat(),
                "age": age,
                "max": max_age_days(),
            },
            field="currency",
        )
    return rate


def conversion_to_usd(amount: Decimal, currency: str, on: dt.date) -> Conversion:
    """R-3.10: `amount` in `currency` converted to USD at the rate for `on` (and which rate)."""
    if not isinstance(amount, Decimal):
        raise TypeError("amount must be Decimal")
    if currency.upper() == USD:
        return Conversion(round_money(amount), Decimal("1"), None, "")
    rate = exchange_rate_on(currency, on)
    return Conversion(
        round_money(amount / rate.units_per_usd), rate.units_per_usd, rate.date, rate.source
    )


@enforces("R-3.10")
def convert_to_usd(amount: Decimal, currency: str, on: dt.date) -> Decimal:
    """R-3.10: `amount` in `currency` as USD (rounded half-up to cents); USD is identity."""
    return conversion_to_usd(amount, currency, on).amount_usd


# --- Import (R-3.10) --------------------------------------------------------------------------

CSV_COLUMNS = ("currency", "date", "units_per_usd", "source")
CSV_FORMAT_HELP = (
    "UTF-8 CSV, comma-separated, with the header row: currency,date,units_per_usd,source. "
    "currency: ISO 4217 code other than USD (PEN, GTQ…); date: YYYY-MM-DD; units_per_usd: "
    "units of the currency one US dollar buys, a positive decimal with a point (3.3645); "
    "source: who published it (BCRP, Banguat…). Blank lines are ignored. A (currency, date) "
    "already stored is replaced (its history is kept). Any bad line rejects the whole file."
)


class ExchangeRateFileError(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


@dataclass(frozen=True)
class ExchangeRateRow:
    line: int
    currency: str
    date: dt.date
    units_per_usd: Decimal
    source: str


def parse_exchange_rates_csv(text: str) -> list[ExchangeRateRow]:
    """Read the CSV described in CSV_FORMAT_HELP; raise ExchangeRateFileError on the first bad
    line (numbered from 1, the header being line 1)."""
    import csv
    import io
    from decimal import InvalidOperation

    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    rows: list[ExchangeRateRow] = []
    seen: dict[tuple[str, dt.date], int] = {}
    header = None
    for record in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if header is None:
            header = tuple(cell.strip().lower() for cell in record)
            if header != CSV_COLUMNS:
                raise ExchangeRateFileError(
                    line, f"the header must be {','.join(CSV_COLUMNS)}, not {','.join(record)}"
                )
            continue
        if len(record) != len(CSV_COLUMNS):
            raise ExchangeRateFileError(
                line, f"expected {len(CSV_COLUMNS)} columns, found {len(record)}"
            )
        currency, date_text, rate_text, source = (cell.strip() for cell in record)
        if len(currency) != 3 or not currency.isalpha() or not currency.isupper():
            raise ExchangeRateFileError(line, f"currency {currency!r} is not an ISO 4217 code")
        if currency == USD:
            raise ExchangeRateFileError(line, "USD needs no rate (it converts at 1)")
        try:
            date = dt.date.fromisoformat(date_text)
            if len(date_text) != 10:
                raise ValueError
        except ValueError:
            raise ExchangeRateFileError(line, f"date {date_text!r} is not YYYY-MM-DD") from None
        try:
            rate = Decimal(rate_text)
        except InvalidOperation:
            rate = None
        if rate is None or not rate.is_finite() or rate <= 0:
            raise ExchangeRateFileError(
                line, f"units_per_usd {rate_text!r} is not a positive decimal (use a point)"
            )
        exponent = rate.as_tuple().exponent  # an int: the rate is finite
        if (isinstance(exponent, int) and exponent < -6) or rate >= Decimal("1e12"):
            raise ExchangeRateFileError(line, f"units_per_usd {rate_text!r} is out of range")
        if not source:
            raise ExchangeRateFileError(line, "source is empty")
        if len(source) > 100:
            raise ExchangeRateFileError(line, "source is longer than 100 characters")
        key = (currency, date)
        if key in seen:
            raise ExchangeRateFileError(
                line, f"{currency} {date_text} is already on line {seen[key]}"
            )
        seen[key] = line
        rows.append(ExchangeRateRow(line, currency, date, rate, source))
    if header is None:
        raise ExchangeRateFileError(1, "the file is empty")
    return rows


# Sent, inside the transaction that stored them, with the rates added or changed:
# `changes` maps each currency to the set of its dates that changed. Apps that keep amounts
# converted at those rates (settlements: receipts) recompute them.
rates_changed = Signal()


@enforces("R-3.10")
def exchange_rates_store(
    *, rows: Iterable[ExchangeRateRow], reason: str, actor: User | None = None
) -> tuple[int, int]:
    """Store (currency, date, units_per_usd, source) rows: (created, updated). An identical rate
    is left alone, so storing the same rows twice changes nothing (idempotent); a different
    one replaces it, with history, and the amounts converted at it are recomputed through
    `rates_changed`. Call inside a transaction."""
    rows = list(rows)
    created = updated = 0
    changes: dict[str, set[dt.date]] = {}
    existing = {
        (rate.currency, rate.date): rate
        for rate in ExchangeRate.objects.select_for_update().filter(
            currency__in={row.currency for row in rows},
            date__in={row.date for row in rows},
        )
    }
    for row in rows:
        rate = existing.get((row.currency, row.date))
        if rate is None:
            rate = ExchangeRate(currency=row.currency, date=row.date)
            created += 1
        elif rate.units_per_usd == row.units_per_usd and rate.source == row.source:
            continue
        else:
            updated += 1
        rate.units_per_usd = row.units_per_usd
        rate.source = row.source
        rate._history_user = actor
        rate._change_reason = reason
        rate.save()
        changes.setdefault(row.currency, set()).add(row.date)
    if changes:
        rates_changed.send(sender=ExchangeRate, changes=changes)
    return created, updated


def exchange_rates_import(*, text: str, actor: User | None = None) -> tuple[int, int]:
    """R-3.10: store the rates of a CSV (created, updated); all or nothing."""
    from django.db import transaction

    rows = parse_exchange_rates_csv(text)
    with transaction.atomic():
        return exchange_rates_store(rows=rows, reason="import_exchange_rates", actor=actor)


# --- The daily fetch, as /readyz sees it (R-3.10) -----------------------------------------------


def rates_fetch_problem(*, now: dt.datetime | None = None) -> str | None:
    """None while the official rates arrive; otherwise what is wrong, in one sentence (for
    /readyz and the admin). For each configured (or once fetched) country: no adapter, a last
    fetch that failed, or no successful fetch for more than VIATICOS_FX_MAX_AGE_DAYS days
    (rates older than that are not used) is a problem. A country never fetched yet is not:
    a new installation is ready before the first scheduled run."""
    from django.utils import timezone

    from viaticos.exchange_fetch import fetch_countries
    from viaticos.fx_sources import ADAPTERS
    from viaticos.models import ExchangeRateFeed

    now = now or timezone.now()
    feeds = {feed.country: feed for feed in ExchangeRateFeed.objects.all()}
    problems = []
    # the configured countries, and any other one fetched by hand (`--country`)
    for country in dict.fromkeys([*fetch_countries(), *sorted(feeds)]):
        feed = feeds.get(country)
        if country not in ADAPTERS:
            problems.append(f"{country}: no exchange-rate adapter")
        elif feed is None:
            continue
        elif feed.failing:
            problems.append(
                f"{country} ({feed.source}): the fetch of {feed.last_attempt_at:%Y-%m-%d %H:%M} "
                f"failed: {feed.last_error[:200]}"
            )
        elif feed.last_success_at and (now - feed.last_success_at).days > max_age_days():
            problems.append(
                f"{country} ({feed.source}): no successful fetch since "
                f"{feed.last_success_at:%Y-%m-%d}"
            )
    return "; ".join(problems) or None
