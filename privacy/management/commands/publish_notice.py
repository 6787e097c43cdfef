"""R-P1: publish a new version of the privacy notice built from the registers."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from privacy.notice_builder import notice_publish
from viaticos.errors import DomainError


class Command(BaseCommand):
    help = "Publish a new notice version generated from the registers (R-P1)."

    def add_arguments(self, parser):
        parser.add_argument("version")
        parser.add_argument("--effective", required=True, help="YYYY-MM-DD")

    def handle(self, *args, version, effective, **options):
        try:
            notice = notice_publish(version=version, effective_on=dt.date.fromisoformat(effective))
        except (ValueError, DomainError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Notice {notice.version} published (SHA-256 {notice.content_hash}).")
