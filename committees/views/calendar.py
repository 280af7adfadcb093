"""Calendar feeds (ICS) of committees' meetings."""

from __future__ import annotations

urlpatterns: list = []
