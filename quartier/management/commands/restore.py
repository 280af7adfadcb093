"""``manage.py restore FILE --yes``: replace the database and the uploaded files with a backup's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from quartier.backup import restore


class Command(BaseCommand):
    help = "Replace the database and the uploaded files with those of a backup (made by `manage.py backup`)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The backup's tar file.")
        parser.add_argument("--yes", action="store_true", help="Yes, overwrite the current data.")

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["file"])
        if not source.is_file():
            raise CommandError(f"{source} does not exist.")
        if not options["yes"]:
            raise CommandError("This overwrites the current database and files: add --yes to go on.")
        try:
            restore(source)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored from {source}.")
