"""enforce_deadlines [--date YYYY-MM-DD] [--dry-run]: the daily deadline job (SPEC §4, §7).

Run it once a day (cron: `15 6 * * 1-5 cd /srv/viaticos && .venv/bin/python manage.py
enforce_deadlines`). Running it twice on the same date changes nothing the second time.
"""

from __future__ import annotations

import holidays
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from deadlines.enforcement import DEFAULT_BATCH_SIZE, deduction_grace, enforce_deadlines
from viaticos.business_days import duty_calendar
from viaticos.commands import run_date

MAX_ACTIONS_LISTED = 50


class Command(BaseCommand):
    help = (
        "Enforce settlement deadlines: reminders (R-3.3), documentation requirements (R-3.4), "
        "entity blocks (R-3.13) and payroll deduction orders (R-8b). Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="The day to evaluate, YYYY-MM-DD (default: today).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be done; write nothing."
        )
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)

    def handle(self, *args, date=None, dry_run=False, batch_size=DEFAULT_BATCH_SIZE, **options):
        today = run_date(date)
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        country = getattr(settings, "VIATICOS_DUTY_COUNTRY", "")
        try:
            holidays.country_holidays(country)
        except (NotImplementedError, KeyError, TypeError):
            raise CommandError(
                f"No duty-station calendar: VIATICOS_DUTY_COUNTRY={country!r} is not a country "
                "the holidays calendar knows. Set it to an ISO 3166-1 alpha-2 code such as PE."
            ) from None
        try:
            grace = deduction_grace()
        except ValueError as error:
            raise CommandError(str(error)) from None

        def progress(done, total):
            if total > batch_size:
                self.stdout.write(f"  … {done}/{total} advances examined")

        summary = enforce_deadlines(
            today=today,
            dry_run=dry_run,
            calendar=duty_calendar(),
            grace=grace,
            batch_size=batch_size,
            progress=progress,
        )
        verb = "Would do —" if dry_run else "Done —"
        self.stdout.write(
            f"enforce_deadlines {today:%Y-%m-%d}{' (dry run: nothing written)' if dry_run else ''}"
        )
        if not summary.business_day:
            self.stdout.write(
                f"{today:%Y-%m-%d} is not a business day on the duty-station calendar: no "
                "notices or orders are issued today."
            )
        for line in summary.actions[:MAX_ACTIONS_LISTED] if dry_run else []:
            self.stdout.write(f"  {line}")
        if dry_run and len(summary.actions) > MAX_ACTIONS_LISTED:
            self.stdout.write(f"  … and {len(summary.actions) - MAX_ACTIONS_LISTED} more")
        self.stdout.write(
            f"{verb} examined {summary.examined} advances pending settlement; "
            f"reminders {summary.reminders}; requirements {summary.requirements} "
            f"({summary.requirements_late} late); entity blocks {summary.blocks}; "
            f"deduction orders {summary.deductions}; sanctions lifted {summary.lifted}; "
            f"requirement e-mails re-sent {summary.notices_resent}."
        )
