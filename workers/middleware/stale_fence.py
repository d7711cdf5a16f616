"""Stale-write fencing: an event reporting an older state of its entity than the ERP already
holds is skipped, not written.

Channels deliver out of order and re-send old payloads hours later (Shopify's retries carry the
original body for up to 4 h). Each entity keeps a high-water mark of the source version last
applied (the envelope's ``occurred_at``, which receivers take from the provider's own timestamp).
A state event older than its entity's mark is acknowledged without running, and logged with both
versions; an event as new or newer runs, and raises the mark only once the actor returned (the
ERP confirmed the write). The raise leaves through the background writes when the marks have
them, ahead of the entity lock's release, so no other event of the entity reads the mark before
it rose; a process killed in the milliseconds between the ERP's answer and that write leaves the
mark low, and an older redelivery may then be applied (idempotently) once. Fact topics
(refunds, fulfillments) carry no version and always run.

The entity lock is held around all of it (put this after :class:`EntityLocks`), so no other event
of the entity runs between the read and the raise.

Without Redis the fence fails open: the event is applied. Every ERP write is idempotent, so the
cost is that an older state may overwrite a newer one while Redis is away, until the entity's
next event; dropping events instead could lose the latest state for good.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from dramatiq import Broker, Middleware
from dramatiq.broker import MessageProxy
from dramatiq.middleware import SkipMessage

from queues.tally import OutcomeTally
from throttling import GateUnavailable, HighWaterMark
from workers.entities import SourceVersion
from workers.entity_entries import Entry
from workers.middleware.deliveries import delivery_of

__all__ = ["StaleFence"]

logger = logging.getLogger(__name__)


class StaleFence(Middleware):
    """Skips state events older than ``marks`` says was applied for their entity.

    ``version_of`` names a message's entity and source version, or ``None`` for messages that
    are never stale. Skips are counted in ``tally`` as ``skipped:stale``. ``entry_of`` gives the
    mark entering the entity already read (:meth:`EntityLocks.entry_of`); without it, or when it
    has nothing, the mark is read.
    """

    def __init__(
        self,
        marks: HighWaterMark,
        version_of: Callable[[MessageProxy], SourceVersion | None],
        *,
        tally: OutcomeTally | None = None,
        entry_of: Callable[[MessageProxy], Entry | None] | None = None,
    ) -> None:
        self._marks = marks
        self._version_of = version_of
        self._tally = tally
        self._entry_of = entry_of
        self._pending: dict[int, SourceVersion] = {}
        self._degraded = False

    def before_process_message(self, broker: Broker, message: MessageProxy) -> None:
        version = self._version_of(message)
        if version is None:
            return
        try:
            mark = self._mark(version.entity, message)
        except GateUnavailable as exc:
            if not self._degraded:
                logger.warning("Redis is unreachable; state events are applied without the stale fence: %s", exc)
                self._degraded = True
            return
        self._degraded = False
        if mark is not None and version.version_ms < mark:
            logger.info(
                "Event %s of %s skipped as stale: it reports the state of %s, older than %s already applied.",
                message.message_id,
                version.entity,
                _moment(version.version_ms),
                _moment(mark),
            )
            if self._tally is not None:
                self._tally.count("skipped:stale")
            raise SkipMessage(f"stale: version {version.version_ms} < {mark}")
        self._pending[delivery_of(message)] = version

    def _mark(self, entity: str, message: MessageProxy) -> int | None:
        entry = self._entry_of(message) if self._entry_of is not None else None
        return entry.mark if entry is not None else self._marks.read(entity)

    def after_process_message(
        self, broker: Broker, message: MessageProxy, *, result: Any = None, exception: BaseException | None = None
    ) -> None:
        version = self._pending.pop(delivery_of(message), None)
        if version is None or exception is not None:
            return
        try:
            self._marks.raise_later(version.entity, version.version_ms)
        except GateUnavailable as exc:
            logger.warning(
                "The version mark of %s stays below %s: Redis did not answer (%s).",
                version.entity,
                _moment(version.version_ms),
                exc,
            )

    def after_skip_message(self, broker: Broker, message: MessageProxy) -> None:
        self._pending.pop(delivery_of(message), None)


def _moment(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="milliseconds")
