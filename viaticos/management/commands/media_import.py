"""Put every file of a folder into the configured storage under the same name (a restore into
an empty MEDIA_ROOT or bucket); a name already stored stops the import before anything is
written, so a restore never mixes two installations' files."""

from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Store every file of FOLDER under the same name (restores; both storages)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder")

    def handle(self, *args: Any, folder: str, **options: Any) -> None:
        root = Path(folder)
        files = sorted(p for p in root.rglob("*") if p.is_file())
        names = [p.relative_to(root).as_posix() for p in files]
        taken = [name for name in names if default_storage.exists(name)]
        if taken:
            raise CommandError(
                f"{len(taken)} files already stored (e.g. {taken[0]}): restore "
                "into an empty storage."
            )
        for path, name in zip(files, names, strict=True):
            with open(path, "rb") as handle:
                stored = default_storage.save(name, File(handle))
            if stored != name:
                raise CommandError(f"{name} was stored as {stored}")
        self.stdout.write(f"Imported {len(names)} files.")
