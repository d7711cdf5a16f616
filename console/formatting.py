"""How the console's pages show durations, times and messages (Jinja filters)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from oncall.durations import duration

__all__ = ["duration", "moment", "payload_of", "pretty_message", "unix_ms"]


def moment(value: datetime | None) -> str:
    """A time in UTC, to the second: ``2026-11-23 08:00:05 UTC``."""
    if value is None:
        return "-"
    return f"{value.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"


def unix_ms(value: int) -> datetime:
    """A Unix time in milliseconds, as an aware datetime."""
    return datetime.fromtimestamp(value / 1000, UTC)


def pretty_message(body: bytes | None) -> str:
    """The message as indented JSON, or as text when it is not JSON."""
    if not body:
        return "(the message's copy was not kept)"
    try:
        return json.dumps(json.loads(body), indent=2, sort_keys=True, ensure_ascii=False)
    except ValueError:
        return body.decode("utf-8", "replace")


def payload_of(body: bytes | None) -> str | None:
    """The provider's payload an event message carries (a JSON string in its envelope),
    indented; ``None`` when the message carries none."""
    envelope = _first_argument(body)
    payload = envelope.get("payload") if envelope else None
    if not isinstance(payload, str):
        return None
    try:
        return json.dumps(json.loads(payload), indent=2, sort_keys=True, ensure_ascii=False)
    except ValueError:
        return payload


def _first_argument(body: bytes | None) -> dict[str, Any] | None:
    try:
        args = json.loads(body or b"").get("args")
    except (ValueError, AttributeError):
        return None
    first = args[0] if isinstance(args, list) and args else None
    return first if isinstance(first, dict) else None
