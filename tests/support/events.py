"""Canonical events for tests, published straight into the lanes as the receiver would."""

from __future__ import annotations

from collections.abc import Iterable

from events.envelope import EventEnvelope
from queues.broker import build_broker
from queues.lanes import Lane
from queues.message import event_message
from queues.topology import lane_queues
from tests.support.rabbit import RABBITMQ_URL
from weir.samples import customer_envelope, order_envelope

__all__ = ["customer_event", "order_event", "publish"]


def customer_event(customer_id: int, lane: Lane = Lane.BULK) -> EventEnvelope:
    """A Shopify ``customers/create``: one ERP call (a party upsert)."""
    return customer_envelope(customer_id, lane.value)


def order_event(order_id: int) -> EventEnvelope:
    """A Shopify ``orders/create`` in the critical lane."""
    return order_envelope(order_id)


def publish(namespace: str, envelopes: Iterable[EventEnvelope]) -> int:
    """Enqueue each envelope in its lane (confirmed); return how many."""
    broker = build_broker(RABBITMQ_URL, namespace, middleware=[])
    count = 0
    try:
        for envelope in envelopes:
            broker.enqueue(event_message(envelope, lane_queues(namespace, Lane(envelope.lane)).ready))
            count += 1
    finally:
        broker.close()
    return count
