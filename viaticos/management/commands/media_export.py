"""Copy every stored file (uploads, stamped copies, built PDFs) from the configured storage,
local or S3-compatible, into a folder: what scripts/backup.sh archives and hashes."""

from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

from django.core.files.storage import Storage, default_storage
from django.core.management.base import BaseCommand, CommandParser


def walk(storage: Storage, prefix: str = "") -> Iterator[str]:
    directories, files = storage.listdir(prefix)
    for name in files:
        yield f"{prefix}{name}"
    for directory in directories:
        yield from walk(storage, f"{prefix}{directory}/")


class Command(BaseCommand):
    help = "Copy every stored file into FOLDER (for backups; works with both storages)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder")

    def handle(self, *args: Any, folder: str, **options: Any) -> None:
        root = Path(folder)
        count = 0
        for name in walk(default_storage):
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with default_storage.open(name, "rb") as source, open(target, "wb") as out:
                for chunk in iter(partial(source.read, 1 << 20), b""):
                    out.write(chunk)
            count += 1
        self.stdout.write(f"Exported {count} files to {root}.")
