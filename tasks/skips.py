"""What tasks need of a tally: a counter of events acknowledged without an ERP write."""

from __future__ import annotations

from typing import Protocol

__all__ = ["SkipCounter"]


class SkipCounter(Protocol):
    """Counts, fleet-wide, events a task acknowledged without writing to the ERP.

    Each field names the reason as ``skipped:<why>`` (``skipped:nothing-to-cancel``); a count that
    cannot be recorded is dropped, never raised (counting must not stand in the way of a message).
    """

    def count(self, *fields: str) -> None:
        """Add one to each of ``fields``."""
