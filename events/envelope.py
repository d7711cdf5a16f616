"""The canonical envelope: one shape for every event, whichever provider sent it.

The provider's body travels untouched, as text, in ``payload``: numbers keep every digit (64-bit
ids, money written as JSON numbers) and the exact bytes that were signed stay available.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

__all__ = ["EventEnvelope"]


class EventEnvelope(BaseModel):
    """One event as Weir queues it.

    ``event_id`` is Weir's id for the event (also the broker message id); ``delivery_id`` is the
    provider's id for the delivery, the key deduplication uses. ``topic`` is canonical
    (``order.created``); ``source_topic`` is what the provider called it (``orders/create``).
    ``entity_type`` and ``entity_id`` name the business object the event is about, in the channel.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: Literal[1] = 1
    event_id: str = Field(min_length=1)
    delivery_id: str = Field(min_length=1)
    channel: str = Field(min_length=1)
    provider: str = Field(min_length=1)
    topic: str = Field(min_length=1)
    source_topic: str = Field(min_length=1)
    entity_type: str = Field(min_length=1)
    entity_id: str = Field(min_length=1)
    occurred_at: AwareDatetime
    received_at: AwareDatetime
    correlation_id: str = Field(min_length=1)
    lane: str = Field(min_length=1)
    payload: str

    @property
    def entity_key(self) -> str:
        """The entity's identity across Weir: ``<channel>:<entity type>:<entity id>``."""
        return f"{self.channel}:{self.entity_type}:{self.entity_id}"

    def payload_data(self) -> Any:
        """The payload parsed as JSON, with every non-integer number as :class:`Decimal`."""
        return json.loads(self.payload, parse_float=Decimal)

    def log_context(self) -> dict[str, str]:
        """The ids that let on-call follow this event through the logs."""
        return {
            "event_id": self.event_id,
            "channel": self.channel,
            "topic": self.topic,
            "entity_id": self.entity_id,
            "correlation_id": self.correlation_id,
        }
