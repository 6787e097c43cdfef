"""R-3.1d, daily: remind pending approvals and escalate old ones to the alternates."""

from django.core.management.base import BaseCommand

from missions import services
from viaticos.commands import run_date


class Command(BaseCommand):
    help = (
        "Remind approvers of requests pending for VIATICOS_APPROVAL_REMINDER_BUSINESS_DAYS and "
        "escalate to the alternates after VIATICOS_APPROVAL_ESCALATION_BUSINESS_DAYS (R-3.1d). "
        "Idempotent: each notice is sent once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Day to evaluate (YYYY-MM-DD); default: today.")
        parser.add_argument("--dry-run", action="store_true", help="Show, send nothing.")

    def handle(self, *args, date=None, dry_run=False, **options):
        run = services.approvals_remind(today=run_date(date), dry_run=dry_run)
        for line in run.lines:
            self.stdout.write(line)
        prefix = "dry run: " if dry_run else ""
        self.stdout.write(
            f"{prefix}{run.reminders} reminders, {run.escalations} escalations; "
            f"{run.stuck} approvals nobody can give (see approvals_stuck)."
        )
