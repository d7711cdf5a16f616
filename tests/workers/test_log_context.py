"""A worker thread's log lines carry the ids of the message it processes, from a real worker on
the real RabbitMQ."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import dramatiq
import pytest
import redis
from dramatiq import Worker

from erp.errors import UnknownSku
from queues.broker import LaneBroker, build_broker
from queues.dead import dead_letter_store
from queues.lanes import Lane
from queues.message import EVENT_ACTOR, event_message
from queues.topology import lane_queues
from samples.payloads import customer_envelope, order_envelope
from tests.support.net import eventually
from tests.support.rabbit import RABBITMQ_URL
from weir.log_context import LogContextFilter
from workers.middleware import LogContext, RetryPolicy

logger = logging.getLogger("tests.actor")


@pytest.fixture
def broker(namespace: str, redis_client: redis.Redis) -> Iterator[LaneBroker]:
    policy = RetryPolicy(dead_letter_store(redis_client, namespace), describe=lambda message: {})
    broker = build_broker(RABBITMQ_URL, namespace, middleware=[LogContext(), policy], lanes=[Lane.CRITICAL])
    yield broker
    broker.close()


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO)
    caplog.handler.addFilter(LogContextFilter())
    return caplog


def ids_of(caplog: pytest.LogCaptureFixture, starting: str) -> dict[str, str] | None:
    for record in caplog.records:
        if record.getMessage().startswith(starting):
            return dict(record.log_context)  # type: ignore[attr-defined]
    return None


def test_the_actor_s_lines_and_the_retry_policy_s_carry_the_event_s_ids(
    broker: LaneBroker, namespace: str, logs: pytest.LogCaptureFixture
) -> None:
    # Given an order whose actor logs a line, then fails for good
    def apply_event(envelope: dict[str, Any]) -> None:
        logger.info("Applying the order.")
        raise UnknownSku(["NOT-A-SKU"])

    queue = lane_queues(namespace, Lane.CRITICAL).ready
    dramatiq.actor(actor_name=EVENT_ACTOR, queue_name=queue, broker=broker, max_failures=0)(apply_event)
    event = order_envelope(5001)
    broker.enqueue(event_message(event, queue))

    # When a worker processes it
    worker = Worker(broker, worker_threads=1, worker_timeout=100)
    worker.start()
    try:
        dead = eventually(lambda: ids_of(logs, f"Message {event.event_id} dead-lettered"), what="the dead letter line")
    finally:
        worker.stop()

    # Then both lines carry the correlation id, the event's ids, its ERP reference and lane
    expected = {
        "correlation_id": event.correlation_id,
        "channel": "shop-us",
        "event_id": event.event_id,
        "erp_reference": "shop-us:5001",
        "lane": "critical",
        "message_id": event.event_id,
    }
    assert ids_of(logs, "Applying the order.") == expected
    assert dead == expected


def test_a_message_s_ids_do_not_linger_into_the_next_one_s(
    broker: LaneBroker, namespace: str, logs: pytest.LogCaptureFixture
) -> None:
    # Given an order (which has an ERP reference) then a customer (which has none), on one thread
    def apply_event(envelope: dict[str, Any]) -> None:
        logger.info("Applying %s.", envelope["event_id"])

    queue = lane_queues(namespace, Lane.CRITICAL).ready
    dramatiq.actor(actor_name=EVENT_ACTOR, queue_name=queue, broker=broker)(apply_event)
    order, customer = order_envelope(5002), customer_envelope(5003, "critical")
    broker.enqueue(event_message(order, queue))
    broker.enqueue(event_message(customer, queue))

    worker = Worker(broker, worker_threads=1, worker_timeout=100)
    worker.start()
    try:
        eventually(lambda: ids_of(logs, f"Applying {customer.event_id}"), what="the customer")
    finally:
        worker.stop()

    assert ids_of(logs, f"Applying {order.event_id}")["erp_reference"] == "shop-us:5002"  # type: ignore[index]
    customer_ids = ids_of(logs, f"Applying {customer.event_id}")
    assert customer_ids is not None
    assert customer_ids["event_id"] == customer.event_id
    assert "erp_reference" not in customer_ids
