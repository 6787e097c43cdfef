"""R-T3: apply the retention policies (daily, from cron); idempotent, with --dry-run."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from privacy.retention import apply_retention


class Command(BaseCommand):
    help = "Block, anonymize or delete personal data whose retention period has ended (R-T1…R-T4)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD (default: today at the duty station)")
        parser.add_argument("--dry-run", action="store_true", help="show, change nothing")

    def handle(self, *args, **options):
        today = timezone.localdate()
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("--date must be YYYY-MM-DD") from None
        steps = apply_retention(today=today, dry_run=options["dry_run"])
        prefix = "[dry run] " if options["dry_run"] else ""
        for step in steps:
            held = f" (legal hold: {step.reason})" if step.held else ""
            self.stdout.write(f"{prefix}{step.action} {step.key} — {step.policy.category}{held}")
        self.stdout.write(f"{prefix}{len(steps)} action(s) on {today:%Y-%m-%d}.")
