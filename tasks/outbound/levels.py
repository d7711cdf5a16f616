"""Which stock level a channel was last told, so an older level never overwrites a newer one.

Per channel and SKU, a hash ``<namespace>:outbound:stock:<channel>:<sku>`` in Redis holds
``latest``, the newest version the outbound process published (raised before it publishes), and
``sent`` with ``available``, the version and quantity last told the channel. A notice older than
``latest``, or not newer than ``sent``, is superseded: a newer one is on its way or told already.
A notice whose quantity is what the channel was last told is unchanged: no call is made. Judging
and telling run under a short lock per channel and SKU, so two workers never race one SKU.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Literal, TypeVar

import redis

from events.outbound import StockNotice
from throttling import GateUnavailable

__all__ = ["ShippedMarks", "StockLevels", "Verdict"]

T = TypeVar("T")

Verdict = Literal["send", "superseded", "unchanged"]

# KEYS[1] the SKU's hash. ARGV[1] a version. Raises ``latest`` to it; returns 1 if it rose.
_ANNOUNCE = """
local latest = tonumber(redis.call("HGET", KEYS[1], "latest") or "-1")
if tonumber(ARGV[1]) <= latest then return 0 end
redis.call("HSET", KEYS[1], "latest", ARGV[1])
return 1
"""

# KEYS[1] the SKU's hash. ARGV[1] the version told, ARGV[2] its quantity. Raises ``sent``.
_SENT = """
local sent = tonumber(redis.call("HGET", KEYS[1], "sent") or "-1")
if tonumber(ARGV[1]) <= sent then return 0 end
redis.call("HSET", KEYS[1], "sent", ARGV[1], "available", ARGV[2])
return 1
"""

# KEYS[1] a lock. ARGV[1] the holder's token. Releases it only if it is still the holder's.
_RELEASE = """
if redis.call("GET", KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call("DEL", KEYS[1])
"""


class StockLevels:
    """The stock levels told to channels, in ``namespace``. ``lease_ms`` bounds how long a worker
    that died holds a SKU's lock (keep it above a writer's slowest call)."""

    def __init__(self, client: redis.Redis, namespace: str, *, lease_ms: int = 60_000) -> None:
        self._client = client
        self._prefix = f"{namespace}:outbound:stock:"
        self._lease_ms = lease_ms

    def announce(self, channel: str, sku: str, version: int) -> None:
        """Record ``version`` as the newest published for ``sku`` on ``channel``.

        Raises:
            GateUnavailable: Redis did not answer.
        """
        self._call(lambda: self._client.eval(_ANNOUNCE, 1, self._key(channel, sku), version))

    def judge(self, channel: str, notice: StockNotice) -> Verdict:
        """Whether ``notice`` is to be told to ``channel``."""
        latest, sent, available = self._call(
            lambda: self._client.hmget(self._key(channel, notice.sku), ["latest", "sent", "available"])
        )
        if (latest is not None and notice.version < int(latest)) or (sent is not None and notice.version <= int(sent)):
            return "superseded"
        if available is not None and int(available) == notice.available:
            self.record_sent(channel, notice)
            return "unchanged"
        return "send"

    def record_sent(self, channel: str, notice: StockNotice) -> None:
        """Record that ``channel`` was told ``notice``."""
        key = self._key(channel, notice.sku)
        self._call(lambda: self._client.eval(_SENT, 1, key, notice.version, notice.available))

    def sent(self, channel: str, sku: str) -> int | None:
        """The quantity ``channel`` was last told of ``sku``, if any."""
        available = self._call(lambda: self._client.hget(self._key(channel, sku), "available"))
        return None if available is None else int(available)

    def hold(self, channel: str, sku: str) -> str | None:
        """A token holding ``sku``'s lock on ``channel``, or ``None`` while another worker holds it."""
        token = secrets.token_hex(8)
        key = self._key(channel, sku) + ":lock"
        taken = self._call(lambda: self._client.set(key, token, nx=True, px=self._lease_ms))
        return token if taken else None

    def release(self, channel: str, sku: str, token: str) -> None:
        """Give the lock back, if it is still ``token``'s."""
        key = self._key(channel, sku) + ":lock"
        self._call(lambda: self._client.eval(_RELEASE, 1, key, token))

    def _key(self, channel: str, sku: str) -> str:
        return f"{self._prefix}{channel}:{sku}"

    @staticmethod
    def _call(command: Callable[[], T]) -> T:
        try:
            return command()
        except redis.RedisError as exc:
            raise GateUnavailable(f"Redis did not answer for the outbound stock levels: {exc}") from exc


class ShippedMarks:
    """The shipments told to each channel, kept ``ttl_seconds`` under
    ``<namespace>:outbound:shipped:<channel>:<shipment id>``."""

    def __init__(self, client: redis.Redis, namespace: str, *, ttl_seconds: int = 90 * 86_400) -> None:
        self._client = client
        self._prefix = f"{namespace}:outbound:shipped:"
        self._ttl = ttl_seconds

    def told(self, channel: str, shipment_id: str) -> bool:
        """Whether ``channel`` was told of ``shipment_id`` already."""
        key = f"{self._prefix}{channel}:{shipment_id}"
        return bool(StockLevels._call(lambda: self._client.exists(key)))

    def mark(self, channel: str, shipment_id: str) -> None:
        """Record that ``channel`` was told of ``shipment_id``."""
        key = f"{self._prefix}{channel}:{shipment_id}"
        StockLevels._call(lambda: self._client.set(key, "1", ex=self._ttl))
