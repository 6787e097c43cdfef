"""Fetch the official exchange rates of the duty-station central banks (R-3.10), daily."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from viaticos.exchange_fetch import exchange_rates_fetch, fetch_countries


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{text!r} is not a date YYYY-MM-DD") from None


class Command(BaseCommand):
    help = (
        "Fetch the official exchange rates published by each country's central bank "
        "(VIATICOS_FX_COUNTRIES, default the duty country: PE = BCRP, GT = Banguat) and store "
        "them (R-3.10). Idempotent; a day without publication is no error; a failure is "
        "recorded, e-mailed to finance and makes the command exit non-zero."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--since",
            type=_date,
            help="First day to ask for (YYYY-MM-DD); default a week before the latest stored.",
        )
        parser.add_argument(
            "--date", type=_date, help="Today for the run (YYYY-MM-DD); default the local date."
        )
        parser.add_argument(
            "--country",
            action="append",
            help="ISO country code of a central bank to ask (repeatable); default the setting.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Ask the banks, store and send nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = options["date"] or timezone.localdate()
        if options["since"] and options["since"] > today:
            raise CommandError(f"--since {options['since']} is after today ({today})")
        reports = exchange_rates_fetch(
            today=today,
            countries=options["country"] or fetch_countries(),
            since=options["since"],
            dry_run=options["dry_run"],
        )
        failed = []
        for report in reports:
            if not report.ok:
                failed.append(report)
                self.stderr.write(f"{report.country}: FAILED: {report.error}")
                continue
            line = (
                f"{report.country} {report.source} {report.currency} {report.start}→{report.end}: "
                f"{report.published} days published"
            )
            if options["dry_run"]:
                line += " (dry run: nothing stored)"
                for rate in report.rates:
                    line += f"\n  {rate.date} {rate.units_per_usd}"
            else:
                line += f", {report.created} added, {report.updated} corrected"
            self.stdout.write(line)
        if failed:
            raise CommandError(
                f"{len(failed)} of {len(reports)} exchange-rate sources failed; finance was told."
            )
