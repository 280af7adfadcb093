"""``manage.py backup [-o FILE]``: the database and the uploaded files in one tar file (see quartier/backup.py)."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from quartier.backup import backup


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one tar file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", help="The tar file (default: var/backups/quartier-<time>.tar).")

    def handle(self, *args: Any, **options: Any) -> None:
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = Path(options["output"] or Path(settings.BASE_DIR) / "var" / "backups" / f"quartier-{stamp}.tar")
        backup(target)
        self.stdout.write(f"{target}: {target.stat().st_size} bytes")
