"""The daily fetch of official exchange rates from the duty-station central banks (R-3.10).

`exchange_rates_fetch` asks each configured country's adapter (viaticos.fx_sources) for the days
since its latest stored rate (a few days back, to pick up corrections), stores what was
published (idempotent: an identical rate is left alone) and records how it went in
ExchangeRateFeed. A failure is never silent: it is recorded (read by
`viaticos.exchange.rates_fetch_problem`, for /readyz) and e-mailed to finance.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from viaticos.exchange import ExchangeRateRow, exchange_rates_store
from viaticos.fx_sources import (
    ADAPTERS,
    Banguat,
    Bcrp,
    Http,
    PublishedRate,
    SourceError,
    UrllibHttp,
)
from viaticos.models import ExchangeRate, ExchangeRateFeed
from viaticos.roles import Role
from viaticos.rules_registry import enforces

logger = logging.getLogger(__name__)

# Ask again for the days just before the latest stored rate: a bank may correct a day.
LOOKBACK_DAYS = 7
# With nothing stored yet, start this many days back (enough for VIATICOS_FX_MAX_AGE_DAYS).
FIRST_RUN_DAYS = 31


@dataclass
class FetchReport:
    country: str
    source: str = ""
    currency: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    published: int = 0
    created: int = 0
    updated: int = 0
    latest: dt.date | None = None
    error: str = ""
    rates: list[PublishedRate] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.error


def fetch_countries() -> list[str]:
    return list(
        getattr(settings, "VIATICOS_FX_COUNTRIES", None) or [settings.VIATICOS_DUTY_COUNTRY]
    )


def _start_for(adapter: Bcrp | Banguat, today: dt.date) -> dt.date:
    latest = (
        ExchangeRate.objects.filter(currency=adapter.currency, source=adapter.source)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    if latest is None:
        return today - dt.timedelta(days=FIRST_RUN_DAYS)
    return min(latest, today) - dt.timedelta(days=LOOKBACK_DAYS)


def finance_emails() -> list[str]:
    """The Finance Director and the General Accountant: who must act when rates stop coming."""
    return sorted(
        set(
            get_user_model()
            .objects.filter(
                groups__name__in=[Role.FINANCE_DIRECTOR.value, Role.GENERAL_ACCOUNTANT.value],
                is_active=True,
            )
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )


def _notify_failure(report: FetchReport) -> None:
    recipients = finance_emails()
    if not recipients:
        logger.error("exchange-rate fetch failed and nobody in finance has an e-mail: %s", report)
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("The official exchange rates of %(source)s could not be fetched") % {
            "source": report.source or report.country
        }
        body = "\n\n".join(
            [
                subject + ".",
                _("Country %(country)s, currency %(currency)s, days %(start)s to %(end)s.")
                % {
                    "country": report.country,
                    "currency": report.currency or "?",
                    "start": report.start or "?",
                    "end": report.end or "?",
                },
                _("Error: %(error)s") % {"error": report.error},
                _(
                    "Receipts dated after the latest stored rate stay pending until the rate "
                    "arrives. The job tries again on its next run; meanwhile the rates can be "
                    "imported from a file with `manage.py import_exchange_rates`."
                ),
            ]
        )
    send_mail(subject, body, None, recipients, fail_silently=True)


@enforces("R-3.10")
def exchange_rates_fetch(
    *,
    today: dt.date,
    countries: list[str] | None = None,
    since: dt.date | None = None,
    dry_run: bool = False,
    http: Http | None = None,
) -> list[FetchReport]:
    """R-3.10: fetch and store the official rates of each country's central bank.

    One report per country; a country's failure does not stop the others. With `dry_run` the
    banks are asked but nothing is stored, recorded or sent.
    """
    http = http or UrllibHttp()
    reports = []
    for country in countries or fetch_countries():
        country = country.upper()
        report = FetchReport(country=country)
        reports.append(report)
        adapter = ADAPTERS.get(country)
        if adapter is None:
            report.error = f"no exchange-rate adapter for country {country} (viaticos.fx_sources)"
        else:
            report.source, report.currency = adapter.source, adapter.currency
            report.start = since or _start_for(adapter, today)
            report.end = today
            try:
                if report.start > report.end:
                    raise SourceError(f"--since {report.start} is after today ({today})")
                published = [
                    rate
                    for rate in adapter.fetch(report.start, report.end, http)
                    if report.start <= rate.date <= report.end
                ]
            except SourceError as error:
                report.error = str(error)
            else:
                report.published = len(published)
                report.rates = published
                report.latest = max((rate.date for rate in published), default=None)
        if dry_run:
            continue
        _record(report)
    return reports


def _record(report: FetchReport) -> None:
    now = timezone.now()
    with transaction.atomic():
        if report.ok:
            rows = [
                ExchangeRateRow(0, report.currency, rate.date, rate.units_per_usd, report.source)
                for rate in report.rates
            ]
            report.created, report.updated = exchange_rates_store(
                rows=rows, reason="fetch_exchange_rates"
            )
        feed, _created = ExchangeRateFeed.objects.select_for_update().get_or_create(
            country=report.country,
            defaults={"source": report.source, "currency": report.currency},
        )
        feed.source = report.source or feed.source
        feed.currency = report.currency or feed.currency
        feed.last_attempt_at = now
        if report.ok:
            feed.last_success_at = now
            feed.last_error = ""
            if report.latest and (
                feed.latest_rate_date is None or report.latest > feed.latest_rate_date
            ):
                feed.latest_rate_date = report.latest
        else:
            feed.last_error = report.error[:2000]
        feed.save()
        if not report.ok:
            logger.error("exchange-rate fetch failed: %s: %s", report.country, report.error)
            transaction.on_commit(lambda: _notify_failure(report))
