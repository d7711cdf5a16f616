"""Per-entity order behind a dead letter, on the workers' own stack (:func:`workers.app.build`),
the real RabbitMQ and Redis, and the ERP simulator: an order's later events wait behind its dead
letter while other orders flow; replayed (or purged) by on-call, they land in their order."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import dramatiq
import pytest
import redis
from dramatiq import Worker

from erp.errors import UnknownSku
from erp.simulator import SimulatorErp
from events.envelope import EventEnvelope
from oncall.fleet import OnCall
from queues.broker import LaneBroker, build_broker
from queues.dead import DeadLetterFilter, DeadLetterReason, dead_letter_store
from queues.dead.holds import entity_holds
from queues.lanes import Lane
from queues.topology import lane_queues
from samples.payloads import envelope, shopify_order
from tests.fixtures.simulator import RunningSimulator
from tests.support.events import publish
from tests.support.net import eventually
from tests.support.oncall import oncall_of
from tests.support.proxy import TcpProxy
from tests.support.rabbit import RABBITMQ_URL, RabbitProbe
from tests.support.recording_erp import RecordingErp
from throttling import KeyedLock
from throttling.lean_redis import LeanRedis
from weir.settings import RedisSettings
from weir.stores import sync_redis
from workers.app import WorkerConfig, build
from workers.entities import entity_key
from workers.middleware import EntityHold, EntityLocks, RetryPolicy

BASE = datetime(2026, 11, 23, 10, 15, tzinfo=UTC)
FIXABLE_SKU = "SKU-LATER"
CATALOGUE = ["SKU-0001", "SKU-0002"]


def order_event(order_id: int, topic: str, quantity: int, *, sku: str = "SKU-0001") -> EventEnvelope:
    """An order's state with ``quantity`` of ``sku``, as reported ``quantity`` seconds after BASE."""
    payload = shopify_order(order_id, lines=[(sku, quantity, "5.00")])
    event = envelope(topic, str(order_id), payload, "critical")
    return event.model_copy(update={"occurred_at": BASE + timedelta(seconds=quantity)})


@pytest.fixture
def erp(simulator_erp: SimulatorErp, simulator: RunningSimulator) -> RecordingErp:
    simulator.control.sell(CATALOGUE)
    return RecordingErp(simulator_erp)


@pytest.fixture
def oncall(worker_config: WorkerConfig) -> Iterator[OnCall]:
    oncall = oncall_of(worker_config)
    yield oncall
    oncall.close()


def parked(redis_client: redis.Redis, namespace: str) -> list[DeadLetterReason]:
    reasons = dead_letter_store(redis_client, namespace).select()
    return [reason for reason in reasons if reason.classification == "parked"]


def dead_order(
    erp: RecordingErp,
    worker_config: WorkerConfig,
    run_workers: Callable[[LaneBroker], Worker],
    redis_client: redis.Redis,
    namespace: str,
    order_id: int,
) -> tuple[EventEnvelope, list[EventEnvelope]]:
    """Order ``order_id`` dead-lettered for a SKU the ERP does not sell yet, then paid twice:
    returns the dead letter's event and the two later ones, parked behind it."""
    run_workers(build(worker_config, erp=erp))
    created = order_event(order_id, "order.created", 1, sku=FIXABLE_SKU)
    publish(namespace, [created])
    store = dead_letter_store(redis_client, namespace)
    eventually(lambda: store.get(created.event_id), what="the dead letter")
    later = [order_event(order_id, "order.paid", quantity, sku=FIXABLE_SKU) for quantity in (2, 3)]
    publish(namespace, later)
    eventually(lambda: len(parked(redis_client, namespace)) == 2, what="the later events to park")
    # A reason is kept just before its message is rejected into the XQ: wait for the messages too.
    probe = RabbitProbe()
    try:
        eventually(lambda: probe.count(lane_queues(namespace, Lane.CRITICAL).dead) == 3, what="the XQ")
    finally:
        probe.close()
    return created, later


def test_an_orders_later_events_wait_behind_its_dead_letter_while_other_orders_flow(
    erp: RecordingErp,
    worker_config: WorkerConfig,
    run_workers: Callable[[LaneBroker], Worker],
    redis_client: redis.Redis,
    namespace: str,
    rabbit: RabbitProbe,
    oncall: OnCall,
) -> None:
    # Given order 8001 dead-lettered, and two later events of it parked
    created, later = dead_order(erp, worker_config, run_workers, redis_client, namespace, 8001)

    # When another order comes
    publish(namespace, [order_event(8002, "order.created", 4)])

    # Then it flows, while 8001's events wait, each naming the dead letter it waits behind
    eventually(lambda: erp.of("8002") == ["4"], what="order 8002 to apply")
    assert erp.of("8001") == []
    waiting = sorted(parked(redis_client, namespace), key=lambda reason: reason.dead_lettered_at)
    assert [reason.message_id for reason in waiting] == [event.event_id for event in later]
    assert {reason.blocked_by for reason in waiting} == {created.event_id}
    assert {reason.entity_key for reason in waiting} == {"shop-us:order:8001"}
    assert entity_holds(redis_client, namespace).line("shop-us:order:8001") == [
        created.event_id,
        *(event.event_id for event in later),
    ]
    # And on-call sees them: kept in the lane's dead letters, counted as parked
    assert rabbit.count(lane_queues(namespace, Lane.CRITICAL).dead) == 3
    [critical] = [lane for lane in oncall.status().lanes if lane.lane == "critical"]
    assert (critical.dead, critical.parked) == (3, 2)


def test_once_the_cause_is_fixed_and_the_dead_letter_replayed_the_orders_events_land_in_order(
    erp: RecordingErp,
    worker_config: WorkerConfig,
    run_workers: Callable[[LaneBroker], Worker],
    redis_client: redis.Redis,
    namespace: str,
    rabbit: RabbitProbe,
    oncall: OnCall,
    simulator: RunningSimulator,
) -> None:
    # Given order 8003 dead-lettered, and two later events of it parked
    created, _ = dead_order(erp, worker_config, run_workers, redis_client, namespace, 8003)

    # When the SKU is added and on-call replays the dead letter (only it)
    simulator.control.sell([*CATALOGUE, FIXABLE_SKU])
    with oncall.replayer() as replayer:
        assert replayer.plan(DeadLetterFilter(ids=frozenset({created.event_id}))).released == 2
        outcome = replayer.replay(DeadLetterFilter(ids=frozenset({created.event_id})), who="test", why="SKU added")

    # Then it applies first, and the parked events after it, in their order
    assert (outcome.done, outcome.released) == (1, 2)
    eventually(lambda: erp.of("8003") == ["1", "2", "3"], timeout=60, what="every event of 8003 to apply")
    assert dead_letter_store(redis_client, namespace).select() == []
    assert entity_holds(redis_client, namespace).line("shop-us:order:8003") == []
    for lane in (Lane.CRITICAL, Lane.REPLAY):
        assert rabbit.count(lane_queues(namespace, lane).dead) == 0
    assert [entry.action for entry in oncall.audit.read()] == ["release", "replay"]


def test_purging_a_dead_letter_releases_the_events_parked_behind_it(
    erp: RecordingErp,
    worker_config: WorkerConfig,
    run_workers: Callable[[LaneBroker], Worker],
    redis_client: redis.Redis,
    namespace: str,
    oncall: OnCall,
    simulator: RunningSimulator,
) -> None:
    # Given order 8004 dead-lettered, and two later events of it parked
    created, _ = dead_order(erp, worker_config, run_workers, redis_client, namespace, 8004)
    simulator.control.sell([*CATALOGUE, FIXABLE_SKU])

    # When on-call purges the dead letter
    with oncall.replayer() as replayer:
        outcome = replayer.purge(DeadLetterFilter(ids=frozenset({created.event_id})), who="test", why="a test order")

    # Then the events behind it go, in their order
    assert (outcome.done, outcome.released) == (1, 2)
    eventually(lambda: erp.of("8004") == ["2", "3"], timeout=60, what="the parked events to apply")
    assert dead_letter_store(redis_client, namespace).select() == []
    assert entity_holds(redis_client, namespace).line("shop-us:order:8004") == []


def test_without_redis_an_entitys_events_are_applied_rather_than_held(
    namespace: str, redis_client: redis.Redis, lean_redis: LeanRedis, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="workers.middleware.entity_hold")
    applied: list[str] = []
    proxy = TcpProxy("127.0.0.1", 6379)
    port = proxy.start()
    holds_client = sync_redis(RedisSettings(url=f"redis://127.0.0.1:{port}/0", timeout_seconds=1))
    middleware = [
        EntityLocks(KeyedLock(lean_redis, prefix=f"{namespace}:lock:", lease_ms=30_000), entity_key),
        EntityHold(entity_holds(holds_client, namespace), entity_key),
        RetryPolicy(dead_letter_store(redis_client, namespace), describe=lambda message: {}),
    ]
    broker = build_broker(RABBITMQ_URL, namespace, middleware=middleware, lanes=[Lane.CRITICAL])
    first = order_event(8005, "order.created", 1)

    def apply(event: dict[str, Any]) -> None:
        if event["event_id"] == first.event_id:
            raise UnknownSku([FIXABLE_SKU])
        applied.append(event["event_id"])

    queue = lane_queues(namespace, Lane.CRITICAL).ready
    actor = dramatiq.actor(actor_name="held", queue_name=queue, broker=broker, max_failures=0)(apply)
    worker = Worker(broker, worker_threads=1, worker_timeout=100)
    worker.start()
    try:
        # Given Redis unreachable for the entities' lines, and an order's first event dead
        proxy.cut()
        dead = actor.send(first.model_dump(mode="json"))
        eventually(lambda: dead_letter_store(redis_client, namespace).get(dead.message_id), what="the dead letter")

        # When a later event of the order comes
        later = order_event(8005, "order.paid", 2)
        actor.send(later.model_dump(mode="json"))

        # Then it is applied (writes are idempotent) rather than parked, and the log says why
        eventually(lambda: applied == [later.event_id], what="the later event to apply")
    finally:
        worker.stop()
        broker.close()
        proxy.stop()
        holds_client.close()
    assert any("no entity waits behind its dead letters" in record.getMessage() for record in caplog.records)
