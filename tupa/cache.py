"""A Redis cache that fails soft: an unreachable Redis is a miss, never an error.

The cache holds nothing that cannot be rebuilt (docs/OPERATIONS.md), so when Redis is down
or slow a read answers "not cached" and a write is dropped; the request goes on with the
database. Without this, a booking that committed was answered 500 because the feed
invalidation after the commit raised `ConnectionError` (issue 13).

Short socket timeouts bound what one call can cost, and after a failure the cache stays
"open" (every call a miss, without touching the network) for `RETRY_AFTER` seconds, so a
Redis that blackholes packets costs one timeout per process every few seconds instead of
one per call. Failures are logged, at most once per open period.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

log = logging.getLogger(__name__)

DEFAULT_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}


class FailSoftRedisCache(RedisCache):
    RETRY_AFTER = 5.0  # seconds a failed Redis is left alone before the next try

    def __init__(self, server, params):
        params = dict(params)
        options = {**DEFAULT_OPTIONS, **params.get("OPTIONS", {})}
        self.retry_after = float(options.pop("retry_after", self.RETRY_AFTER))
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._down_until = 0.0
        self._lock = threading.Lock()

    # -- the breaker ------------------------------------------------------------------

    @property
    def available(self) -> bool:
        """False while a recent failure keeps the cache open (calls are misses)."""
        return time.monotonic() >= self._down_until

    def _failed(self, operation: str, exc: Exception) -> None:
        with self._lock:
            first = self.available
            self._down_until = time.monotonic() + self.retry_after
        if first:
            log.warning(
                "cache unreachable (%s: %s); serving without it for %.0f s",
                operation,
                exc,
                self.retry_after,
            )

    def _call(self, operation: str, default, *args, **kwargs):
        if not self.available:
            return default
        import redis

        try:
            return getattr(super(), operation)(*args, **kwargs)
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError) as exc:
            self._failed(operation, exc)
            return default

    def ping(self) -> bool:
        """Ask Redis itself, breaker or not (for /healthz)."""
        import redis

        try:
            ok = bool(self._cache.get_client(write=True).ping())
        except (redis.exceptions.RedisError, OSError) as exc:
            self._failed("ping", exc)
            return False
        with self._lock:
            self._down_until = 0.0
        return ok

    # -- BaseCache ----------------------------------------------------------------------
    # add() answers True when Redis is down: callers such as allauth's cache lock spin
    # until add() succeeds, and a lock nobody else can see either is no lock to wait for.

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", True, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._call("set", None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def incr(self, key, delta=1, version=None):
        # A counter that cannot be read starts again: the caller gets a fresh value
        # rather than an error (feed versions and counters are hints, not records).
        return self._call("incr", delta, key, delta, version)

    def decr(self, key, delta=1, version=None):
        return self._call("incr", -delta, key, -delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", [], data, timeout, version)

    def delete_many(self, keys, version=None):
        self._call("delete_many", None, keys, version)

    def clear(self):
        return self._call("clear", False)


def cache_status(alias: str = "default") -> str:
    """ "ok", "unavailable" or "local" (a per-process cache, nothing to be down) for /healthz."""
    from django.core.cache import caches

    backend = caches[alias]
    if isinstance(backend, FailSoftRedisCache):
        return "ok" if backend.ping() else "unavailable"
    if isinstance(backend, RedisCache):
        try:
            backend._cache.get_client(write=True).ping()
        except Exception:  # noqa: BLE001 - any failure of the cache means it is down
            return "unavailable"
        return "ok"
    return "ok"
