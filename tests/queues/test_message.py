"""The event message format: what the receiver writes is what Dramatiq's workers read."""

from __future__ import annotations

from datetime import UTC, datetime

from dramatiq import Message

from events.envelope import EventEnvelope
from queues.message import EVENT_ACTOR, encode_event, envelope_of, event_message

ENVELOPE = EventEnvelope(
    event_id="e1",
    delivery_id="d1",
    channel="shop-us",
    provider="shopify",
    topic="order.created",
    source_topic="orders/create",
    entity_type="order",
    entity_id="820982911946154508",
    occurred_at=datetime(2026, 11, 23, 10, tzinfo=UTC),
    received_at=datetime(2026, 11, 23, 10, 0, 1, tzinfo=UTC),
    correlation_id="c1",
    lane="critical",
    payload='{"id":820982911946154508,"total":0.1}',
)


def test_the_bytes_the_receiver_writes_decode_as_a_dramatiq_message_for_the_event_actor() -> None:
    message = Message.decode(encode_event(ENVELOPE, "weir.critical"))

    assert (message.queue_name, message.actor_name, message.message_id) == ("weir.critical", EVENT_ACTOR, "e1")
    assert message.message_timestamp == int(ENVELOPE.received_at.timestamp() * 1000)
    assert envelope_of(message) == ENVELOPE


def test_the_fast_encoding_carries_what_dramatiqs_own_does() -> None:
    fast = Message.decode(encode_event(ENVELOPE, "q"))
    slow = Message.decode(event_message(ENVELOPE, "q").encode())

    assert envelope_of(fast) == envelope_of(slow) == ENVELOPE
    assert fast.copy(args=()) == slow.copy(args=())


def test_the_payload_keeps_every_digit_and_reads_decimals_exactly() -> None:
    data = envelope_of(Message.decode(encode_event(ENVELOPE, "q"))).payload_data()

    assert data["id"] == 820982911946154508
    assert str(data["total"]) == "0.1"
