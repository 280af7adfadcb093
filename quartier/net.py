"""Where a request came from (for the public form's rate limit and the login throttle alike), and where it may
safely go next."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def client_address(request: HttpRequest) -> str:
    """The address the request came from; behind our reverse proxy (``BEHIND_PROXY``) the last address it
    added to ``X-Forwarded-For`` (the ones before it are whatever the client claimed)."""
    if settings.BEHIND_PROXY:
        forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The ``next`` address the form came from, if it is one of ours; ``fallback`` otherwise.

    Only a path is taken: ``redirect()`` would read anything else without a slash as the name of a view
    (``next=0`` was a server error)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback
