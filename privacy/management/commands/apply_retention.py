"""The daily privacy job (cron), idempotent, with --dry-run:

1. R-A4: close as not filed the observed ARCO requests not corrected in time (letter sent);
2. R-T3: apply the retention policies;
3. delete the stored files no row references (viaticos.files.sweep_orphans).
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from privacy.retention import apply_retention, close_uncorrected_requests
from viaticos.commands import run_date
from viaticos.files import sweep_orphans


class Command(BaseCommand):
    help = (
        "Close ARCO requests not corrected in time (R-A4), then block, anonymize or delete "
        "personal data whose retention period has ended (R-T1…R-T4)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD (default: today at the duty station)")
        parser.add_argument("--dry-run", action="store_true", help="show, change nothing")

    def handle(self, *args, **options):
        today = run_date(options["date"])
        prefix = "[dry run] " if options["dry_run"] else ""
        closed = close_uncorrected_requests(today=today, dry_run=options["dry_run"])
        for request in closed:
            self.stdout.write(f"{prefix}R-A4 not filed {request.tracking_code}")
        self.stdout.write(f"{prefix}{len(closed)} ARCO request(s) closed as not filed.")
        steps = apply_retention(today=today, dry_run=options["dry_run"])
        for step in steps:
            held = f" (legal hold: {step.reason})" if step.held else ""
            self.stdout.write(f"{prefix}{step.action} {step.key} — {step.policy.category}{held}")
        self.stdout.write(f"{prefix}{len(steps)} action(s) on {today:%Y-%m-%d}.")
        # Files no row references (a worker killed between a file and its row): retention
        # and anonymization would never find them.
        orphans = sweep_orphans(now=timezone.now(), dry_run=options["dry_run"])
        for name in orphans:
            self.stdout.write(f"{prefix}orphan file removed {name}")
        self.stdout.write(f"{prefix}{len(orphans)} orphan file(s).")
