"""Abuse kept out of the public forms (a new application, an answer to a survey) without a captcha: a honeypot
field (``HONEYPOT``, ``templates/includes/honeypot.html``) and a limit of actions per client address and hour,
without keeping the address: only a hash of it, in the cache, for an hour; never in the database."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

#: How long a count lasts, in seconds.
RATE_WINDOW = 60 * 60

#: The honeypot: a field people never see or reach. Named so that form-filling bots like it.
HONEYPOT = "homepage"


def too_many(response: HttpResponse) -> HttpResponse:
    """``response`` (the page that says so, status 429) with when to try again."""
    response["Retry-After"] = str(RATE_WINDOW)
    return response


@dataclass(frozen=True)
class RateLimit:
    """At most ``settings.<setting>`` actions of ``scope`` per client address (``quartier.net.client_address``)
    within ``RATE_WINDOW``."""

    scope: str
    setting: str

    def _key(self, address: str) -> str:
        return f"{self.scope}:" + hashlib.sha256(address.encode()).hexdigest()[:32]

    def reached(self, address: str) -> bool:
        return (cache.get(self._key(address)) or 0) >= getattr(settings, self.setting)

    def count(self, address: str) -> None:
        key = self._key(address)
        cache.add(key, 0, timeout=RATE_WINDOW)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=RATE_WINDOW)
