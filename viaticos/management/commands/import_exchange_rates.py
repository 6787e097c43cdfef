"""Import official exchange rates from a CSV file (R-3.10); all or nothing."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from viaticos.exchange import CSV_FORMAT_HELP, ExchangeRateFileError, exchange_rates_import


class Command(BaseCommand):
    help = "Import official exchange rates (R-3.10). " + CSV_FORMAT_HELP

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", help="Path of the CSV file, e.g. fixtures/exchange_rates_sample.csv"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path}: not UTF-8 text") from None
        try:
            created, updated = exchange_rates_import(text=text)
        except ExchangeRateFileError as error:
            raise CommandError(f"{path}: {error}; nothing was imported") from None
        self.stdout.write(self.style.SUCCESS(f"{path}: {created} rates added, {updated} replaced."))
