"""Why each dead letter died, kept in Redis beside the message RabbitMQ keeps in the lane's XQ.

RabbitMQ's copy carries no reason (``x-death`` only says "rejected"), and tracebacks in message
bodies fill brokers, so reasons live here, keyed by message id. The store is bounded: beyond
``max_entries`` the oldest reasons are dropped (their messages stay in RabbitMQ).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import redis
from pydantic import BaseModel, ConfigDict

from queues.errors import QueueError

__all__ = ["Classification", "DeadLetterReason", "DeadLetterStore", "FailureRecord", "ReasonStoreUnavailable"]

Classification = Literal["permanent", "exhausted", "expired", "unschedulable"]

#: Reasons kept before the oldest are dropped: about 1 KB each, so 100 MB of Redis at most.
DEFAULT_MAX_ENTRIES = 100_000


class ReasonStoreUnavailable(QueueError):
    """Redis did not answer, so a dead letter's reason could not be kept."""

    deferral = True


class FailureRecord(BaseModel):
    """One failed attempt: when (Unix ms) and what was raised."""

    model_config = ConfigDict(frozen=True)

    at: int
    error: str


class DeadLetterReason(BaseModel):
    """Everything on-call needs to understand one dead letter without opening the message.

    ``classification``: ``permanent`` (retrying cannot help), ``exhausted`` (real failures ran out
    of retries), ``expired`` (older than its lane's maximum age) or ``unschedulable`` (a retry
    could not be enqueued). Times are aware datetimes.
    """

    model_config = ConfigDict(frozen=True)

    message_id: str
    queue: str
    lane: str | None
    channel: str | None
    topic: str | None
    entity_id: str | None
    event_id: str | None
    correlation_id: str | None
    error_class: str
    error_message: str
    classification: Classification
    erp_status: int | None = None
    erp_excerpt: str | None = None
    attempts: int
    history: tuple[FailureRecord, ...] = ()
    first_failure_at: datetime
    last_failure_at: datetime
    dead_lettered_at: datetime


class DeadLetterStore:
    """Reasons by message id, with an index by time of death."""

    def __init__(self, client: redis.Redis, *, prefix: str, max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        if max_entries <= 0:
            raise ValueError("max_entries must be positive")
        self._client = client
        self._prefix = prefix
        self._max_entries = max_entries

    def record(self, reason: DeadLetterReason) -> None:
        """Keep ``reason``, replacing an earlier one for the same message.

        Raises:
            ReasonStoreUnavailable: Redis did not answer; nothing was kept.
        """
        pipeline = self._client.pipeline(transaction=True)
        pipeline.set(self._key(reason.message_id), reason.model_dump_json())
        pipeline.zadd(self._index, {reason.message_id: reason.dead_lettered_at.timestamp()})
        pipeline.zrange(self._index, 0, -self._max_entries - 1)
        pipeline.zremrangebyrank(self._index, 0, -self._max_entries - 1)
        try:
            dropped = pipeline.execute()[2]
            if dropped:
                self._client.delete(*(self._key(_text(message_id)) for message_id in dropped))
        except redis.RedisError as exc:
            raise ReasonStoreUnavailable(f"cannot keep the reason of {reason.message_id}: {exc}") from exc

    def get(self, message_id: str) -> DeadLetterReason | None:
        """The reason kept for ``message_id``, if any.

        Raises:
            ReasonStoreUnavailable: Redis did not answer.
        """
        try:
            raw = self._client.get(self._key(message_id))
        except redis.RedisError as exc:
            raise ReasonStoreUnavailable(f"cannot read the reason of {message_id}: {exc}") from exc
        return None if raw is None else DeadLetterReason.model_validate_json(_raw(raw))

    @property
    def _index(self) -> str:
        return f"{self._prefix}index"

    def _key(self, message_id: str) -> str:
        return f"{self._prefix}reason:{message_id}"


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _raw(value: Any) -> str | bytes:
    return value if isinstance(value, str | bytes) else str(value)
