"""What one ERP answer says about the ERP's health, whatever the adapter makes of its content.

The fleet's gate learns from it: a throttle pauses the fleet, failures open the breaker. It is
told apart from the call's result (an ERP that rejects an order is healthy), so it is judged on
the raw answer: 429, or an ERP-specific throttle signature, is a throttle; 5xx or no answer at
all is a failure; anything else means the ERP is up.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Literal

__all__ = ["UNAVAILABLE", "Health", "ThrottleSignature", "assess", "retry_after_ms", "retry_after_seconds"]

#: Statuses that say the ERP is not there right now, rather than that it failed this request:
#: gateway errors, "unavailable", and "not now" (request timeout, locked, too early).
UNAVAILABLE = frozenset({502, 503, 504, 408, 423, 425})

Health = Literal["ok", "failure", "throttled"]


@dataclass(frozen=True)
class ThrottleSignature:
    """An answer an ERP gives when it is overloaded: a status whose body contains a marker.

    Parsed from ``"<status>:<text>"``, e.g. ``"400:SSS_REQUEST_LIMIT_EXCEEDED"`` (NetSuite's
    concurrency limit) or ``"503:database is locked"`` (Tryton on SQLite).
    """

    status: int
    marker: str

    @classmethod
    def parse(cls, text: str) -> ThrottleSignature:
        status, separator, marker = text.partition(":")
        if not separator or not status.strip().isdigit() or not marker:
            raise ValueError(f"a throttle signature reads '<status>:<text>', not {text!r}")
        return cls(int(status), marker)

    def matches(self, status: int, body: str) -> bool:
        return status == self.status and self.marker in body


def assess(
    status: int, body: str, retry_after: str | None, signatures: Iterable[ThrottleSignature]
) -> tuple[Health, int]:
    """The health an answer shows, and the pause it asks for in ms (0 when it names none)."""
    if status == 429 or any(signature.matches(status, body) for signature in signatures):
        return "throttled", retry_after_ms(retry_after)
    if status >= 500:
        return "failure", 0
    return "ok", 0


def retry_after_seconds(value: str | None) -> float | None:
    """A ``Retry-After`` header (delta-seconds or an HTTP date) in seconds; ``None`` if absent or
    unreadable."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


def retry_after_ms(value: str | None) -> int:
    """A ``Retry-After`` header in ms; 0 when absent or unreadable."""
    seconds = retry_after_seconds(value)
    return 0 if seconds is None else math.ceil(seconds * 1000)
