"""Sample exchange rates for the demo (R-3.10): a year of daily figures for the currencies the
demo's travelers spend, so that any demo receipt converts without network or admin work.

They are NOT official rates: each is stored with the source `SAMPLE_SOURCE`, which every
converted amount shows beside it. Figures move smoothly around a typical level of each
currency (deterministic, no randomness), on business days only, as most central banks publish.
In production, rates come from `fetch_exchange_rates` or `import_exchange_rates`.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from viaticos.exchange import ExchangeRateRow, rates_changed
from viaticos.models import ExchangeRate

SAMPLE_SOURCE = "Muestra demo (no oficial)"

# Typical units per US dollar and how far a sample year wanders around it (fraction).
SAMPLE_LEVELS: dict[str, tuple[Decimal, float]] = {
    "PEN": (Decimal("3.37"), 0.02),
    "GTQ": (Decimal("7.66"), 0.004),
    "HNL": (Decimal("26.20"), 0.01),
    "NIO": (Decimal("36.80"), 0.002),
    "CRC": (Decimal("505.00"), 0.02),
    "MXN": (Decimal("18.40"), 0.04),
    "EUR": (Decimal("0.86"), 0.03),
}


def sample_rate(currency: str, day: dt.date) -> Decimal:
    level, swing = SAMPLE_LEVELS[currency]
    phase = day.toordinal() / 365.0 * 2 * math.pi
    wave = math.sin(phase + len(currency) + ord(currency[0])) + 0.3 * math.sin(5 * phase)
    return (level * Decimal(str(1 + swing * wave / 1.3))).quantize(Decimal("0.0001"))


def sample_rows(*, end: dt.date, days: int = 365) -> list[ExchangeRateRow]:
    rows = []
    for offset in range(days + 1):
        day = end - dt.timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        for currency in SAMPLE_LEVELS:
            rows.append(
                ExchangeRateRow(0, currency, day, sample_rate(currency, day), SAMPLE_SOURCE)
            )
    return rows


def demo_rates_load(*, today: dt.date) -> int:
    """Store the sample year ending `today`, leaving any rate already stored for a day (fetched
    or imported) as it is; returns how many were added. In bulk (with their history rows):
    about 1,800 rates."""
    from django.db import transaction
    from simple_history.utils import bulk_create_with_history

    rows = sample_rows(end=today)
    with transaction.atomic():
        taken = set(
            ExchangeRate.objects.filter(
                currency__in=SAMPLE_LEVELS, date__gte=min(row.date for row in rows)
            ).values_list("currency", "date")
        )
        new = [
            ExchangeRate(
                currency=row.currency,
                date=row.date,
                units_per_usd=row.units_per_usd,
                source=row.source,
            )
            for row in rows
            if (row.currency, row.date) not in taken
        ]
        bulk_create_with_history(
            new, ExchangeRate, batch_size=500, default_change_reason="load_demo: sample rates"
        )
        changes: dict[str, set[dt.date]] = {}
        for rate in new:
            changes.setdefault(rate.currency, set()).add(rate.date)
        if changes:
            rates_changed.send(sender=ExchangeRate, changes=changes)
    return len(new)
