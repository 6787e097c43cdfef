"""Run after every restore from backup (scripts/restore.sh): erase again the people and the data
erased since the backup was taken (privacy/erasures.py). Idempotent, with --dry-run."""

from pathlib import Path

from django.core.management.base import BaseCommand

from privacy.erasures import erasure_log_path, erasures_replay


class Command(BaseCommand):
    help = "Erase again what the erasure log lists and the restored database still holds."

    def add_arguments(self, parser):
        parser.add_argument("--log", help="the erasure log (default: PRIVACY_ERASURE_LOG)")
        parser.add_argument("--dry-run", action="store_true", help="show, change nothing")

    def handle(self, *args, **options):
        path = Path(options["log"]) if options["log"] else erasure_log_path()
        done = erasures_replay(path=path, dry_run=options["dry_run"])
        prefix = "[dry run] " if options["dry_run"] else ""
        for what, scope in done:
            self.stdout.write(f"{prefix}erased again: {what} ({scope})")
        self.stdout.write(f"{prefix}{len(done)} erasure(s) replayed from {path}")
