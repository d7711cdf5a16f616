"""A shuffled, duplicated stream of events for orders of several channels converges in the real
Tryton to the latest state of each order, applied by the task handlers in one thread.

What this side (the tasks and the Tryton adapter) guarantees, whatever the order and however
often each event comes: one sale per order and one return per refund (unique references), a
fulfillment ships once, a cancellation cancels once and a later creation does not revive it,
and an event whose sale is missing waits (``SaleMissing`` is a deferral: the test re-queues it,
as the worker's retry policy does). What it does not guarantee: among *state* events of one
entity (a customer's, a SKU's stock figure), the last one applied wins. Putting the latest one
last is stale-write fencing's job; the test stands in for it with :class:`Fence` (skip an event
strictly older than the newest applied for its entity, let equal versions through), which keeps
a failure here about the tasks and the adapter alone. The same stream through the real lanes,
workers and fence is ``tests/end_to_end/test_convergence.py``.
"""

from __future__ import annotations

import random
import uuid
from collections import deque
from datetime import datetime

from erp.errors import SaleMissing
from erp.settings import ErpSettings
from erp.tryton import TrytonErp
from events.canonical import CanonicalEvent, CustomerUpdated, InventoryUpdated
from events.envelope import EventEnvelope
from tasks import handle
from tests.events.mapping.envelopes import envelope
from tests.support.convergence import Stream, assert_converged, stream_of


class Fence:
    """Stands in for the workers' stale-write fencing: the newest ``source_version`` applied per
    entity; state events strictly older are skipped."""

    def __init__(self) -> None:
        self._applied: dict[str, datetime] = {}

    def admits(self, channel: str, event: CanonicalEvent) -> bool:
        match event:
            case CustomerUpdated():
                key = f"{channel}:customer:{event.customer.id}"
            case InventoryUpdated():
                key = f"{channel}:stock:{','.join(sorted(level.sku for level in event.levels))}"
            case _:
                return True
        if event.source_version < self._applied.get(key, event.source_version):
            return False
        self._applied[key] = event.source_version
        return True


def apply_all(stream: Stream, erp: TrytonErp, fence: Fence) -> None:
    """Apply every event once it can be: a deferred one goes back to the end of the queue."""
    queue = deque(stream)
    deferrals = 0
    while queue:
        channel, event = queue.popleft()
        if not fence.admits(channel, event):
            continue
        try:
            handle(_envelope(channel, event), event, erp)
        except SaleMissing:
            deferrals += 1
            assert deferrals < 10 * len(stream), "events wait for sales that never come"
            queue.append((channel, event))


def _envelope(channel: str, event: CanonicalEvent) -> EventEnvelope:
    return envelope({}, provider="canonical", topic=event.family, channel=channel)


def test_a_shuffled_duplicated_stream_converges_to_the_latest_state_of_every_order(
    tryton_erp: TrytonErp, tryton: ErpSettings
) -> None:
    # Given every event twice, in a random order (seeded, so a failure can be replayed)
    run = uuid.uuid4().hex[:8]
    events, orders = stream_of(run)
    stream = events + events
    random.Random(run).shuffle(stream)

    apply_all(stream, tryton_erp, Fence())

    assert_converged(run, orders, tryton_erp, tryton)
