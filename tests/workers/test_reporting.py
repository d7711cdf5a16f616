"""What workers send to Sentry, with a real Sentry client whose transport keeps envelopes in memory,
real workers, the real RabbitMQ and Redis, and the ERP simulator.

Deferrals and throttling never reach Sentry; a dead letter does, once, fingerprinted by its cause.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import dramatiq
import pytest
import redis
from dramatiq import Worker
from sentry_sdk.integrations.dramatiq import DramatiqIntegration

from erp.simulator import SimulatorErp
from events.envelope import EventEnvelope
from queues.broker import LaneBroker, build_broker
from queues.dead import dead_letter_store
from queues.lanes import Lane
from queues.message import EVENT_ACTOR, event_message
from queues.tally import OutcomeTally, tally_key
from queues.topology import lane_queues
from samples.payloads import envelope, order_envelope, shopify_order
from tests.fixtures.simulator import RunningSimulator
from tests.support.events import publish
from tests.support.net import eventually
from tests.support.rabbit import RABBITMQ_URL, RabbitProbe
from tests.support.sentry import RecordingTransport, recording_sentry
from weir.settings import ServiceSettings
from workers.app import WorkerConfig, build
from workers.middleware import LogContext, RetryPolicy
from workers.reporting import WORKER_DROPS, report_dead_letter


@pytest.fixture
def sentry(service: ServiceSettings) -> Iterator[RecordingTransport]:
    # Before any broker is built: the Dramatiq integration patches the broker's constructor.
    with recording_sentry(service, [DramatiqIntegration()], WORKER_DROPS) as transport:
        yield transport


def unknown_sku_order(order_id: int) -> EventEnvelope:
    return envelope(
        "order.created", str(order_id), shopify_order(order_id, lines=[("NOT-A-SKU", 1, "1.00")]), "critical"
    )


def test_a_permanent_failure_is_reported_once_fingerprinted_by_its_cause(
    sentry: RecordingTransport,
    worker_config: WorkerConfig,
    simulator_erp: SimulatorErp,
    run_workers: Callable[[LaneBroker], Worker],
    namespace: str,
    redis_client: redis.Redis,
    rabbit: RabbitProbe,
) -> None:
    # Given the workers' own broker, and an order for a SKU the ERP does not sell
    run_workers(build(worker_config, erp=simulator_erp))
    [event] = [unknown_sku_order(4001)]
    publish(namespace, [event])

    # When it is dead-lettered
    eventually(lambda: rabbit.count(lane_queues(namespace, Lane.CRITICAL).dead) == 1, what="the dead letter")
    [reason] = dead_letter_store(redis_client, namespace).select()

    # Then Sentry got it once, grouped by its cause, tagged to find it again
    [report] = eventually(lambda: sentry.events, what="the report")
    assert report["fingerprint"] == [reason.fingerprint]
    assert report["tags"]["classification"] == "permanent"
    assert report["tags"]["lane"] == "critical"
    assert report["tags"]["channel"] == "shop-us"
    assert report["tags"]["correlation_id"] == event.correlation_id
    assert reason.cause in report["message"] or reason.cause in str(report.get("exception"))
    assert len(sentry.events) == 1


def test_throttling_and_deferrals_never_reach_sentry(
    sentry: RecordingTransport,
    worker_config: WorkerConfig,
    simulator_erp: SimulatorErp,
    simulator: RunningSimulator,
    run_workers: Callable[[LaneBroker], Worker],
    namespace: str,
    redis_client: redis.Redis,
) -> None:
    # Given an ERP that answers 429 to everything for a second
    simulator.control.add_storm(retry_after_seconds=1, duration_seconds=1)
    publish(namespace, [order_envelope(4002)])

    # When the order waits out the storm and then lands
    run_workers(build(worker_config, erp=simulator_erp))
    eventually(lambda: simulator.stats().orders == 1, timeout=30, what="the sale")

    # Then it was deferred, and Sentry heard nothing
    assert simulator.stats().throttled >= 1
    assert OutcomeTally(redis_client, tally_key(namespace)).read().get("deferrals:ErpThrottled", 0) >= 1
    assert sentry.events == []


def test_a_real_failure_is_reported_once_when_its_retries_run_out_not_on_each_attempt(
    sentry: RecordingTransport,
    run_workers: Callable[[LaneBroker], Worker],
    namespace: str,
    redis_client: redis.Redis,
    rabbit: RabbitProbe,
) -> None:
    # Given an actor with a bug, allowed two retries
    facts = {"lane": "critical", "channel": "shop-us", "correlation_id": "corr-bug"}
    policy = RetryPolicy(
        dead_letter_store(redis_client, namespace), describe=lambda message: facts, on_dead=report_dead_letter
    )
    broker = build_broker(RABBITMQ_URL, namespace, middleware=[LogContext(), policy], lanes=[Lane.CRITICAL])
    attempts: list[int] = []

    def apply_event(envelope: dict[str, Any]) -> None:
        attempts.append(1)
        raise KeyError("line_items")

    queue = lane_queues(namespace, Lane.CRITICAL).ready
    declare = dramatiq.actor(
        actor_name=EVENT_ACTOR, queue_name=queue, broker=broker, max_failures=2, min_backoff_ms=10, max_backoff_ms=20
    )
    declare(apply_event)
    broker.enqueue(event_message(order_envelope(4003), queue))

    # When it fails three times and is dead-lettered as exhausted
    run_workers(broker)
    eventually(lambda: rabbit.count(lane_queues(namespace, Lane.CRITICAL).dead) == 1, what="the dead letter")

    # Then Sentry got one event, with the bug's traceback, not one per attempt
    [report] = eventually(lambda: sentry.events, what="the report")
    [reason] = dead_letter_store(redis_client, namespace).select()
    assert len(attempts) == 3
    assert report["fingerprint"] == [reason.fingerprint]
    assert report["tags"]["classification"] == "exhausted"
    assert report["exception"]["values"][-1]["type"] == "KeyError"
    assert report["exception"]["values"][-1]["stacktrace"]["frames"]
    assert len(sentry.events) == 1
