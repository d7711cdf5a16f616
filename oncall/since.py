"""How on-call names a moment: ``15m``, ``2h``, ``3d`` ago, or an ISO 8601 time."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

__all__ = ["parse_since"]

_DURATION = re.compile(r"^(\d{1,6})\s*([smhd])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_since(value: str, now: datetime | None = None) -> datetime:
    """The moment ``value`` names: a duration before ``now`` (default: now), or an ISO time
    (UTC when it names no zone).

    Raises:
        ValueError: saying what was expected.
    """
    match = _DURATION.match(value.strip())
    try:
        if match:
            return (now or datetime.now(UTC)) - timedelta(**{_UNITS[match[2]]: int(match[1])})
        moment = datetime.fromisoformat(value.strip())
    except (ValueError, OverflowError):
        raise ValueError(f"{value!r}: expected a duration (15m, 2h, 3d) or an ISO time (2026-11-23T08:00)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
