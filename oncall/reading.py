"""One reading of the whole fleet for the metrics: taken at most every few seconds, never failing.

Scrapes come from Prometheus every 15 s or so, from each replica, and from people reloading
dashboards; a reading is reused for ``max_age_seconds`` so none of them hammers RabbitMQ or
Redis. A source that does not answer leaves its part of the reading empty and is reported as
down instead: a scrape must answer most when something is broken.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pika.exceptions
import redis

from oncall.fleet import OnCall
from oncall.status import FleetStatus
from queues.tally import tally_key
from throttling.gate import CallCounters
from weir.errors import WeirError
from weir.stores import sync_redis

__all__ = ["CauseCount", "FleetReader", "FleetReading"]

logger = logging.getLogger(__name__)

#: What a read of RabbitMQ or Redis raises when either is away (each wrapped or not).
_UNAVAILABLE = (WeirError, redis.RedisError, pika.exceptions.AMQPError)

#: Longest cause text a label carries, in characters.
CAUSE_CHARS = 80


@dataclass(frozen=True)
class CauseCount:
    """Dead letters held now under one cause (``fingerprint``, ``other`` for the rest)."""

    fingerprint: str
    cause: str
    count: int


@dataclass(frozen=True)
class FleetReading:
    """The fleet when it was read. ``up`` says which dependency (``redis``, ``rabbitmq``)
    answered; a part whose source did not is ``None``. ``tally`` is :mod:`queues.tally`'s
    counters; ``causes`` the dead letters held by cause, the largest first; ``read_seconds``
    how long the reading took."""

    up: Mapping[str, bool]
    status: FleetStatus | None
    calls: CallCounters | None
    tally: Mapping[str, int] | None
    causes: tuple[CauseCount, ...]
    read_seconds: float


class FleetReader:
    """Reads ``oncall``'s fleet, at most every ``max_age_seconds``; ``top_causes`` bounds the
    causes named one by one (the rest are summed as ``other``), so labels stay few."""

    def __init__(
        self,
        oncall: OnCall,
        *,
        max_age_seconds: float = 3.0,
        top_causes: int = 20,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_age_seconds < 0 or top_causes < 1:
            raise ValueError("max_age_seconds must not be negative and top_causes must be positive")
        self._oncall = oncall
        self._client = sync_redis(oncall.config.redis)
        self._max_age = max_age_seconds
        self._top = top_causes
        self._clock = clock
        self._lock = threading.Lock()
        self._last: tuple[float, FleetReading] | None = None

    def read(self) -> FleetReading:
        """The latest reading, taken now if the last one is older than ``max_age_seconds``."""
        with self._lock:
            if self._last is None or self._clock() - self._last[0] >= self._max_age:
                self._last = (self._clock(), self._fresh())
            return self._last[1]

    def close(self) -> None:
        self._client.close()

    def _fresh(self) -> FleetReading:
        started = time.perf_counter()
        tally, calls, causes = self._redis_parts()
        redis_up = tally is not None
        status = self._status() if redis_up else None
        rabbit_up = status is not None or self._rabbit_answers()
        self._warn_if_down(redis_up, rabbit_up)
        return FleetReading(
            up={"redis": redis_up, "rabbitmq": rabbit_up},
            status=status,
            calls=calls,
            tally=tally,
            causes=causes,
            read_seconds=time.perf_counter() - started,
        )

    def _redis_parts(self) -> tuple[dict[str, int] | None, CallCounters | None, tuple[CauseCount, ...]]:
        try:
            raw = self._client.hgetall(tally_key(self._oncall.namespace))
            tally = {_text(name): int(value) for name, value in raw.items()}
            return tally, self._oncall.gate.counters(), self._causes(tally)
        except _UNAVAILABLE as exc:
            logger.debug("Redis did not answer the metrics: %s", exc)
            return None, None, ()

    def _causes(self, tally: Mapping[str, int]) -> tuple[CauseCount, ...]:
        fingerprints = [name.removeprefix("dead_cause:") for name in tally if name.startswith("dead_cause:")]
        counted = sorted(
            self._oncall.store.cause_counts(fingerprints), key=lambda pair: (-pair[0], pair[1].fingerprint)
        )
        top = [CauseCount(reason.fingerprint, _short(reason.cause), count) for count, reason in counted[: self._top]]
        rest = sum(count for count, _ in counted[self._top :])
        if rest:
            top.append(CauseCount("other", "other causes", rest))
        return tuple(top)

    def _status(self) -> FleetStatus | None:
        try:
            return self._oncall.status()
        except _UNAVAILABLE as exc:
            logger.debug("The fleet's status could not be read for the metrics: %s", exc)
            return None

    def _rabbit_answers(self) -> bool:
        try:
            with self._oncall.rabbit():
                return True
        except _UNAVAILABLE:
            return False

    def _warn_if_down(self, redis_up: bool, rabbit_up: bool) -> None:
        before = self._last[1].up if self._last is not None else {"redis": True, "rabbitmq": True}
        for name, up in (("redis", redis_up), ("rabbitmq", rabbit_up)):
            if before[name] and not up:
                logger.warning("The metrics cannot read the fleet: %s does not answer.", name)


def _short(cause: str) -> str:
    return cause if len(cause) <= CAUSE_CHARS else cause[: CAUSE_CHARS - 1] + "…"


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
