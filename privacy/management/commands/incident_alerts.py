"""R-S4: alert the Oficial de Datos Personales and the deputy about incidents still to be
notified: at 24 hours and 8 hours before the 48 run out. Run every hour; idempotent."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from privacy.incidents import incident_alerts_send


class Command(BaseCommand):
    help = "Send the due alerts about security incidents (R-S4)."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="ISO date-time to run as (default: now)")

    def handle(self, *args, now=None, **options):
        if now:
            try:
                moment = dt.datetime.fromisoformat(now)
            except ValueError:
                raise CommandError(
                    "--now must be an ISO date-time, e.g. 2026-03-04T10:00"
                ) from None
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
        else:
            moment = timezone.now()
        sent = incident_alerts_send(now=moment)
        self.stdout.write(f"{len(sent)} incident alerts sent.")
