"""The delivery ledger: which provider deliveries Weir has already enqueued.

A delivery is *claimed* (marked pending, briefly) before it is published and *confirmed*
(marked seen, for the dedupe window) only once RabbitMQ confirmed it. A failed publish releases
the claim, so the provider's retry goes through; a receiver that dies mid-publish leaves a claim
that expires after ``claim_ttl_ms``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from receivers.errors import ServiceUnavailable

__all__ = ["Claim", "DeliveryLedger"]

# KEYS[1] the delivery's ledger key
# ARGV[1] the pending mark to set, "pending:<event id>"
# ARGV[2] how long the pending mark lives, in milliseconds
# Returns nil when the caller now holds the claim, else the mark already there.
_CLAIM = """
local current = redis.call("GET", KEYS[1])
if current then
    return current
end
redis.call("SET", KEYS[1], ARGV[1], "PX", ARGV[2])
return false
"""

# KEYS[1] the delivery's ledger key
# ARGV[1] the pending mark the caller set
# Deletes the mark only if it is still the caller's own.
_RELEASE = """
if redis.call("GET", KEYS[1]) == ARGV[1] then
    return redis.call("DEL", KEYS[1])
end
return 0
"""

_PENDING = "pending:"
_SEEN = "seen:"


@dataclass(frozen=True, slots=True)
class Claim:
    """The outcome of claiming a delivery.

    ``state`` is ``claimed`` (go ahead), ``seen`` (already enqueued as ``event_id``) or
    ``pending`` (another request is enqueueing it now, as ``event_id``).
    """

    state: Literal["claimed", "seen", "pending"]
    event_id: str


class DeliveryLedger:
    """Deduplicates deliveries per channel in Redis.

    ``seen_ttl_ms`` is the dedupe window, ``claim_ttl_ms`` how long a claim outlives a receiver
    that died holding it; both in milliseconds.
    """

    def __init__(self, client: aioredis.Redis, *, prefix: str, seen_ttl_ms: int, claim_ttl_ms: int) -> None:
        if seen_ttl_ms <= 0 or claim_ttl_ms <= 0:
            raise ValueError("ledger TTLs must be positive")
        self._client = client
        self._prefix = prefix
        self._seen_ttl_ms = seen_ttl_ms
        self._claim_ttl_ms = claim_ttl_ms
        self._claim = client.register_script(_CLAIM)
        self._release = client.register_script(_RELEASE)

    async def claim(self, channel: str, delivery_id: str, event_id: str) -> Claim:
        """Claim a delivery for ``event_id`` unless it is already seen or pending.

        Raises:
            ServiceUnavailable: Redis did not answer.
        """
        try:
            current = await self._claim(
                keys=[self._key(channel, delivery_id)], args=[_PENDING + event_id, self._claim_ttl_ms]
            )
        except RedisError as exc:
            raise ServiceUnavailable(f"the dedupe store did not answer: {exc}") from exc
        if current is None:
            return Claim("claimed", event_id)
        mark = current.decode() if isinstance(current, bytes) else str(current)
        state, _, original = mark.partition(":")
        return Claim("seen" if state == "seen" else "pending", original)

    async def confirm(self, channel: str, delivery_id: str, event_id: str) -> None:
        """Mark a claimed delivery as enqueued, for the dedupe window.

        Raises:
            ServiceUnavailable: Redis did not answer.
        """
        try:
            await self._client.set(self._key(channel, delivery_id), _SEEN + event_id, px=self._seen_ttl_ms)
        except RedisError as exc:
            raise ServiceUnavailable(f"the dedupe store did not answer: {exc}") from exc

    async def release(self, channel: str, delivery_id: str, event_id: str) -> None:
        """Drop a claim whose publish failed, so the provider's retry is not taken for a duplicate.

        Raises:
            ServiceUnavailable: Redis did not answer (the claim then expires on its own).
        """
        try:
            await self._release(keys=[self._key(channel, delivery_id)], args=[_PENDING + event_id])
        except RedisError as exc:
            raise ServiceUnavailable(f"the dedupe store did not answer: {exc}") from exc

    async def check(self) -> bool:
        """Whether Redis answers now."""
        try:
            return bool(await self._client.ping())
        except RedisError:
            return False

    def _key(self, channel: str, delivery_id: str) -> str:
        return f"{self._prefix}{channel}:{delivery_id}"
