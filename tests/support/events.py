"""Canonical events for tests, published straight into the lanes as the receiver would."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from events.canonical import CanonicalEvent
from events.envelope import EventEnvelope
from events.topics import entity_type
from queues.broker import build_broker
from queues.lanes import Lane
from queues.message import event_message
from queues.routing import LaneRouter
from queues.topology import lane_queues
from receivers.providers import AmazonProvider, ShopifyProvider, StandardWebhooksProvider
from receivers.providers.base import Delivery
from samples.payloads import amazon_order_change, customer_envelope, encode, order_envelope
from tests.support.rabbit import RABBITMQ_URL

__all__ = [
    "amazon_change_envelope",
    "canonical_envelope",
    "customer_event",
    "order_event",
    "publish",
    "shopify_envelope",
]


def customer_event(customer_id: int, lane: Lane = Lane.BULK) -> EventEnvelope:
    """A Shopify ``customers/create``: one ERP call (a party upsert)."""
    return customer_envelope(customer_id, lane.value)


def order_event(order_id: int) -> EventEnvelope:
    """A Shopify ``orders/create`` in the critical lane."""
    return order_envelope(order_id)


def canonical_envelope(channel: str, event: CanonicalEvent, *, delivery_id: str | None = None) -> EventEnvelope:
    """``event`` as the receiver enqueues it when an in-house system sends it in Weir's canonical
    JSON over Standard Webhooks: read by the provider (entity, source time from the body's
    ``timestamp``), routed to its topic's default lane."""
    fields = event.model_dump(mode="json", exclude={"schema_version", "family", "source_version"})
    ((name, subject),) = fields.items()
    data = {name: subject} if name == "levels" else subject
    body = json.dumps({"type": event.family, "timestamp": event.source_version.isoformat(), "data": data})
    received_at = datetime.now(UTC)
    delivery_id = delivery_id or f"msg_{uuid.uuid4().hex}"
    delivery = StandardWebhooksProvider().parse({"webhook-id": delivery_id}, body.encode(), received_at)
    return _enqueued(channel, StandardWebhooksProvider.name, delivery, body, received_at)


def amazon_change_envelope(channel: str, order_id: str, status: str = "Unshipped") -> EventEnvelope:
    """An SP-API ``ORDER_CHANGE`` as the SQS receiver enqueues it: read by the Amazon provider
    (``order.updated``, or ``order.cancelled`` once ``Canceled``), routed to its topic's lane."""
    body = encode(amazon_order_change(order_id, status=status))
    received_at = datetime.now(UTC)
    delivery = AmazonProvider().parse({}, body, received_at)
    return _enqueued(channel, AmazonProvider.name, delivery, body.decode(), received_at)


def shopify_envelope(channel: str, source_topic: str, payload: dict[str, Any]) -> EventEnvelope:
    """A Shopify webhook of ``source_topic`` (``inventory_levels/update``) as the receiver
    enqueues it: read by the Shopify provider, routed to its topic's default lane."""
    body = encode(payload)
    headers = {"x-shopify-topic": source_topic, "x-shopify-webhook-id": str(uuid.uuid4())}
    received_at = datetime.now(UTC)
    delivery = ShopifyProvider().parse(headers, body, received_at)
    return _enqueued(channel, ShopifyProvider.name, delivery, body.decode(), received_at)


def _enqueued(channel: str, provider: str, delivery: Delivery, payload: str, received_at: datetime) -> EventEnvelope:
    """The envelope a receiver enqueues for ``delivery``, routed to its topic's default lane."""
    event_id = uuid.uuid4().hex
    return EventEnvelope(
        event_id=event_id,
        delivery_id=delivery.delivery_id,
        channel=channel,
        provider=provider,
        topic=delivery.topic,
        source_topic=delivery.source_topic,
        entity_type=entity_type(delivery.topic),
        entity_id=delivery.entity_id,
        occurred_at=delivery.occurred_at,
        received_at=received_at,
        correlation_id=event_id,
        lane=LaneRouter().lane_for(delivery.topic).value,
        payload=payload,
    )


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
