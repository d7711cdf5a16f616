"""What a provider mapping reads: one delivered event, parsed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

__all__ = ["Delivered"]


@dataclass(frozen=True)
class Delivered:
    """One event as a mapping sees it.

    ``topic`` is canonical (``refund.created``), ``source_topic`` the provider's own name;
    ``payload`` the body parsed with every non-integer number as Decimal; ``version`` the
    event's source version (see :mod:`events.canonical`). ``resource`` is the full resource a
    thin payload names, fetched from the channel's API (BigCommerce, a Square order summary's
    order, an Amazon order change's order and items), else ``None``.
    """

    topic: str
    source_topic: str
    payload: dict[str, Any]
    version: datetime
    resource: dict[str, Any] | None = None
