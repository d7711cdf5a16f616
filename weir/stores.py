"""Redis clients built the same way by every entry point.

redis-py retries a failed command three times with up to seconds of backoff by default: a
receiver would then answer a provider after its 5 s timeout. One immediate retry covers a
pooled connection that Redis closed; past that, callers get the error at once and fail safe.
"""

from __future__ import annotations

import redis
import redis.asyncio as aioredis
from redis.asyncio.retry import Retry as AsyncRetry
from redis.backoff import NoBackoff
from redis.retry import Retry

from weir.settings import RedisSettings

__all__ = ["async_redis", "sync_redis"]


def sync_redis(settings: RedisSettings) -> redis.Redis:
    """A thread-safe client for workers and command-line tools."""
    return redis.Redis.from_url(
        str(settings.url),
        socket_timeout=settings.timeout_seconds,
        socket_connect_timeout=settings.timeout_seconds,
        retry=Retry(NoBackoff(), 1),
    )


def async_redis(settings: RedisSettings) -> aioredis.Redis:
    """A client for the receivers' event loop; it connects on first use."""
    return aioredis.Redis.from_url(
        str(settings.url),
        socket_timeout=settings.timeout_seconds,
        socket_connect_timeout=settings.timeout_seconds,
        retry=AsyncRetry(NoBackoff(), 1),
    )
