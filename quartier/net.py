"""Where a request came from (for the public form's rate limit and the login throttle alike), and where it may
safely go next."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def client_address(request: HttpRequest) -> str:
    """The address the request came from, as the limits count it; behind our reverse proxy (``BEHIND_PROXY``)
    the last address it added to ``X-Forwarded-For`` (the ones before it are whatever the client claimed).

    An IPv6 address counts as its /64 network (``2001:db8:1:2::``): a connection is given a whole one and may
    use any address in it, so each of them would otherwise be a fresh start at the login throttle and the
    public form's limit."""
    address = request.META.get("REMOTE_ADDR", "")
    if settings.BEHIND_PROXY:
        forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
        if forwarded:
            address = forwarded[-1]
    return counted_address(address)


def counted_address(address: str) -> str:
    """``address`` as the limits count it: IPv4 as it is (also when written as IPv6), IPv6 by its /64 network."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False).network_address)
    return str(parsed)


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


def on_site(path: str) -> str:
    """``path`` (an absolute path, as ``reverse`` gives it) at the address people reach the office at
    (``SITE_URL``): the links of mails, calendar feeds and open data."""
    return settings.SITE_URL.rstrip("/") + path
