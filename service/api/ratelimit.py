"""Requests per API key, as a token bucket: ``rate_limit_burst`` requests at once, refilled at
``rate_limit_per_minute``; beyond that, 429 with ``Retry-After`` in the usual error shape.

One client in a loop (2,000 rapid requests in the audit) would otherwise take the database, the CPU and the
queue from every other workspace. The bucket lives in the process by default; with several API processes it
lives in Redis (``rate_limit_url``, or the queue URL when it is ``redis://``) so they share one count. Redis
trouble never fails a request: the limiter lets it through and logs, because a limiter outage must not become
an API outage.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
from collections import OrderedDict
from typing import Any, Protocol

from service.settings import Settings

logger = logging.getLogger(__name__)


class Limiter(Protocol):
    def acquire(self, key: str) -> float:
        """Take one token for ``key``: 0.0 when allowed, else the seconds until a token is available."""
        ...


class MemoryTokenBucket:
    """Per-process buckets; the least recently used are dropped past ``max_keys`` (a full bucket is the
    same as no bucket, so forgetting an idle key never lets anyone exceed the limit by much)."""

    def __init__(self, per_minute: float, burst: int, max_keys: int = 10_000) -> None:
        self.rate = per_minute / 60.0
        self.capacity = float(burst)
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def acquire(self, key: str, now: float | None = None) -> float:
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, stamp = self._buckets.pop(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + max(0.0, now - stamp) * self.rate)
            wait = 0.0
            if tokens >= 1.0:
                tokens -= 1.0
            else:
                wait = (1.0 - tokens) / self.rate
            self._buckets[key] = (tokens, now)
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
            return wait


# Atomic in Redis: refill from the server's clock, take a token or say how long to wait.
_LUA = """
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local data = redis.call('HMGET', KEYS[1], 'tokens', 'stamp')
local tokens = tonumber(data[1]) or capacity
local stamp = tonumber(data[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - stamp) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'stamp', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(capacity / rate) + 60)
return tostring(wait)
"""


class RedisTokenBucket:
    """The same bucket in Redis, shared by every API process."""

    def __init__(
        self, url: str, per_minute: float, burst: int, prefix: str = "frictionmap:ratelimit:"
    ) -> None:
        import redis

        self.rate = per_minute / 60.0
        self.capacity = float(burst)
        self.prefix = prefix
        self._client = redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
        self._script: Any = self._client.register_script(_LUA)

    def acquire(self, key: str) -> float:
        try:
            wait = self._script(keys=[self.prefix + key], args=[self.capacity, self.rate])
        except Exception as exc:  # fail open: see the module docstring
            logger.warning("rate limiter unavailable, request let through: %s", exc)
            return 0.0
        return float(wait.decode() if isinstance(wait, bytes) else wait)


def limiter_for(settings: Settings) -> Limiter | None:
    """None when limits are off (``rate_limit_per_minute`` 0)."""
    if settings.rate_limit_per_minute <= 0:
        return None
    url = settings.rate_limit_url or (settings.queue_url if settings.queue_url.startswith("redis") else "")
    if url:
        return RedisTokenBucket(url, settings.rate_limit_per_minute, settings.rate_limit_burst)
    return MemoryTokenBucket(settings.rate_limit_per_minute, settings.rate_limit_burst)


def bucket_key(api_key: str) -> str:
    """Buckets are named by a hash of the key, so the key itself is kept in neither memory nor Redis."""
    return hashlib.sha256(api_key.encode()).hexdigest()[:32]


def retry_after(wait_s: float) -> str:
    return str(max(1, math.ceil(wait_s)))
