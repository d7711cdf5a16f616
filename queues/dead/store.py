"""Why each dead letter died, kept in Redis beside the message RabbitMQ keeps in the lane's XQ.

RabbitMQ's copy carries no reason (``x-death`` only says "rejected"), and tracebacks in message
bodies fill brokers, so reasons live here, keyed by message id, with a copy of the message for
``show`` and ``export`` (the XQ's copy stays the one that is replayed). Reasons are indexed by
time and grouped by cause.

The store is bounded: beyond ``max_entries`` (50,000 by default, about 100 MB of Redis at 2 KB a
reason with its message) the oldest reasons are dropped; their messages stay in RabbitMQ, where
nothing expires them. A reason stays until its message is replayed or purged.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import redis
from pydantic import BaseModel, ConfigDict

from queues.dead.reason import DeadLetterReason, State
from queues.errors import QueueError

__all__ = [
    "DEFAULT_MAX_ENTRIES",
    "CauseGroup",
    "DeadLetterFilter",
    "DeadLetterStore",
    "ReasonStoreUnavailable",
    "dead_letter_store",
]

DEFAULT_MAX_ENTRIES = 50_000

_CHUNK = 500


class ReasonStoreUnavailable(QueueError):
    """Redis did not answer, so a dead letter's reason could not be kept or read."""

    deferral = True


@dataclass(frozen=True)
class DeadLetterFilter:
    """Which dead letters to pick; every field left ``None`` matches all."""

    lane: str | None = None
    channel: str | None = None
    topic: str | None = None
    fingerprint: str | None = None
    since: datetime | None = None
    state: State | None = None
    ids: frozenset[str] | None = None

    def matches(self, reason: DeadLetterReason) -> bool:
        checks = (
            (self.lane, reason.lane),
            (self.channel, reason.channel),
            (self.topic, reason.topic),
            (self.fingerprint, reason.fingerprint),
            (self.state, reason.state),
        )
        if any(wanted is not None and wanted != actual for wanted, actual in checks):
            return False
        if self.since is not None and reason.dead_lettered_at < self.since:
            return False
        return self.ids is None or reason.message_id in self.ids

    def describe(self) -> dict[str, Any]:
        """The filter as plain data, for the audit log."""
        described: dict[str, Any] = {
            name: value for name, value in vars(self).items() if value is not None and name != "ids"
        }
        if self.since is not None:
            described["since"] = self.since.isoformat()
        if self.ids is not None:
            described["ids"] = sorted(self.ids)
        return described


class CauseGroup(BaseModel):
    """Dead letters sharing one cause: how many, in which lanes and channels, and the newest."""

    model_config = ConfigDict(frozen=True)

    fingerprint: str
    cause: str
    count: int
    lanes: tuple[str, ...]
    channels: tuple[str, ...]
    newest: DeadLetterReason


class DeadLetterStore:
    """Reasons by message id, indexed by time of death and grouped by cause."""

    def __init__(self, client: redis.Redis, *, prefix: str, max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        if max_entries <= 0:
            raise ValueError("max_entries must be positive")
        self._client = client
        self._prefix = prefix
        self._max_entries = max_entries

    def record(self, reason: DeadLetterReason, body: bytes = b"") -> None:
        """Keep ``reason`` (and the message's ``body``), replacing any earlier one for the message.

        Raises:
            ReasonStoreUnavailable: Redis did not answer; nothing was kept.
        """
        score = reason.dead_lettered_at.timestamp()
        pipeline = self._client.pipeline(transaction=True)
        pipeline.set(self._key("reason", reason.message_id), reason.model_dump_json())
        pipeline.set(self._key("body", reason.message_id), body)
        pipeline.zadd(self._index, {reason.message_id: score})
        pipeline.zadd(self._key("cause", reason.fingerprint), {reason.message_id: score})
        if reason.classification == "parked":
            pipeline.zadd(self._key("parked", reason.lane or ""), {reason.message_id: score})
        pipeline.zrange(self._index, 0, -self._max_entries - 1)
        try:
            dropped = pipeline.execute()[-1]
            if dropped:
                self.remove(_text(message_id) for message_id in dropped)
        except redis.RedisError as exc:
            raise ReasonStoreUnavailable(f"cannot keep the reason of {reason.message_id}: {exc}") from exc

    def get(self, message_id: str) -> DeadLetterReason | None:
        """The reason kept for ``message_id``, if any."""
        raw = self._call(lambda: self._client.get(self._key("reason", message_id)))
        return None if raw is None else DeadLetterReason.model_validate_json(_raw(raw))

    def get_many(self, message_ids: Iterable[str]) -> list[DeadLetterReason]:
        """The reasons kept for these messages, in their order; those without one are left out."""
        ids = list(message_ids)
        return [reason for start in range(0, len(ids), _CHUNK) for reason in self._many(ids[start : start + _CHUNK])]

    def body(self, message_id: str) -> bytes | None:
        """The copy of the message kept with its reason, if any."""
        raw = self._call(lambda: self._client.get(self._key("body", message_id)))
        return None if raw is None else bytes(raw)

    def select(self, where: DeadLetterFilter = DeadLetterFilter(), limit: int | None = None) -> list[DeadLetterReason]:
        """The dead letters ``where`` picks, newest first, at most ``limit``."""
        picked: list[DeadLetterReason] = []
        for reason in self._newest_first(where):
            if where.matches(reason):
                picked.append(reason)
                if limit is not None and len(picked) >= limit:
                    break
        return picked

    def groups(self, where: DeadLetterFilter = DeadLetterFilter()) -> list[CauseGroup]:
        """The causes with the dead letters ``where`` picks, the largest first."""
        counts: dict[str, list[DeadLetterReason]] = {}
        for reason in self._newest_first(where):
            if where.matches(reason):
                counts.setdefault(reason.fingerprint, []).append(reason)
        groups = [_group(fingerprint, reasons) for fingerprint, reasons in counts.items()]
        return sorted(groups, key=lambda group: (-group.count, group.cause))

    def cause_counts(self, fingerprints: Iterable[str]) -> list[tuple[int, DeadLetterReason]]:
        """For each of these causes that holds dead letters now: how many, and the newest (two
        round trips, whatever the counts; for the metrics, which cannot afford :meth:`groups`)."""
        pipeline = self._client.pipeline(transaction=False)
        for fingerprint in fingerprints:
            pipeline.zcard(self._key("cause", fingerprint))
            pipeline.zrevrange(self._key("cause", fingerprint), 0, 0)
        answers = self._call(pipeline.execute)
        counts = {_text(ids[0]): int(count) for count, ids in zip(answers[::2], answers[1::2], strict=True) if ids}
        if not counts:
            return []
        return [(counts[reason.message_id], reason) for reason in self._many(list(counts))]

    def count_since(self, moment: datetime) -> int:
        """How many dead letters died at or after ``moment``."""
        return int(self._call(lambda: self._client.zcount(self._index, moment.timestamp(), "+inf")))

    def parked_since(self, moment: datetime, lanes: Iterable[str]) -> int:
        """How many of ``lanes``' parked events were parked at or after ``moment``."""
        keys = [self._key("parked", lane) for lane in lanes]
        return sum(
            int(self._call(lambda key=key: self._client.zcount(key, moment.timestamp(), "+inf"))) for key in keys
        )

    def parked_count(self, lane: str) -> int:
        """How many of ``lane``'s dead letters are parked events, waiting behind another."""
        return int(self._call(lambda: self._client.zcard(self._key("parked", lane))))

    def set_state(self, reason: DeadLetterReason, state: State) -> DeadLetterReason:
        """Store ``reason`` again with ``state``; return it."""
        changed = reason.model_copy(update={"state": state})
        self._call(lambda: self._client.set(self._key("reason", reason.message_id), changed.model_dump_json()))
        return changed

    def remove(self, message_ids: Iterable[str]) -> None:
        """Forget these dead letters (replayed or purged)."""
        ids = list(message_ids)
        for start in range(0, len(ids), _CHUNK):
            self._remove_chunk(ids[start : start + _CHUNK])

    def _remove_chunk(self, ids: list[str]) -> None:
        reasons = self._many(ids)
        pipeline = self._client.pipeline(transaction=False)
        pipeline.delete(*(self._key(kind, message_id) for message_id in ids for kind in ("reason", "body")))
        pipeline.zrem(self._index, *ids)
        for reason in reasons:
            pipeline.zrem(self._key("cause", reason.fingerprint), reason.message_id)
            if reason.classification == "parked":
                pipeline.zrem(self._key("parked", reason.lane or ""), reason.message_id)
        self._call(pipeline.execute)

    def _newest_first(self, where: DeadLetterFilter) -> Iterator[DeadLetterReason]:
        source = self._key("cause", where.fingerprint) if where.fingerprint else self._index
        low = where.since.timestamp() if where.since else "-inf"
        offset = 0
        while True:
            ids = self._call(
                lambda: self._client.zrevrangebyscore(source, "+inf", low, start=offset, num=_CHUNK)  # noqa: B023
            )
            if not ids:
                return
            yield from self._many([_text(message_id) for message_id in ids])
            offset += len(ids)

    def _many(self, ids: list[str]) -> list[DeadLetterReason]:
        raws = self._call(lambda: self._client.mget([self._key("reason", message_id) for message_id in ids]))
        return [DeadLetterReason.model_validate_json(_raw(raw)) for raw in raws if raw is not None]

    def _call(self, operation: Any) -> Any:
        try:
            return operation()
        except redis.RedisError as exc:
            raise ReasonStoreUnavailable(f"the dead-letter store did not answer: {exc}") from exc

    @property
    def _index(self) -> str:
        return f"{self._prefix}index"

    def _key(self, kind: str, name: str) -> str:
        return f"{self._prefix}{kind}:{name}"


def _group(fingerprint: str, reasons: list[DeadLetterReason]) -> CauseGroup:
    return CauseGroup(
        fingerprint=fingerprint,
        cause=reasons[0].cause,
        count=len(reasons),
        lanes=tuple(sorted({reason.lane for reason in reasons if reason.lane})),
        channels=tuple(sorted({reason.channel for reason in reasons if reason.channel})),
        newest=reasons[0],
    )


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _raw(value: Any) -> str | bytes:
    return value if isinstance(value, str | bytes) else str(value)


def dead_letter_store(client: redis.Redis, namespace: str, max_entries: int = DEFAULT_MAX_ENTRIES) -> DeadLetterStore:
    """The store of ``namespace``'s dead letters (keys ``<namespace>:dead:*``)."""
    return DeadLetterStore(client, prefix=f"{namespace}:dead:", max_entries=max_entries)
