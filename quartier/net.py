"""Where a request came from: for the public form's rate limit and the login throttle alike."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The address the request came from; behind our reverse proxy (``BEHIND_PROXY``) the last address it
    added to ``X-Forwarded-For`` (the ones before it are whatever the client claimed)."""
    if settings.BEHIND_PROXY:
        forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")
