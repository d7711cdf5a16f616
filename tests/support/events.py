"""Canonical events for tests, published straight into the lanes as the receiver would."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime

from events.envelope import EventEnvelope
from queues.broker import build_broker
from queues.lanes import Lane
from queues.message import event_message
from queues.topology import lane_queues
from tests.support.rabbit import RABBITMQ_URL
from weir.samples import shopify_order

__all__ = ["customer_event", "order_event", "publish"]


def _envelope(topic: str, entity_id: str, payload: dict[str, object], lane: Lane) -> EventEnvelope:
    now = datetime.now(UTC)
    event_id = secrets.token_hex(16)
    return EventEnvelope(
        event_id=event_id,
        delivery_id=event_id,
        channel="shop-us",
        provider="shopify",
        topic=topic,
        source_topic=topic,
        entity_type=topic.partition(".")[0],
        entity_id=entity_id,
        occurred_at=now,
        received_at=now,
        correlation_id=event_id,
        lane=lane.value,
        payload=json.dumps(payload),
    )


def customer_event(customer_id: int, lane: Lane = Lane.BULK) -> EventEnvelope:
    """A Shopify ``customers/create``: one ERP call (a party upsert)."""
    payload = {"id": customer_id, "first_name": "Ada", "last_name": f"No{customer_id}", "email": "ada@example.com"}
    return _envelope("customer.created", str(customer_id), payload, lane)


def order_event(order_id: int) -> EventEnvelope:
    """A Shopify ``orders/create`` in the critical lane."""
    return _envelope("order.created", str(order_id), shopify_order(order_id), Lane.CRITICAL)


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
