"""How many outbound notices each channel was told, and how many it was spared, for on-call:
the outbound workers count, ``weir status`` and ``/metrics`` read.

One hash ``<namespace>:outbound:counts`` in Redis, fields ``<channel>:<outcome>``: ``sent``
(the channel was called), ``superseded`` (a newer level was on its way or told already),
``unchanged`` (the channel already held that level), ``not_listed`` (the channel sells no such
SKU), ``told`` (a shipment it held already).
"""

from __future__ import annotations

import logging
from typing import Literal

import redis

__all__ = ["OUTCOMES", "OutboundCounts", "OutboundOutcome", "counts_key"]

logger = logging.getLogger(__name__)

OutboundOutcome = Literal["sent", "superseded", "unchanged", "not_listed", "told"]

#: Every outcome, in the order on-call reads them.
OUTCOMES: tuple[OutboundOutcome, ...] = ("sent", "superseded", "unchanged", "not_listed", "told")


def counts_key(namespace: str) -> str:
    """The hash of outbound counts in ``namespace``."""
    return f"{namespace}:outbound:counts"


class OutboundCounts:
    """Counts outcomes per channel; a count Redis misses is logged, never raised."""

    def __init__(self, client: redis.Redis, namespace: str) -> None:
        self._client = client
        self._key = counts_key(namespace)

    def add(self, channel: str, outcome: OutboundOutcome) -> None:
        """Count one ``outcome`` of ``channel``."""
        try:
            self._client.hincrby(self._key, f"{channel}:{outcome}", 1)
        except redis.RedisError as exc:
            logger.warning("Could not count an outbound %s of %s: %s", outcome, channel, exc)

    def read(self) -> dict[tuple[str, str], int]:
        """Every count, by (channel, outcome).

        Raises:
            redis.RedisError: Redis did not answer.
        """
        raw = self._client.hgetall(self._key)
        counts = {}
        for field, value in raw.items():
            channel, _, outcome = _text(field).rpartition(":")
            counts[(channel, outcome)] = int(value)
        return counts


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
