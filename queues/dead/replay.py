"""Replaying and purging dead letters: planned, confirmed, audited, never lost on the way.

A replay moves each chosen message from its dead-letter queue to the ``replay`` lane, which
the workers drain under the same ERP budget as the live lanes, at the replay lane's small share,
so a replay never starves live orders. The message starts over (its failures forgotten) and
carries a replay count; one that was replayed ``replay_limit`` times already is quarantined
instead: moved to the quarantine queue, where only a forced replay or a purge reaches it.
Every replay and purge is written to the audit log. Dead letters of the outbound lane go back to
the outbound lane instead: their actors tell channels, not the ERP, and run only there.

A dead letter that blocks its entity (:mod:`queues.dead.holds`) takes the events parked behind
it along: a replay sends them after it, each to wait until the one ahead has applied; a purge
sends them on their own, as nothing is left to wait for. Either way the audit log says how many
were released.
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
from queues.dead.holds import EntityHolds
from queues.dead.queue import DeadLetterQueue
from queues.dead.reason import DeadLetterReason
from queues.dead.store import DeadLetterFilter, DeadLetterStore
from queues.lanes import Lane
from queues.topology import lane_of

__all__ = ["REPLAYS_OPTION", "Outcome", "Plan", "Replayer"]

#: The message option that counts how many times a message was replayed.
REPLAYS_OPTION = "weir_replays"

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Plan:
    """What a replay would do: ``replay`` messages sent to the replay lane, ``quarantine`` moved
    aside for having been replayed too often; ``eta_seconds`` at the replay lane's share of the
    ERP budget, one ERP call per event (``None`` when the budget is unlimited); ``released``
    parked events that follow the replayed ones."""

    replay: int
    quarantine: int
    eta_seconds: float | None
    released: int = 0


@dataclass
class Outcome:
    """What an action did; ``missing`` were no longer in their queue (replayed or purged already);
    ``released`` parked events sent on behind the dead letters acted on."""

    done: int = 0
    quarantined: int = 0
    missing: list[str] = field(default_factory=list)
    released: int = 0


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
        holds: EntityHolds | None = None,
    ) -> None:
        self._store = store
        self._holds = holds
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
        released = len(self._released_by(reasons, force))
        eta = None if not self._rate else math.ceil((replay + released) / self._rate)
        return Plan(replay, quarantine, eta, released)

    def followers(self, where: DeadLetterFilter, *, force: bool = False) -> list[DeadLetterReason]:
        """The parked events :meth:`plan` counts as ``released``: those behind the dead letters
        ``where`` picks, blocker by blocker, each line in its order."""
        return self._released_by(self._store.select(where), force)

    def replay(
        self, where: DeadLetterFilter, *, who: str, why: str, force: bool = False, progress: Progress | None = None
    ) -> Outcome:
        """Send the dead letters ``where`` picks to the replay lane (or to quarantine)."""
        outcome = Outcome()
        chosen = self._store.select(where)
        followers = {reason.message_id: self._followers(reason) for reason in chosen}
        for source, reasons in self._by_queue(chosen).items():
            self._replay_from(source, reasons, force, outcome, progress)
        replayed = [followers[reason.message_id] for reason in chosen if self._store_lacks(reason)]
        self._release(replayed, {reason.message_id for reason in chosen}, outcome, progress)
        selection = where.describe() | ({"force": True} if force else {})
        self._audit.append(who=who, action="replay", count=outcome.done, selection=selection, why=why)
        if outcome.released:
            self._audit.append(who=who, action="release", count=outcome.released, selection=selection, why=why)
        if outcome.quarantined:
            self._audit.append(who=who, action="quarantine", count=outcome.quarantined, selection=selection, why=why)
        return outcome

    def purge(self, where: DeadLetterFilter, *, who: str, why: str, progress: Progress | None = None) -> Outcome:
        """Delete the dead letters ``where`` picks, message and reason."""
        outcome = Outcome()
        chosen = self._store.select(where)
        followers = {reason.message_id: self._followers(reason) for reason in chosen}
        for source, reasons in self._by_queue(chosen).items():
            wanted = {reason.message_id for reason in reasons}
            taken = self._queues.take(source, wanted, lambda *_: _tick(progress))
            self._store.remove(wanted)
            outcome.done += len(taken)
            outcome.missing += sorted(wanted - taken)
        unblocked = [followers[reason.message_id] for reason in chosen if self._leave(reason)]
        self._release(unblocked, {reason.message_id for reason in chosen}, outcome, progress)
        self._audit.append(who=who, action="purge", count=outcome.done, selection=where.describe(), why=why)
        if outcome.released:
            self._audit.append(who=who, action="release", count=outcome.released, selection=where.describe(), why=why)
        return outcome

    def _replay_from(
        self, source: str, reasons: list[DeadLetterReason], force: bool, outcome: Outcome, progress: Progress | None
    ) -> None:
        by_id = {reason.message_id: reason for reason in reasons}
        quarantined: set[str] = set()
        left: set[str] = set()

        def move(message_id: str, fields: dict[str, Any], body: bytes) -> bool:
            if force or not self._too_often(by_id[message_id]):
                self._send_back(by_id[message_id], fields)
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
        for message_id in missing:
            if by_id[message_id].classification == "parked":
                # Gone from its queue: nothing will come to take its turn, so it leaves its line.
                self._leave(by_id[message_id])
        outcome.done += len(taken - quarantined)
        outcome.quarantined += len(quarantined & taken)
        outcome.missing += sorted(missing)

    def _send_back(self, reason: DeadLetterReason, fields: dict[str, Any]) -> None:
        """Publish the message to the replay lane; a blocker stops blocking first, so that what
        parks behind it from now on waits for it instead (and blocks again if that fails)."""
        holds, entity = self._holds, reason.entity_key
        released = holds is not None and entity is not None and holds.release(entity, reason.message_id)
        try:
            target = self._target(reason.queue)
            self._queues.publish(target, self._fresh(fields, target), reason.message_id)
        except Exception:
            if released and holds is not None and entity is not None:
                holds.block(entity, reason.message_id)
            raise

    def _released_by(self, reasons: list[DeadLetterReason], force: bool) -> list[DeadLetterReason]:
        chosen = (reason for reason in reasons if force or not self._too_often(reason))
        return [follower for reason in chosen for follower in self._followers(reason)]

    def _followers(self, reason: DeadLetterReason) -> list[DeadLetterReason]:
        """The parked events behind ``reason`` when it blocks its entity, in their line's order."""
        if self._holds is None or reason.entity_key is None or reason.classification == "parked":
            return []
        line = self._holds.line(reason.entity_key)
        if not line or line[0] != reason.message_id:
            return []
        parked = {found.message_id: found for found in self._store.get_many(line[1:])}
        return [parked[message_id] for message_id in line[1:] if message_id in parked]

    def _leave(self, reason: DeadLetterReason) -> bool:
        """Take a purged dead letter out of its entity's line; whether it was the blocker."""
        if self._holds is None or reason.entity_key is None:
            return False
        return self._holds.leave(reason.entity_key, reason.message_id)

    def _store_lacks(self, reason: DeadLetterReason) -> bool:
        """Whether ``reason`` left the store (it was replayed, not quarantined or left behind)."""
        return self._store.get(reason.message_id) is None

    def _release(
        self,
        followers: list[list[DeadLetterReason]],
        handled: set[str],
        outcome: Outcome,
        progress: Progress | None,
    ) -> None:
        """Send each unblocked entity's parked events to the replay lane, in their line's order."""
        pending = [reason for line in followers for reason in line if reason.message_id not in handled]
        released = Outcome()
        for source, reasons in self._by_queue(pending).items():
            self._replay_from(source, reasons, True, released, progress)
        outcome.released += released.done
        outcome.missing += released.missing

    def _target(self, queue: str) -> str:
        """Where a dead letter of ``queue`` is replayed: the replay lane, or its own lane's
        queue when that is the outbound lane."""
        if lane_of(queue) == Lane.OUTBOUND:
            return queue.removesuffix(".DQ").removesuffix(".XQ")
        return self._replay_queue

    def _fresh(self, fields: dict[str, Any], queue: str) -> bytes:
        """The message as it starts over in the replay lane: failures forgotten, replays counted."""
        options = {name: value for name, value in fields.get("options", {}).items() if name not in ("weir", "eta")}
        options[REPLAYS_OPTION] = int(options.get(REPLAYS_OPTION, 0)) + 1
        # Its age counts from the replay: someone chose to send it again now.
        fresh = {**fields, "queue_name": queue, "options": options, "message_timestamp": _now_ms()}
        return json.dumps(fresh).encode()

    def _too_often(self, reason: DeadLetterReason) -> bool:
        # A parked event did not fail: however often it was sent back, it is never quarantined.
        return reason.classification != "parked" and reason.replays >= self._limit

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
