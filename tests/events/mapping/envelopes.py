"""Envelopes around provider payloads, as the receivers would make them, for the mapping tests."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from events.envelope import EventEnvelope
from events.topics import entity_type

VERSION = datetime(2026, 11, 23, 15, 15, tzinfo=UTC)


def envelope(
    payload: object, *, provider: str, topic: str, source_topic: str | None = None, channel: str = "ch"
) -> EventEnvelope:
    return EventEnvelope(
        event_id="e",
        delivery_id="d",
        channel=channel,
        provider=provider,
        topic=topic,
        source_topic=source_topic or topic,
        entity_type=entity_type(topic),
        entity_id="1",
        occurred_at=VERSION,
        received_at=VERSION,
        correlation_id="c",
        lane="critical",
        payload=payload if isinstance(payload, str) else json.dumps(payload),
    )
