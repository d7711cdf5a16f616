"""Reading the timestamps providers send, which come in every precision and format."""

from __future__ import annotations

import re
from datetime import UTC, datetime

__all__ = ["parse_instant", "unix_instant"]

# Python reads at most six fractional digits; Shopify sends nine (X-Shopify-Triggered-At).
_EXCESS_DIGITS = re.compile(r"(\.\d{6})\d+")

# The last Unix second Python can represent (the end of year 9999).
_LAST_SECOND = 253402300799


def parse_instant(value: object) -> datetime | None:
    """An aware datetime from an ISO 8601 string, or ``None`` when there is none to read.

    A trailing ``Z`` means UTC, digits beyond microseconds are dropped, and a time without an
    offset is taken as UTC.
    """
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(_EXCESS_DIGITS.sub(r"\1", value))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def unix_instant(value: object) -> datetime | None:
    """An aware UTC datetime from whole Unix seconds (an integer), or ``None`` when there is none to read."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _LAST_SECOND:
        return None
    return datetime.fromtimestamp(value, UTC)
