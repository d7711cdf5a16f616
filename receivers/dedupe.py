"""The delivery ledger: which provider deliveries Weir has already enqueued.

A delivery is *claimed* (marked pending, briefly) before it is published and *confirmed*
(marked seen, for the dedupe window) only once RabbitMQ confirmed it. A failed publish releases
the claim, so the provider's retry goes through; a receiver that dies mid-publish leaves a claim
that expires after ``claim_ttl_ms``. The provider's answer does not wait for the confirming
write: the event is already safe in RabbitMQ, and a redelivery racing that write is told to
come back later (409), never taken for new.

A claim that finds Redis unreachable (as for the seconds a Sentinel takes to promote a replica)
is tried again with backoff for up to ``retry_seconds``, within the webhook's deadline, so a
short outage delays the answer instead of refusing it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any, Literal

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from receivers.errors import ServiceUnavailable
from receivers.pipelined_redis import PipelinedRedis

__all__ = ["Claim", "DeliveryLedger"]

logger = logging.getLogger(__name__)

# KEYS[1] the delivery's ledger key
# KEYS[2] the namespace's tally hash (queues.tally)
# ARGV[1] the pending mark to set, "pending:<event id>"
# ARGV[2] how long the pending mark lives, in milliseconds
# ARGV[3] the tally's field counting this channel's duplicates, "dedupe_hits:<channel>"
# Returns nil when the caller now holds the claim, else the mark already there. A delivery
# already seen counts as a dedupe hit here, so counting costs the hot path no round trip.
_CLAIM = """
local current = redis.call("GET", KEYS[1])
if current then
    if string.sub(current, 1, 5) == "seen:" then
        redis.call("HINCRBY", KEYS[2], ARGV[3], 1)
    end
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

#: The first pause between claims Redis did not answer, and the longest, in seconds.
_FIRST_PAUSE, _LONGEST_PAUSE = 0.05, 0.5

_PENDING = "pending:"
_SEEN = "seen:"
_HITS = "dedupe_hits:"


@dataclass(frozen=True, slots=True)
class Claim:
    """The outcome of claiming a delivery.

    ``state`` is ``claimed`` (go ahead), ``seen`` (already enqueued as ``event_id``) or
    ``pending`` (another request is enqueueing it now, as ``event_id``).
    """

    state: Literal["claimed", "seen", "pending"]
    event_id: str


class DeliveryLedger:
    """Deduplicates deliveries per channel in Redis, counting duplicates per channel in the
    tally hash ``tally_key`` (field ``dedupe_hits:<channel>``).

    ``seen_ttl_ms`` is the dedupe window, ``claim_ttl_ms`` how long a claim outlives a receiver
    that died holding it; both in milliseconds. ``retry_seconds`` is how long a claim is tried
    again while Redis cannot be reached (0: not retried).
    """

    def __init__(
        self,
        client: PipelinedRedis,
        *,
        prefix: str,
        tally_key: str,
        seen_ttl_ms: int,
        claim_ttl_ms: int,
        retry_seconds: float = 0.0,
    ) -> None:
        if seen_ttl_ms <= 0 or claim_ttl_ms <= 0:
            raise ValueError("ledger TTLs must be positive")
        if retry_seconds < 0:
            raise ValueError("retry_seconds must not be negative")
        self._client = client
        self._retry_seconds = retry_seconds
        self._writing: set[asyncio.Future[Any]] = set()
        self._prefix = prefix
        self._tally_key = tally_key
        self._seen_ttl_ms = seen_ttl_ms
        self._claim_ttl_ms = claim_ttl_ms

    async def claim(self, channel: str, delivery_id: str, event_id: str) -> Claim:
        """Claim a delivery for ``event_id`` unless it is already seen or pending.

        Raises:
            ServiceUnavailable: Redis did not answer within ``retry_seconds``, or answered an error.
        """
        current = await self._mark(channel, delivery_id, event_id)
        if current is None:
            return Claim("claimed", event_id)
        mark = current.decode() if isinstance(current, bytes) else str(current)
        state, _, original = mark.partition(":")
        return Claim("seen" if state == "seen" else "pending", original)

    async def _mark(self, channel: str, delivery_id: str, event_id: str) -> Any:
        """The claim script's reply, tried again with backoff while Redis cannot be reached."""
        command = ("EVAL", _CLAIM, 2, self._key(channel, delivery_id), self._tally_key, _PENDING + event_id,
                   self._claim_ttl_ms, _HITS + channel)  # fmt: skip
        give_up = time.monotonic() + self._retry_seconds
        pause = _FIRST_PAUSE
        while True:
            try:
                return await self._client.execute(*command)
            except (RedisConnectionError, RedisTimeoutError) as exc:
                # A claim whose reply was lost may have been made: tried again, it finds its own
                # pending mark and the provider is told to come back (409), which is still safe.
                if time.monotonic() + pause > give_up:
                    raise ServiceUnavailable(f"the dedupe store did not answer: {exc}") from exc
                logger.info("Redis did not answer a claim of %s (%s); retrying in %.2f s.", delivery_id, exc, pause)
            except RedisError as exc:
                raise ServiceUnavailable(f"the dedupe store did not answer: {exc}") from exc
            await asyncio.sleep(pause)
            pause = min(2 * pause, _LONGEST_PAUSE)

    def confirm(self, channel: str, delivery_id: str, event_id: str) -> None:
        """Mark a claimed delivery as enqueued, for the dedupe window, without waiting.

        If Redis fails, the claim expires instead and a later redelivery is enqueued again: a
        duplicate the ERP's idempotency absorbs, never a loss.
        """
        key = self._key(channel, delivery_id)
        self._write_soon(("SET", key, _SEEN + event_id, "PX", self._seen_ttl_ms), f"mark {key} seen")

    def release(self, channel: str, delivery_id: str, event_id: str) -> None:
        """Drop a claim whose publish failed, without waiting, so the provider's retry is not
        taken for a duplicate. If Redis fails, the claim expires on its own."""
        key = self._key(channel, delivery_id)
        self._write_soon(("EVAL", _RELEASE, 1, key, _PENDING + event_id), f"release {key}")

    async def check(self) -> bool:
        """Whether Redis answers now."""
        try:
            return bool(await self._client.execute("PING") == b"PONG")
        except RedisError:
            return False

    async def close(self) -> None:
        """Wait for the writes already sent, then close the connection."""
        if self._writing:
            await asyncio.gather(*self._writing, return_exceptions=True)
        await self._client.close()

    def _key(self, channel: str, delivery_id: str) -> str:
        return f"{self._prefix}{channel}:{delivery_id}"

    def _write_soon(self, command: tuple[Any, ...], what: str) -> None:
        # A future, not a task per write: the receiver makes one of these per webhook.
        reply = self._client.execute_soon(*command)
        self._writing.add(reply)
        reply.add_done_callback(self._writing.discard)
        reply.add_done_callback(lambda done: _log_failure(done, what))


def _log_failure(done: asyncio.Future[Any], what: str) -> None:
    if not done.cancelled() and done.exception() is not None:
        logger.warning("Could not %s in Redis: %s", what, done.exception())
