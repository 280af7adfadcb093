"""A limit of actions per client address and hour for the public forms (a new application, an answer to a
survey), without keeping the address: only a hash of it, in the cache, for an hour; never in the database."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

#: How long a count lasts, in seconds.
RATE_WINDOW = 60 * 60


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
