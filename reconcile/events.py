"""Orders reconciliation found missing, enqueued on the reconcile lane as the channel's webhooks.

An event is the webhook the channel would have sent (:meth:`OrderLister.webhook
<reconcile.listing.OrderLister.webhook>`) in the canonical envelope, so the workers map and apply
it as they would the live one: the stale fence compares its version (the order's ``updated_at``,
which is what the receivers take as a webhook's ``occurred_at`` too) with what was applied, and
the ERP's writes are idempotent by sale reference. An order that arrives both ways therefore
lands once. Each order version is enqueued once: the key ``<namespace>:reconcile:seen:<channel>:
<order id>:<version ms>:<change>`` is claimed before publishing (and released if RabbitMQ does
not confirm), so a run that overlaps the last one, or repeats while the lane is still busy with
its events, does not enqueue them again.
"""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime
from typing import Protocol

import redis

from events.envelope import EventEnvelope
from events.topics import entity_type
from queues.errors import PublishFailed, QueueError
from queues.lanes import Lane
from queues.message import encode_event
from reconcile.listing import Change, ListedOrder, Webhook

__all__ = ["Publisher", "ReconciledEvents"]

logger = logging.getLogger(__name__)


class Publisher(Protocol):
    """A confirmed publish (:class:`~queues.process_publisher.ProcessPublisher`)."""

    def publish(self, routing_key: str, body: bytes, *, message_id: str) -> None: ...


class ReconciledEvents:
    """Enqueues reconciled orders on ``queue`` (the reconcile lane's ready queue), each order
    version once within ``seen_ttl_seconds``."""

    def __init__(
        self, client: redis.Redis, publisher: Publisher, *, namespace: str, queue: str, seen_ttl_seconds: int
    ) -> None:
        if seen_ttl_seconds <= 0:
            raise ValueError("seen_ttl_seconds must be positive")
        self._client = client
        self._publisher = publisher
        self._prefix = f"{namespace}:reconcile:seen:"
        self._queue = queue
        self._ttl = seen_ttl_seconds

    def enqueue(
        self, channel: str, provider: str, order: ListedOrder, *, change: Change, webhook: Webhook, run_id: str
    ) -> str | None:
        """Enqueue ``webhook`` of ``order`` and return its event id; ``None`` when this version of
        the order was enqueued already.

        Raises:
            QueueError: Redis did not answer, or RabbitMQ did not confirm (the claim is released,
                so the next run enqueues it).
        """
        version_ms = int(order.updated_at.timestamp() * 1000)
        key = f"{self._prefix}{channel}:{order.order_id}:{version_ms}:{change}"
        envelope = _envelope(channel, provider, order, webhook=webhook, run_id=run_id, version_ms=version_ms)
        try:
            claimed = self._client.set(key, envelope.event_id, nx=True, ex=self._ttl)
        except redis.RedisError as exc:
            raise QueueError(f"Redis did not answer reconciliation's claim of {key}: {exc}") from exc
        if not claimed:
            return None
        try:
            body = encode_event(envelope, self._queue)
            self._publisher.publish(self._queue, body, message_id=envelope.event_id)
        except PublishFailed:
            self._client.delete(key)
            raise
        logger.info(
            "Enqueued event %s (%s %s) of %s on the reconcile lane: no webhook brought it.",
            envelope.event_id,
            envelope.topic,
            order.order_id,
            channel,
        )
        return envelope.event_id


def _envelope(
    channel: str, provider: str, order: ListedOrder, *, webhook: Webhook, run_id: str, version_ms: int
) -> EventEnvelope:
    event_id = secrets.token_hex(16)
    return EventEnvelope(
        event_id=event_id,
        delivery_id=f"reconcile:{order.order_id}:{version_ms}",
        channel=channel,
        provider=provider,
        topic=webhook.topic,
        source_topic=webhook.source_topic,
        entity_type=entity_type(webhook.topic),
        entity_id=order.order_id,
        occurred_at=order.updated_at,
        received_at=datetime.now(UTC),
        correlation_id=run_id,
        lane=Lane.RECONCILE.value,
        payload=webhook.payload,
    )
