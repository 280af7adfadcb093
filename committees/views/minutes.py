"""The minutes of a meeting as a PDF."""

from __future__ import annotations

urlpatterns: list = []
