"""One event per entity at a time, across the fleet.

Two events for one order (a redelivery, the same order under two delivery ids) must not drive
the ERP's workflow at once: Tryton on SQLite confirmed one sale twice when raced. The lock is
taken before the actor runs and given back after, whatever the outcome. While the actor runs, a
background thread renews the lease every third of it, so a short lease (a worker killed with
SIGKILL keeps its entities locked only that long) never cuts a slow ERP call short.

With :class:`~workers.entity_entries.EntityEntries`, the lock is taken in the same round trip
that reads the entity's line and version mark; :meth:`EntityLocks.entry_of` hands them to the
middleware that act on them (:class:`EntityHold`, :class:`StaleFence`). Entities are entered as
their messages arrive, a burst of them in one round trip on the consumer's thread
(:mod:`queues.receiving`), so a worker thread finds its message's entity entered and waits for
nothing. A message received but not processed (its consumer closed, its worker stopped) gives
its entity back. ``bench.protection`` measures what this saves (the README has its figures).

Without Redis, the lock falls back to this process alone: the fleet keeps making progress (at
the ERP gate's fallback share), and a race between processes on one order remains possible
only while Redis is away; the ERP adapters' own idempotency covers it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from dramatiq import Broker, Middleware, Worker
from dramatiq.broker import MessageProxy

from throttling import GateUnavailable, KeyedLock
from workers.entity_entries import EntityEntries, Entry
from workers.errors import EntityBusy
from workers.middleware.deliveries import delivery_of

__all__ = ["EntityLocks"]

logger = logging.getLogger(__name__)

#: How long a message whose entity is busy waits before it tries again, in milliseconds.
BUSY_DELAY_MS = 1_000

_LOCAL = "local"
_NOT_ARRIVED = object()


class EntityLocks(Middleware):
    """Holds ``lock`` on the message's entity key while the actor runs.

    ``key_of`` names the entity a message is about, or ``None`` for messages about none (they
    run unlocked). A busy entity defers the message. With ``entries`` (over the same lock),
    the lock is taken by entering the entity.
    """

    def __init__(
        self,
        lock: KeyedLock,
        key_of: Callable[[MessageProxy], str | None],
        *,
        entries: EntityEntries | None = None,
    ) -> None:
        self._lock = lock
        self._key_of = key_of
        self._entries = entries
        self._held: dict[int, tuple[str, str]] = {}
        self._entered: dict[int, Entry] = {}
        self._held_keys: set[str] = set()
        # Deliveries entered (or found busy) on arrival whose processing has not begun.
        self._arrived: dict[int, Entry | None] = {}
        self._guard = threading.Lock()
        self._degraded = False
        self._stopping = threading.Event()
        self._renewer: threading.Thread | None = None

    def after_worker_boot(self, broker: Broker, worker: Worker) -> None:
        self._stopping.clear()
        self._renewer = threading.Thread(target=self._renew_until_stopped, name="weir-lock-renewer", daemon=True)
        self._renewer.start()

    def before_worker_shutdown(self, broker: Broker, worker: Worker) -> None:
        self._stopping.set()
        if self._renewer is not None:
            self._renewer.join(timeout=5)
        with self._guard:
            waiting = list(self._arrived)
        self._give_back(waiting)

    def after_receive_messages(self, broker: Broker, messages: Sequence[MessageProxy]) -> None:
        """Enter the entities of ``messages`` (just arrived) in one round trip."""
        if self._entries is None:
            return
        wanted: list[tuple[MessageProxy, str]] = []
        with self._guard:
            for message in messages:
                key = self._key_of(message)
                if key is None:
                    continue
                if key in self._held_keys:
                    # Another delivery in this process has the entity: this one is busy.
                    self._arrived[delivery_of(message)] = None
                    continue
                self._held_keys.add(key)
                wanted.append((message, key))
        if wanted:
            self._enter_arrived(wanted)

    def after_drop_messages(self, broker: Broker, messages: Sequence[MessageProxy]) -> None:
        self._give_back([delivery_of(message) for message in messages])

    def _enter_arrived(self, wanted: list[tuple[MessageProxy, str]]) -> None:
        try:
            entries = self._entries.enter_many([(key, message.message_id) for message, key in wanted])  # type: ignore[union-attr]
        except GateUnavailable:
            # Each message enters on its own when processed, falling back as Redis allows then.
            entries = [None] * len(wanted)
            failed = True
        else:
            failed = False
        with self._guard:
            for (message, key), entry in zip(wanted, entries, strict=True):
                if failed or isinstance(entry, GateUnavailable):
                    self._held_keys.discard(key)
                    continue
                delivery = delivery_of(message)
                self._arrived[delivery] = entry
                if entry is None:
                    self._held_keys.discard(key)
                    continue
                self._held[delivery] = (key, entry.token)
                self._entered[delivery] = entry

    def _give_back(self, deliveries: Iterable[int]) -> None:
        for delivery in deliveries:
            with self._guard:
                if self._arrived.pop(delivery, _NOT_ARRIVED) is _NOT_ARRIVED:
                    continue
                held = self._held.pop(delivery, None)
                self._entered.pop(delivery, None)
            if held is not None:
                self._let_go(*held)

    def before_process_message(self, broker: Broker, message: MessageProxy) -> None:
        key = self._key_of(message)
        if key is None:
            return
        with self._guard:
            arrived = self._arrived.pop(delivery_of(message), _NOT_ARRIVED)
        if arrived is None:
            raise EntityBusy(f"{key} is being applied by another worker", delay_ms=BUSY_DELAY_MS)
        if arrived is not _NOT_ARRIVED:
            return
        with self._guard:
            if key in self._held_keys:
                raise EntityBusy(f"{key} is being applied by another thread", delay_ms=BUSY_DELAY_MS)
            self._held_keys.add(key)
        try:
            token = self._fleet_lock(key, message)
        except BaseException:
            self._forget(key)
            raise
        with self._guard:
            self._held[delivery_of(message)] = (key, token)

    def entry_of(self, message: MessageProxy) -> Entry | None:
        """What entering ``message``'s entity read, while its lock is held; ``None`` without
        ``entries``, for a message about no entity, or while Redis is away."""
        return self._entered.get(delivery_of(message))

    def _fleet_lock(self, key: str, message: MessageProxy) -> str:
        try:
            token = self._take(key, message)
        except GateUnavailable as exc:
            if not self._degraded:
                logger.warning("Redis is unreachable; entities are locked in this process only: %s", exc)
                self._degraded = True
            return _LOCAL
        self._degraded = False
        if token is None:
            raise EntityBusy(f"{key} is being applied by another worker", delay_ms=BUSY_DELAY_MS)
        return token

    def _take(self, key: str, message: MessageProxy) -> str | None:
        if self._entries is None:
            return self._lock.acquire(key)
        entry = self._entries.enter(key, message.message_id)
        if entry is None:
            return None
        self._entered[delivery_of(message)] = entry
        return entry.token

    def _forget(self, key: str) -> None:
        with self._guard:
            self._held_keys.discard(key)

    def after_process_message(
        self, broker: Broker, message: MessageProxy, *, result: Any = None, exception: BaseException | None = None
    ) -> None:
        self._release(message)

    def after_skip_message(self, broker: Broker, message: MessageProxy) -> None:
        self._release(message)

    def _renew_until_stopped(self) -> None:
        interval_seconds = self._lock.lease_ms / 3 / 1000
        while not self._stopping.wait(interval_seconds):
            with self._guard:
                held = list(self._held.values())
            for key, token in held:
                if token != _LOCAL:
                    self._renew(key, token)

    def _renew(self, key: str, token: str) -> None:
        try:
            renewed = self._lock.extend(key, token)
        except GateUnavailable as exc:
            logger.warning("Could not renew the lock on %s: %s", key, exc)
            return
        with self._guard:
            still_held = (key, token) in self._held.values()
        if not renewed and still_held:
            logger.warning("The lock on %s was lost while its event was being applied.", key)

    def _release(self, message: MessageProxy) -> None:
        delivery = delivery_of(message)
        with self._guard:
            # Still there when a hook before this one stopped the message.
            self._arrived.pop(delivery, None)
            held = self._held.pop(delivery, None)
            self._entered.pop(delivery, None)
        if held is not None:
            self._let_go(*held)

    def _let_go(self, key: str, token: str) -> None:
        self._forget(key)
        if token == _LOCAL:
            return
        try:
            self._lock.release_later(key, token)
        except GateUnavailable:
            logger.warning("The lock on %s was left to expire: Redis did not answer.", key)
