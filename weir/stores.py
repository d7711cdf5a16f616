"""Redis clients built the same way by every entry point.

redis-py retries a failed command three times with up to seconds of backoff by default: a
receiver would then answer a provider after its 5 s timeout. One immediate retry covers a
pooled connection that Redis closed; past that, callers get the error at once and fail safe.

With ``WEIR_REDIS_SENTINELS`` set, every client here asks the Sentinels where the master is
whenever it opens a connection, so it follows a failover: the commands in flight when the
master dies fail (callers fail safe as when Redis is down), the next ones reach the new
master. This module is the one place that knows about Sentinel; Weir's own lean clients
(:mod:`throttling.lean_redis`, :mod:`receivers.pipelined_redis`) take the locators below.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import unquote, urlsplit

import redis
import redis.asyncio as aioredis
import redis.asyncio.sentinel
import redis.sentinel
from redis.asyncio.retry import Retry as AsyncRetry
from redis.backoff import NoBackoff
from redis.retry import Retry

from weir.settings import RedisSettings

__all__ = ["MasterLocator", "async_master_locator", "async_redis", "master_locator", "sync_redis"]

#: Where the master is now, as (host, port); raises redis-py's ``ConnectionError`` (its
#: ``MasterNotFoundError``) when no Sentinel names one.
MasterLocator = Callable[[], tuple[str, int]]


def sync_redis(settings: RedisSettings) -> redis.Redis:
    """A thread-safe client for workers and command-line tools."""
    timeout = settings.timeout_seconds
    if settings.sentinel_addresses:
        master: redis.Redis = _sentinel(settings).master_for(  # type: ignore[no-untyped-call]
            settings.sentinel_master,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry=Retry(NoBackoff(), 1),
            **_credentials(settings),
        )
        return master
    return redis.Redis.from_url(
        str(settings.url), socket_timeout=timeout, socket_connect_timeout=timeout, retry=Retry(NoBackoff(), 1)
    )


def async_redis(settings: RedisSettings) -> aioredis.Redis:
    """A client for the receivers' event loop; it connects on first use."""
    timeout = settings.timeout_seconds
    if settings.sentinel_addresses:
        sentinel = redis.asyncio.sentinel.Sentinel(  # type: ignore[no-untyped-call]
            settings.sentinel_addresses, sentinel_kwargs=_sentinel_kwargs(settings)
        )
        master: aioredis.Redis = sentinel.master_for(
            settings.sentinel_master,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry=AsyncRetry(NoBackoff(), 1),
            **_credentials(settings),
        )
        return master
    return aioredis.Redis.from_url(
        str(settings.url), socket_timeout=timeout, socket_connect_timeout=timeout, retry=AsyncRetry(NoBackoff(), 1)
    )


def master_locator(settings: RedisSettings) -> MasterLocator | None:
    """Asks the Sentinels for the master (blocking); ``None`` when there are no Sentinels."""
    if not settings.sentinel_addresses:
        return None
    sentinel, name = _sentinel(settings), settings.sentinel_master

    def locate() -> tuple[str, int]:
        host, port = sentinel.discover_master(name)  # type: ignore[no-untyped-call]
        return str(host), int(port)

    return locate


def async_master_locator(settings: RedisSettings) -> Callable[[], Coroutine[Any, Any, tuple[str, int]]] | None:
    """:func:`master_locator` for an event loop; ``None`` when there are no Sentinels.

    Each call asks the Sentinels in turn on connections of its own, closed after: it runs only
    when a client opens a connection, and holds nothing bound to an event loop in between.
    """
    if not settings.sentinel_addresses:
        return None
    addresses, name, kwargs = settings.sentinel_addresses, settings.sentinel_master, _sentinel_kwargs(settings)

    async def locate() -> tuple[str, int]:
        for host, port in addresses:
            sentinel = aioredis.Redis(host=host, port=port, **kwargs)
            try:
                reply: Any = await sentinel.sentinel_get_master_addr_by_name(name)
            except redis.RedisError:
                continue
            finally:
                await sentinel.aclose()
            if reply:
                master, master_port = reply
                return master.decode() if isinstance(master, bytes) else str(master), int(master_port)
        raise redis.sentinel.MasterNotFoundError(f"no Sentinel names a master for {name!r}")

    return locate


def _sentinel(settings: RedisSettings) -> redis.sentinel.Sentinel:
    return redis.sentinel.Sentinel(  # type: ignore[no-untyped-call]
        settings.sentinel_addresses, sentinel_kwargs=_sentinel_kwargs(settings)
    )


def _sentinel_kwargs(settings: RedisSettings) -> dict[str, Any]:
    """How a client reaches a Sentinel: the command timeout, and the Sentinels' password if any."""
    kwargs: dict[str, Any] = {
        "socket_timeout": settings.timeout_seconds,
        "socket_connect_timeout": settings.timeout_seconds,
    }
    if settings.sentinel_password is not None:
        kwargs["password"] = settings.sentinel_password.get_secret_value()
    return kwargs


def _credentials(settings: RedisSettings) -> dict[str, Any]:
    """The master's database, user and password, from ``WEIR_REDIS_URL``."""
    parts = urlsplit(str(settings.url))
    database = parts.path.strip("/")
    credentials: dict[str, Any] = {"db": int(database) if database else 0}
    if parts.password:
        credentials["password"] = unquote(parts.password)
    if parts.username:
        credentials["username"] = unquote(parts.username)
    return credentials
