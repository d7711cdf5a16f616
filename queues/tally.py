"""Fleet-wide tallies of what happened to messages: retries, deferrals, dead letters by class,
and deliveries the receivers recognised as duplicates.

Kept in one Redis hash per namespace (:func:`tally_key`) so every process adds to the same
figures; on-call tools, the metrics and benchmarks read them. A tally that cannot be written is
skipped: counting never stands in the way of a message.
"""

from __future__ import annotations

import logging

import redis

__all__ = ["OutcomeTally", "tally_key"]

logger = logging.getLogger(__name__)


def tally_key(namespace: str) -> str:
    """The hash of ``namespace``'s tallies."""
    return f"{namespace}:tally"


class OutcomeTally:
    """Counters in the hash ``key``: ``retries``, ``deferrals``, ``deferrals:<cause>``,
    ``dead:<classification>``, ``dead_cause:<fingerprint>``, ``skipped:<why>`` (events
    acknowledged without an ERP write: ``stale``, ``nothing-to-cancel``; written by the workers)
    and ``dedupe_hits:<channel>`` (by the receivers' dedupe script)."""

    def __init__(self, client: redis.Redis, key: str) -> None:
        self._client = client
        self._key = key

    def count(self, *fields: str) -> None:
        """Add one to each of ``fields``."""
        try:
            pipeline = self._client.pipeline(transaction=False)
            for field in fields:
                pipeline.hincrby(self._key, field, 1)
            pipeline.execute()
        except redis.RedisError as exc:
            logger.debug("Could not count %s: %s", fields, exc)

    def read(self) -> dict[str, int]:
        """Every counter as it stands (empty when Redis does not answer)."""
        try:
            raw = self._client.hgetall(self._key)
        except redis.RedisError:
            return {}
        return {_text(name): int(value) for name, value in raw.items()}


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
