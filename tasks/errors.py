"""How a call to a channel's own API failed (the worker fetching what a thin payload names).

ChannelApiError
├── ChannelApiDeferred   the API asked us to wait (429, our own rate limit): no retry spent
├── ChannelApiTransient  no answer, or a failure of the API's own (5xx): retried with backoff
└── ChannelApiRejected   permanent: no API configured, the resource is gone, access refused
    └── ChannelApiNotListed  the channel does not sell the SKU a stock level names: dropped, counted
"""

from __future__ import annotations

from weir.errors import WeirError

__all__ = [
    "ChannelApiDeferred",
    "ChannelApiError",
    "ChannelApiNotListed",
    "ChannelApiRejected",
    "ChannelApiTransient",
]


class ChannelApiError(WeirError):
    """A call to a channel's API failed."""


class ChannelApiDeferred(ChannelApiError):
    """Wait ``delay_ms`` milliseconds (a default when ``None``) and try again, spending no retry."""

    deferral = True

    def __init__(self, message: str, *, delay_ms: int | None = None) -> None:
        super().__init__(message)
        self.delay_ms = delay_ms


class ChannelApiTransient(ChannelApiError):
    """The call may succeed later: retried with backoff."""


class ChannelApiRejected(ChannelApiError):
    """The same call will fail the same way: the event is dead-lettered with this reason."""

    permanent = True


class ChannelApiNotListed(ChannelApiRejected):
    """The channel has no product of the SKU a stock notice names. Every channel is told of every
    SKU whose stock changed, so this is expected: the notice is acknowledged and counted, not
    dead-lettered (a writer that raises plain :class:`ChannelApiRejected` instead still works,
    at the cost of a dead letter per SKU the channel does not sell)."""
