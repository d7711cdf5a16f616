"""Per-entity order behind a dead letter: when an event dies, its entity's later events wait.

The entity's line (:mod:`queues.dead.holds`) decides, under the entity lock (put this after
:class:`EntityLocks`):

* nothing held: the event runs; if it is dead-lettered, it blocks its entity from then on;
* the event heads its entity's line (a blocker replayed, or the next follower): it runs, and
  leaves the line once applied (or skipped as stale); if it dies again, it blocks again;
* the head is a dead letter: the event is parked behind it, i.e. dead-lettered with the reason
  ``parked`` naming the blocker (:class:`~workers.errors.EntityParked`), so RabbitMQ keeps it
  in the lane's dead letters and it is acknowledged only once its reason is kept;
* the head was released and has not applied yet: the event waits (a deferral, no retry spent).

Other entities never look at the line, so they keep flowing. Without Redis nothing is held:
every event runs as it comes (the ERP's writes are idempotent, and the stale fence keeps older
states out once Redis is back); a dead letter that could not block its entity is logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from dramatiq import Broker, Middleware
from dramatiq.broker import MessageProxy

from queues.dead.holds import EntityHolds, HoldsUnavailable, HoldVerdict
from workers.entity_entries import Entry
from workers.errors import EntityParked, EntityWaiting
from workers.middleware.deliveries import delivery_of

__all__ = ["EntityHold"]

logger = logging.getLogger(__name__)


class EntityHold(Middleware):
    """Parks or holds back messages whose entity (``key_of``; ``None``: about none) is held.

    ``entry_of`` gives what entering the entity already read of its line
    (:meth:`EntityLocks.entry_of`); without it, or when it has nothing, the line is asked.
    """

    def __init__(
        self,
        holds: EntityHolds,
        key_of: Callable[[MessageProxy], str | None],
        *,
        entry_of: Callable[[MessageProxy], Entry | None] | None = None,
    ) -> None:
        self._holds = holds
        self._key_of = key_of
        self._entry_of = entry_of
        self._seen: dict[int, tuple[str, str]] = {}
        self._degraded = False

    def before_process_message(self, broker: Broker, message: MessageProxy) -> None:
        entity = self._key_of(message)
        if entity is None:
            return
        try:
            verdict = self._verdict(entity, message)
        except HoldsUnavailable as exc:
            if not self._degraded:
                logger.warning("Redis is unreachable; no entity waits behind its dead letters: %s", exc)
                self._degraded = True
            return
        self._degraded = False
        self._seen[delivery_of(message)] = (entity, verdict.action)
        if verdict.action == "park":
            logger.info("Event %s of %s parked behind dead letter %s.", message.message_id, entity, verdict.behind)
            raise EntityParked(f"waits behind dead letter {verdict.behind}", blocked_by=str(verdict.behind))
        if verdict.action == "wait":
            raise EntityWaiting(f"waits for {verdict.behind}, released before it, to apply")

    def _verdict(self, entity: str, message: MessageProxy) -> HoldVerdict:
        entry = self._entry_of(message) if self._entry_of is not None else None
        return entry.hold if entry is not None else self._holds.check(entity, message.message_id)

    def after_process_message(
        self, broker: Broker, message: MessageProxy, *, result: Any = None, exception: BaseException | None = None
    ) -> None:
        entity, action = self._seen.pop(delivery_of(message), ("", ""))
        if action in ("free", "head") and message.failed:
            self._change(self._holds.block, entity, message)
            logger.info("Entity %s waits behind dead letter %s.", entity, message.message_id)
        elif action == "head" and exception is None:
            self._change(self._holds.leave, entity, message)
        elif action == "wait" and message.failed:
            # It died waiting (expired): a dead letter of its own now, no longer in line.
            self._change(self._holds.leave, entity, message)

    def after_skip_message(self, broker: Broker, message: MessageProxy) -> None:
        entity, action = self._seen.pop(delivery_of(message), ("", ""))
        if action == "head":
            self._change(self._holds.leave, entity, message)

    def _change(self, change: Callable[[str, str], object], entity: str, message: MessageProxy) -> None:
        try:
            change(entity, message.message_id)
        except HoldsUnavailable as exc:
            logger.warning("The line of %s could not be updated for %s: %s", entity, message.message_id, exc)
