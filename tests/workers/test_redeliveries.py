"""Two deliveries of one message in one worker at once (RabbitMQ redelivers a message whose
consumer lost its connection while the first delivery still runs), on a real worker, the real
RabbitMQ and Redis: the redelivery waits as its entity is busy, and its hooks leave the running
delivery's entity lock and version mark alone."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import dramatiq
import pytest
import redis
from dramatiq import Broker, Middleware, Worker
from dramatiq.broker import MessageProxy

from queues.broker import LaneBroker, build_broker
from queues.dead import DeadLetterStore
from queues.lanes import Lane
from queues.topology import lane_queues
from samples.payloads import customer_envelope
from tests.support.net import eventually
from tests.support.rabbit import RABBITMQ_URL
from throttling import HighWaterMark, KeyedLock
from throttling.lean_redis import LeanRedis
from workers.entities import entity_key, source_version
from workers.errors import EntityBusy
from workers.middleware import EntityLocks, LaneContext, LogContext, RetryPolicy, StaleFence

BASE = datetime(2026, 11, 23, 10, 15, tzinfo=UTC)
CUSTOMER = customer_envelope(7301)


class Outcomes(Middleware):
    """Notes how each delivery ended, once every other middleware's after-hook ran (put it first)."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, type[BaseException] | None]] = []

    def after_process_message(
        self, broker: Broker, message: MessageProxy, *, result: Any = None, exception: BaseException | None = None
    ) -> None:
        self.seen.append((message.message_id, None if exception is None else type(exception)))


class Gated:
    """An actor body whose first call waits until :attr:`go` is set; notes every call."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.go = threading.Event()
        self.calls: list[str] = []

    def __call__(self, envelope: dict[str, Any]) -> None:
        self.calls.append(envelope["event_id"])
        if not self.started.is_set():
            self.started.set()
            assert self.go.wait(30), "the test never let the first delivery finish"


def state_at(seconds: int, event_id: str) -> dict[str, Any]:
    """The customer's state as of ``BASE + seconds``, as event ``event_id``."""
    event = CUSTOMER.model_copy(update={"occurred_at": BASE + timedelta(seconds=seconds), "event_id": event_id})
    return event.model_dump(mode="json")


@pytest.fixture
def marks(lean_redis: LeanRedis, namespace: str) -> HighWaterMark:
    return HighWaterMark(lean_redis, prefix=f"{namespace}:mark:", ttl_ms=60_000)


@pytest.fixture
def stack(
    namespace: str, redis_client: redis.Redis, lean_redis: LeanRedis, marks: HighWaterMark
) -> Iterator[tuple[LaneBroker, Outcomes]]:
    outcomes = Outcomes()
    middleware = [
        outcomes,
        LogContext(),
        LaneContext(),
        EntityLocks(KeyedLock(lean_redis, prefix=f"{namespace}:lock:", lease_ms=30_000), entity_key),
        StaleFence(marks, source_version),
        RetryPolicy(DeadLetterStore(redis_client, prefix=f"{namespace}:dead:"), describe=lambda message: {}),
    ]
    broker = build_broker(RABBITMQ_URL, namespace, middleware=middleware, lanes=[Lane.CRITICAL])
    yield broker, outcomes
    broker.close()


def test_a_redelivery_that_finds_its_entity_busy_leaves_the_running_deliverys_lock_and_mark(
    stack: tuple[LaneBroker, Outcomes], marks: HighWaterMark, namespace: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    broker, outcomes = stack
    body = Gated()
    queue = lane_queues(namespace, Lane.CRITICAL).ready
    actor = dramatiq.actor(actor_name="gated", queue_name=queue, broker=broker, max_failures=0)(body)
    worker = Worker(broker, worker_threads=2, worker_timeout=100)
    worker.start()
    try:
        # Given the customer's state as of 10:15:10 being applied
        first = actor.send(state_at(10, "e-10"))
        assert body.started.wait(10), "the first delivery never started"

        # When the same message is delivered again meanwhile
        broker.enqueue(first)
        eventually(lambda: (first.message_id, EntityBusy) in outcomes.seen, what="the redelivery to wait")

        # Then the entity stays locked while the first delivery runs: another event of it waits
        other = actor.send(state_at(5, "e-5"))
        eventually(lambda: any(seen == other.message_id for seen, _ in outcomes.seen), what="the other event")
        assert (other.message_id, EntityBusy) in outcomes.seen
        assert body.calls == ["e-10"]

        # And once the first delivery is applied, its version is the entity's mark
        body.go.set()
        eventually(lambda: (first.message_id, None) in outcomes.seen, what="the first delivery to apply")
        applied_ms = int((BASE + timedelta(seconds=10)).timestamp() * 1000)
        assert marks.read(f"shop-us:customer:{CUSTOMER.entity_id}") == applied_ms
    finally:
        body.go.set()
        worker.stop()
    # And no after-hook of either delivery failed on the other's state (Dramatiq logs those CRITICAL)
    assert [record.getMessage() for record in caplog.records if record.levelno >= logging.CRITICAL] == []
