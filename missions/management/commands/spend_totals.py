"""spend_totals [--rebuild]: check the monthly spend totals against the advances.

The dashboard's spend charts read totals that the disbursement service keeps (missions.spend).
Without options this compares them with the advances and exits with status 1 if they differ;
--rebuild recomputes them (after loading advances by other means than the application, such
as a data import).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from missions import spend

MAX_LISTED = 20


class Command(BaseCommand):
    help = "Check the monthly spend totals against the disbursed advances; --rebuild them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild", action="store_true", help="Recompute the totals from the advances."
        )

    def handle(self, *args, rebuild=False, **options):
        if rebuild:
            rows = spend.rebuild()
            self.stdout.write(self.style.SUCCESS(f"Rebuilt the monthly spend totals: {rows} rows."))
            return
        found = spend.differences()
        if not found:
            self.stdout.write(self.style.SUCCESS("The monthly spend totals match the advances."))
            return
        for d in found[:MAX_LISTED]:
            self.stdout.write(
                f"  {d.series} {d.key}, {d.month:%Y-%m}: kept {d.kept} USD, advances {d.actual} USD"
            )
        if len(found) > MAX_LISTED:
            self.stdout.write(f"  … and {len(found) - MAX_LISTED} more")
        raise CommandError(
            f"{len(found)} monthly spend totals differ from the advances; "
            "run `manage.py spend_totals --rebuild`."
        )
