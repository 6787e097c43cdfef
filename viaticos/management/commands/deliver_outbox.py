"""Deliver the outgoing e-mails that are due (retries after a failure), and forget the sent
ones older than VIATICOS_OUTBOX_KEEP_DAYS. For the embedded mode (no broker) from cron, e.g.
every five minutes; with Celery, beat runs the same sweep every minute."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from viaticos import outbox
from viaticos.locks import single_run


class Command(BaseCommand):
    help = "Deliver the queued e-mails that are due (viaticos.outbox)."

    def handle(self, *args: Any, **options: Any) -> None:
        with single_run("deliver_outbox") as held:
            if not held:
                self.stdout.write("Another delivery run is in course: nothing done.")
                return
            counts = outbox.deliver_due()
            keep = getattr(settings, "VIATICOS_OUTBOX_KEEP_DAYS", 30)
            purged = outbox.purge_sent(before=timezone.now() - dt.timedelta(days=keep))
        self.stdout.write(
            f"Sent {counts['sent']}, failed {counts['failed']}, forgotten {purged} sent."
        )
