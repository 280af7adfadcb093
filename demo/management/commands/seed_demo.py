from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo.accounts import DEMO_PASSWORD
from demo.seed import seed_demo


class Command(BaseCommand):
    help = "Create the demo data (idempotent). Refuses to run with DEBUG off unless --force."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=["small", "large"], default="small")
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args: Any, scale: str, force: bool, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like a production database. "
                "Demo users have a publicly known password. Use --force if you really want them."
            )
        counts = seed_demo(scale=scale)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready ({scale}): {counts['areas']} areas, {counts['users']} users. "
                f"Password of every demo user: {DEMO_PASSWORD}"
            )
        )
