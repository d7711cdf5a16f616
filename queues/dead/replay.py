"""Replaying and purging dead letters: planned, confirmed, audited, never lost on the way.

A replay moves each chosen message from its dead-letter queue to the ``replay`` lane, which
the workers drain under the same ERP budget as the live lanes, at the replay lane's small share,
so a replay never starves live orders. The message starts over (its failures forgotten) and
carries a replay count; one that was replayed ``replay_limit`` times already is quarantined
instead: moved to the quarantine queue, where only a forced replay or a purge reaches it.
Every replay and purge is written to the audit log.
"""

from __future__ import annotations

import json
import math
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dramatiq.common import xq_name

from queues.dead.audit import AuditLog
from queues.dead.queue import DeadLetterQueue
from queues.dead.reason import DeadLetterReason
from queues.dead.store import DeadLetterFilter, DeadLetterStore

__all__ = ["REPLAYS_OPTION", "Outcome", "Plan", "Replayer"]

#: The message option that counts how many times a message was replayed.
REPLAYS_OPTION = "weir_replays"

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Plan:
    """What a replay would do: ``replay`` messages sent to the replay lane, ``quarantine`` moved
    aside for having been replayed too often; ``eta_seconds`` at the replay lane's share of the
    ERP budget, one ERP call per event (``None`` when the budget is unlimited)."""

    replay: int
    quarantine: int
    eta_seconds: float | None


@dataclass
class Outcome:
    """What an action did; ``missing`` were no longer in their queue (replayed or purged already)."""

    done: int = 0
    quarantined: int = 0
    missing: list[str] = field(default_factory=list)


class Replayer:
    """Replays and purges the dead letters of one namespace."""

    def __init__(
        self,
        store: DeadLetterStore,
        queues: DeadLetterQueue,
        audit: AuditLog,
        *,
        replay_queue: str,
        quarantine_queue: str,
        replay_limit: int,
        replay_rate_per_second: float | None,
    ) -> None:
        self._store = store
        self._queues = queues
        self._audit = audit
        self._replay_queue = replay_queue
        self._quarantine_queue = quarantine_queue
        self._limit = replay_limit
        self._rate = replay_rate_per_second

    def plan(self, where: DeadLetterFilter, *, force: bool = False) -> Plan:
        """What :meth:`replay` would do with the dead letters ``where`` picks."""
        reasons = self._store.select(where)
        replay = sum(1 for reason in reasons if force or not self._too_often(reason))
        quarantine = sum(1 for reason in reasons if not force and self._too_often(reason) and reason.state == "dead")
        eta = None if not self._rate else math.ceil(replay / self._rate)
        return Plan(replay, quarantine, eta)

    def replay(
        self, where: DeadLetterFilter, *, who: str, why: str, force: bool = False, progress: Progress | None = None
    ) -> Outcome:
        """Send the dead letters ``where`` picks to the replay lane (or to quarantine)."""
        outcome = Outcome()
        for source, reasons in self._by_queue(self._store.select(where)).items():
            self._replay_from(source, reasons, force, outcome, progress)
        selection = where.describe() | ({"force": True} if force else {})
        self._audit.append(who=who, action="replay", count=outcome.done, selection=selection, why=why)
        if outcome.quarantined:
            self._audit.append(who=who, action="quarantine", count=outcome.quarantined, selection=selection, why=why)
        return outcome

    def purge(self, where: DeadLetterFilter, *, who: str, why: str, progress: Progress | None = None) -> Outcome:
        """Delete the dead letters ``where`` picks, message and reason."""
        outcome = Outcome()
        for source, reasons in self._by_queue(self._store.select(where)).items():
            wanted = {reason.message_id for reason in reasons}
            taken = self._queues.take(source, wanted, lambda *_: _tick(progress))
            self._store.remove(wanted)
            outcome.done += len(taken)
            outcome.missing += sorted(wanted - taken)
        self._audit.append(who=who, action="purge", count=outcome.done, selection=where.describe(), why=why)
        return outcome

    def _replay_from(
        self, source: str, reasons: list[DeadLetterReason], force: bool, outcome: Outcome, progress: Progress | None
    ) -> None:
        by_id = {reason.message_id: reason for reason in reasons}
        quarantined: set[str] = set()
        left: set[str] = set()

        def move(message_id: str, fields: dict[str, Any], body: bytes) -> bool:
            if force or not self._too_often(by_id[message_id]):
                self._queues.publish(self._replay_queue, self._fresh(fields), message_id)
            elif source == self._quarantine_queue:
                left.add(message_id)  # already aside: only a forced replay moves it on
                return False
            else:
                self._queues.publish(self._quarantine_queue, body, message_id)
                quarantined.add(message_id)
            _tick(progress)
            return True

        taken = self._queues.take(source, set(by_id), move)
        missing = set(by_id) - taken - left
        for message_id in quarantined & taken:
            self._store.set_state(by_id[message_id], "quarantined")
        self._store.remove((taken - quarantined) | missing)
        outcome.done += len(taken - quarantined)
        outcome.quarantined += len(quarantined & taken)
        outcome.missing += sorted(missing)

    def _fresh(self, fields: dict[str, Any]) -> bytes:
        """The message as it starts over in the replay lane: failures forgotten, replays counted."""
        options = {name: value for name, value in fields.get("options", {}).items() if name not in ("weir", "eta")}
        options[REPLAYS_OPTION] = int(options.get(REPLAYS_OPTION, 0)) + 1
        # Its age counts from the replay: someone chose to send it again now.
        fresh = {**fields, "queue_name": self._replay_queue, "options": options, "message_timestamp": _now_ms()}
        return json.dumps(fresh).encode()

    def _too_often(self, reason: DeadLetterReason) -> bool:
        return reason.replays >= self._limit

    def _by_queue(self, reasons: list[DeadLetterReason]) -> dict[str, list[DeadLetterReason]]:
        grouped: dict[str, list[DeadLetterReason]] = defaultdict(list)
        for reason in reasons:
            source = self._quarantine_queue if reason.state == "quarantined" else xq_name(reason.queue)
            grouped[source].append(reason)
        return grouped


def _tick(progress: Progress | None) -> bool:
    if progress is not None:
        progress(1)
    return True


def _now_ms() -> int:
    return int(time.time() * 1000)
