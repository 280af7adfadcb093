from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from quartier.services import sync_all_role_permissions


class Command(BaseCommand):
    help = "Bring every user's stored area permissions in line with the role matrix (also runs after migrate)."

    def handle(self, *args: Any, **options: Any) -> None:
        sync_all_role_permissions()
        self.stdout.write(self.style.SUCCESS("Role permissions are in line with the matrix."))
