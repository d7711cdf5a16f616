"""What the workers' middleware reads off an event message before the actor validates it: the
entity it is about and, for state topics, the source version it carries.

The raw envelope is read, not validated (validating is the actor's job, and costs a parse per
message); a message that is no event yields ``None`` and passes every entity policy untouched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dramatiq.broker import MessageProxy

from events.topics import STATE_TOPICS

__all__ = ["SourceVersion", "entity_key", "source_version"]


@dataclass(frozen=True)
class SourceVersion:
    """A state event's entity (``<channel>:<entity type>:<entity id>``) and the version of the
    state it reports: its source timestamp (``occurred_at``), in Unix milliseconds."""

    entity: str
    version_ms: int


def entity_key(message: MessageProxy) -> str | None:
    """``<channel>:<entity type>:<entity id>`` of an event message; ``None`` for other messages."""
    envelope = _envelope(message)
    try:
        return f"{envelope['channel']}:{envelope['entity_type']}:{envelope['entity_id']}"
    except KeyError:
        return None


def source_version(message: MessageProxy) -> SourceVersion | None:
    """The version of the state a state topic's event reports; ``None`` for fact topics (refunds,
    fulfillments: never stale), messages that are no event, and unreadable timestamps."""
    envelope = _envelope(message)
    entity = entity_key(message)
    if entity is None or envelope.get("topic") not in STATE_TOPICS:
        return None
    try:
        occurred = datetime.fromisoformat(str(envelope["occurred_at"]))
    except (KeyError, ValueError):
        return None
    if occurred.tzinfo is None:
        return None
    return SourceVersion(entity, int(occurred.timestamp() * 1000))


def _envelope(message: MessageProxy) -> dict[str, Any]:
    args = message.args
    return args[0] if args and isinstance(args[0], dict) else {}
