"""Stale-write fencing on a real worker, the real RabbitMQ and Redis: a state event older than
what its entity last applied is skipped; facts always run; the mark rises only after a write."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import dramatiq
import pytest
import redis
from dramatiq import Worker

from erp.errors import UnknownSku
from events.envelope import EventEnvelope
from queues.broker import LaneBroker, build_broker
from queues.dead import DeadLetterStore
from queues.lanes import Lane
from queues.tally import OutcomeTally, tally_key
from queues.topology import lane_queues
from samples.payloads import customer_envelope, order_envelope
from tests.support.net import eventually
from tests.support.proxy import TcpProxy
from tests.support.rabbit import RABBITMQ_URL, RabbitProbe
from throttling import HighWaterMark, KeyedLock
from throttling.lean_redis import LeanRedis
from workers.entities import entity_key, source_version
from workers.middleware import EntityLocks, RetryPolicy, StaleFence

BASE = datetime(2026, 11, 23, 10, 15, tzinfo=UTC)


class Recorder:
    """An actor body that notes each event it applied (event id) and fails the ones told to."""

    def __init__(self) -> None:
        self.applied: list[str] = []
        self.failing: set[str] = set()
        self._lock = threading.Lock()

    def __call__(self, envelope: dict[str, Any]) -> None:
        if envelope["event_id"] in self.failing:
            raise UnknownSku(["SKU-0099"])
        with self._lock:
            self.applied.append(envelope["event_id"])


def at(event: EventEnvelope, seconds: float, topic: str | None = None) -> dict[str, Any]:
    """``event`` as reported at ``BASE + seconds``, as its message carries it."""
    moved = event.model_copy(update={"occurred_at": BASE + timedelta(seconds=seconds), "topic": topic or event.topic})
    return moved.model_dump(mode="json")


@pytest.fixture
def marks(lean_redis: LeanRedis, namespace: str) -> HighWaterMark:
    return HighWaterMark(lean_redis, prefix=f"{namespace}:mark:", ttl_ms=60_000)


@pytest.fixture
def tally(redis_client: redis.Redis, namespace: str) -> OutcomeTally:
    return OutcomeTally(redis_client, tally_key(namespace))


@pytest.fixture
def fenced(
    namespace: str, redis_client: redis.Redis, lean_redis: LeanRedis, tally: OutcomeTally
) -> Iterator[Callable[[HighWaterMark], tuple[LaneBroker, Recorder, dramatiq.Actor[Any, Any]]]]:
    built: list[tuple[LaneBroker, Worker]] = []

    def build(marks: HighWaterMark) -> tuple[LaneBroker, Recorder, dramatiq.Actor[Any, Any]]:
        middleware = [
            EntityLocks(KeyedLock(lean_redis, prefix=f"{namespace}:lock:", lease_ms=30_000), entity_key),
            StaleFence(marks, source_version, tally=tally),
            RetryPolicy(DeadLetterStore(redis_client, prefix=f"{namespace}:dead:"), describe=lambda m: {}),
        ]
        broker = build_broker(RABBITMQ_URL, namespace, middleware=middleware, lanes=[Lane.CRITICAL])
        recorder = Recorder()
        queue = lane_queues(namespace, Lane.CRITICAL).ready
        actor = dramatiq.actor(actor_name="recorded", queue_name=queue, broker=broker, max_failures=0)(recorder)
        worker = Worker(broker, worker_threads=1, worker_timeout=100)
        worker.start()
        built.append((broker, worker))
        return broker, recorder, actor

    yield build
    for broker, worker in built:
        worker.stop()
        broker.close()


def test_an_older_state_event_after_a_newer_one_is_skipped_and_logged_with_both_versions(
    fenced: Callable[..., Any],
    marks: HighWaterMark,
    tally: OutcomeTally,
    rabbit: RabbitProbe,
    namespace: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="workers.middleware.stale_fence")
    _, recorder, actor = fenced(marks)
    customer = customer_envelope(7001)
    newer, older = at(customer, 10), at(customer, 0)

    # Given the customer's state as of 10:15:10 applied
    actor.send(newer)
    eventually(lambda: recorder.applied == [customer.event_id], what="the newer state to apply")

    # When the state as of 10:15:00 arrives after it
    stale = actor.send(older)

    # Then it is acknowledged without running, and the log says why
    eventually(lambda: tally.read().get("skipped:stale") == 1, what="the skip")
    assert recorder.applied == [customer.event_id]
    assert rabbit.count(lane_queues(namespace, Lane.CRITICAL).ready) == 0
    assert rabbit.count(lane_queues(namespace, Lane.CRITICAL).dead) == 0
    [line] = [record.getMessage() for record in caplog.records if "stale" in record.getMessage()]
    assert stale.message_id in line and "shop-us:customer:7001" in line
    assert "2026-11-23T10:15:00.000+00:00" in line and "2026-11-23T10:15:10.000+00:00" in line


def test_a_fact_event_is_never_skipped_however_old(
    fenced: Callable[..., Any], marks: HighWaterMark, tally: OutcomeTally
) -> None:
    _, recorder, actor = fenced(marks)
    order = order_envelope(7002)
    refund = order.model_copy(update={"event_id": "refund-1"})

    # Given the order's state as of 10:15:10 applied
    actor.send(at(order, 10))
    eventually(lambda: len(recorder.applied) == 1, what="the order to apply")

    # When a refund of the same order, from an hour before, arrives
    actor.send(at(refund, -3600, topic="refund.created"))

    # Then it runs all the same
    eventually(lambda: recorder.applied == [order.event_id, "refund-1"], what="the refund to apply")
    assert "skipped:stale" not in tally.read()


def test_the_mark_rises_only_after_the_erp_confirmed_the_write(
    fenced: Callable[..., Any], marks: HighWaterMark, rabbit: RabbitProbe, namespace: str
) -> None:
    _, recorder, actor = fenced(marks)
    newer = customer_envelope(7003)
    older = newer.model_copy(update={"event_id": "older"})
    recorder.failing.add(newer.event_id)

    # Given the newer state fails to write (dead-lettered)
    actor.send(at(newer, 10))
    eventually(lambda: rabbit.count(lane_queues(namespace, Lane.CRITICAL).dead) == 1, what="the dead letter")

    # Then the mark did not move, so the older state still applies, and raises it
    assert marks.read("shop-us:customer:7003") is None
    actor.send(at(older, 0))
    eventually(lambda: recorder.applied == ["older"], what="the older state to apply")
    mark = eventually(lambda: marks.read("shop-us:customer:7003"), what="the mark")
    assert mark == int(BASE.timestamp() * 1000)


def test_without_redis_state_events_are_applied_rather_than_dropped(
    fenced: Callable[..., Any], tally: OutcomeTally, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="workers.middleware.stale_fence")
    proxy = TcpProxy("127.0.0.1", 6379)
    port = proxy.start()
    client = LeanRedis(f"redis://127.0.0.1:{port}/0", timeout=1)
    try:
        proxy.cut()
        _, recorder, actor = fenced(HighWaterMark(client, prefix="nowhere:mark:", ttl_ms=60_000))
        customer = customer_envelope(7004)

        # When Redis is away, a newer then an older state arrive
        actor.send(at(customer, 10))
        actor.send(at(customer.model_copy(update={"event_id": "older"}), 0))

        # Then both are applied (ERP writes are idempotent), and the log says the fence is off
        eventually(lambda: len(recorder.applied) == 2, what="both states to apply")
    finally:
        proxy.stop()
        client.close()
    assert recorder.applied == [customer.event_id, "older"]
    assert any("without the stale fence" in record.getMessage() for record in caplog.records)
    assert "skipped:stale" not in tally.read()
