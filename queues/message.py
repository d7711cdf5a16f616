"""How an event travels: a Dramatiq message for the ``apply_event`` actor, carrying the envelope.

The receiver writes these bytes itself (it never imports the actor) and the workers' Dramatiq
decodes them, so this module is the contract between the two sides.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import orjson
from dramatiq import Message
from dramatiq.broker import MessageProxy

from events.envelope import EventEnvelope

__all__ = ["EVENT_ACTOR", "encode_event", "envelope_of", "event_message"]

#: The actor every event message is addressed to, whatever its lane.
EVENT_ACTOR = "apply_event"


def _fields(
    envelope: EventEnvelope, queue_name: str, *, dump: Callable[[], dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {
        "queue_name": queue_name,
        "actor_name": EVENT_ACTOR,
        "args": ((dump or partial(envelope.model_dump, mode="json"))(),),
        "kwargs": {},
        "options": {},
        "message_id": envelope.event_id,
        "message_timestamp": int(envelope.received_at.timestamp() * 1000),
    }


def event_message(envelope: EventEnvelope, queue_name: str) -> Message[None]:
    """The Dramatiq message that carries ``envelope`` on ``queue_name``."""
    return Message(**_fields(envelope, queue_name))


def encode_event(envelope: EventEnvelope, queue_name: str) -> bytes:
    """The wire form of :func:`event_message`, as Dramatiq's JSON encoder would write it.

    orjson writes the envelope's datetimes in ISO 8601 itself, which is faster than pydantic's
    JSON mode and reads back to the same values.
    """
    fields = _fields(envelope, queue_name, dump=envelope.model_dump)
    return orjson.dumps(fields)


def envelope_of(message: Message[Any] | MessageProxy) -> EventEnvelope:
    """The envelope an event message carries.

    Raises:
        pydantic.ValidationError: when the message is not an event message.
    """
    return EventEnvelope.model_validate(message.args[0])
