"""Intake: from a raw webhook request to a confirmed message in its lane, or a clear refusal.

The order of the steps is the contract: nothing is claimed before the signature holds, nothing
is marked seen before RabbitMQ confirmed the message, and a failed publish releases its claim. A
provider's unsigned handshake (WooCommerce's ping) is recognised first and answered without
touching Redis or RabbitMQ; a signed test notification (a GitHub-style ping, Square's
``webhooks.test_notification``) is answered the same way once its signature holds, so it never
becomes an event that no mapping knows and the workers dead-letter.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from pydantic import ValidationError

from events.envelope import EventEnvelope
from events.errors import validation_summary
from events.topics import entity_type
from queues.errors import PublishFailed
from queues.lanes import Lane
from queues.message import encode_event
from queues.publisher import ConfirmedPublisher
from queues.topology import LaneQueues
from receivers.channels import Channel
from receivers.dedupe import DeliveryLedger
from receivers.errors import DeliveryInFlight, MalformedRequest, ServiceUnavailable, UnknownChannel
from receivers.providers import Delivery
from weir import log_context

__all__ = ["Intake", "Receipt"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Receipt:
    """What the provider is told: its event was ``accepted`` now, or was a ``duplicate`` of one
    accepted earlier as ``event_id``, or the request was a handshake or a test notification,
    ``acknowledged`` with no event. ``lane`` is ``None`` unless accepted; ``event_id`` is ``None``
    when acknowledged."""

    status: Literal["accepted", "duplicate", "acknowledged"]
    event_id: str | None
    lane: Lane | None


class Intake:
    """Verifies, deduplicates, classifies and enqueues webhooks for a set of channels.

    ``deadline_seconds`` bounds the wait for Redis and RabbitMQ, per webhook; past it the
    answer is 503 and the claim is released. ``clock`` returns the current Unix time in seconds
    (tests move it to check timestamps).
    """

    def __init__(
        self,
        channels: Mapping[str, Channel],
        lanes: Mapping[Lane, LaneQueues],
        ledger: DeliveryLedger,
        publisher: ConfirmedPublisher,
        *,
        deadline_seconds: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if deadline_seconds <= 0:
            raise ValueError("deadline_seconds must be positive")
        self._deadline = deadline_seconds
        self._channels = channels
        self._lanes = lanes
        self._ledger = ledger
        self._publisher = publisher
        self._clock = clock

    async def receive(
        self,
        channel_name: str,
        headers: Mapping[str, str],
        body: bytes,
        correlation_id: str | None = None,
    ) -> Receipt:
        """Take one webhook delivery.

        Raises:
            ReceiverError: the request is refused; its ``status`` is the answer to give.
        """
        channel = self._channel(channel_name)
        if channel.provider.is_handshake(headers, body):
            logger.info("Acknowledged a %s handshake on %s; nothing enqueued.", channel.provider.name, channel.name)
            return Receipt("acknowledged", None, None)
        now = self._clock()
        channel.provider.verify(headers, body, channel.keys, now)
        if channel.provider.is_ping(headers, body):
            logger.info(
                "Acknowledged a signed %s test notification on %s; nothing enqueued.",
                channel.provider.name,
                channel.name,
            )
            return Receipt("acknowledged", None, None)
        received_at = datetime.fromtimestamp(now, UTC)
        delivery = channel.provider.parse(headers, body, received_at)
        envelope = self._envelope(channel, delivery, body, received_at, correlation_id)
        token = log_context.bind(
            correlation_id=envelope.correlation_id, channel=envelope.channel, event_id=envelope.event_id
        )
        try:
            async with asyncio.timeout(self._deadline):
                return await self._enqueue(envelope)
        except TimeoutError:
            logger.warning("Event %s on %s not enqueued within %s s.", envelope.event_id, channel.name, self._deadline)
            self._ledger.release(channel.name, delivery.delivery_id, envelope.event_id)
            raise ServiceUnavailable(f"the event could not be enqueued within {self._deadline} s") from None
        finally:
            log_context.unbind(token)

    async def _enqueue(self, envelope: EventEnvelope) -> Receipt:
        claim = await self._ledger.claim(envelope.channel, envelope.delivery_id, envelope.event_id)
        if claim.state == "seen":
            logger.info(
                "Delivery %s on %s is a duplicate of event %s.", envelope.delivery_id, envelope.channel, claim.event_id
            )
            return Receipt("duplicate", claim.event_id, None)
        if claim.state == "pending":
            raise DeliveryInFlight(f"delivery {envelope.delivery_id} is being enqueued by another request")
        queue = self._lanes[Lane(envelope.lane)].ready
        try:
            await self._publisher.publish(queue, encode_event(envelope, queue), message_id=envelope.event_id)
        except PublishFailed as exc:
            logger.warning("Event %s on %s was not confirmed by RabbitMQ: %s", envelope.event_id, envelope.channel, exc)
            self._ledger.release(envelope.channel, envelope.delivery_id, envelope.event_id)
            raise ServiceUnavailable("the event could not be enqueued; retry later") from exc
        self._ledger.confirm(envelope.channel, envelope.delivery_id, envelope.event_id)
        logger.info(
            "Accepted event %s (%s %s) from %s into the %s lane.",
            envelope.event_id,
            envelope.topic,
            envelope.entity_id,
            envelope.channel,
            envelope.lane,
        )
        return Receipt("accepted", envelope.event_id, Lane(envelope.lane))

    def _channel(self, name: str) -> Channel:
        channel = self._channels.get(name)
        if channel is None:
            raise UnknownChannel(f"no channel named {name!r} is configured")
        return channel

    @staticmethod
    def _envelope(
        channel: Channel, delivery: Delivery, body: bytes, received_at: datetime, correlation_id: str | None
    ) -> EventEnvelope:
        """The delivery as an envelope; a delivery whose headers or ids make no valid envelope (a
        topic of ``/`` names no entity) is a MalformedRequest, not a 500."""
        event_id = secrets.token_hex(16)
        try:
            return EventEnvelope(
                event_id=event_id,
                delivery_id=delivery.delivery_id,
                channel=channel.name,
                provider=channel.provider.name,
                topic=delivery.topic,
                source_topic=delivery.source_topic,
                entity_type=entity_type(delivery.topic),
                entity_id=delivery.entity_id,
                occurred_at=delivery.occurred_at,
                received_at=received_at,
                correlation_id=correlation_id or event_id,
                lane=channel.router.lane_for(delivery.topic).value,
                # parse() already proved the body is UTF-8 JSON.
                payload=body.decode("utf-8"),
            )
        except ValidationError as exc:
            raise MalformedRequest(f"the delivery does not make a valid event: {validation_summary(exc)}") from None
