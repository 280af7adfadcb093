"""The cache backend: Django's Redis cache, with one Redis client per connection pool instead of a new one for each
call (building a ``redis.Redis`` copies its 170 response callbacks, which cost more than the call's round trip)."""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class _ClientPerPool(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:  # a client is thread-safe: it takes a connection from the pool for each command
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class QuartierRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _ClientPerPool
