"""How an ERP call failed, classified once, at the adapter.

Above the adapter nobody catches httpx or JSON-RPC errors: the adapter raises one of these::

    ErpError
    ├── ErpTransient        a real failure of this call, retried with backoff a bounded number of times
    │   └── ErpServerError  the ERP failed on this request (500 and kin, a conflict)
    ├── ErpDeferred         the ERP, not the message, is the problem: wait, spending no retry
    │   ├── ErpUnavailable  no answer (refused, timed out), 502/503/504, refused credentials
    │   ├── ErpThrottled    the ERP asked us to slow down (429, Retry-After, "database is locked")
    │   ├── ErpGateClosed   the fleet's own gate holds calls back (breaker open, budget paused)
    │   └── SaleMissing     the event needs a sale its order's creation has not made yet
    └── ErpRejected         permanent: the same call will fail the same way
        ├── UnknownSku      the order names SKUs the ERP does not have
        └── TotalMismatch   the sale would not total what the channel says the customer pays

An ERP that is down defers its messages rather than burning their retries (with growing waits,
and only until the lane's maximum age): the retry budget is kept for failures of the message.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from weir.errors import WeirError

__all__ = [
    "ErpDeferred",
    "ErpError",
    "ErpGateClosed",
    "ErpRejected",
    "ErpServerError",
    "ErpThrottled",
    "ErpTransient",
    "ErpUnavailable",
    "SaleMissing",
    "TotalMismatch",
    "UnknownSku",
]

#: How much of an ERP answer an error keeps, in characters: enough to read, never a whole page.
EXCERPT_CHARS = 300


class ErpError(WeirError):
    """An ERP call failed.

    ``status`` is the HTTP status the ERP answered with (``None`` when it never answered) and
    ``excerpt`` the start of its answer, for the dead-letter reason.
    """

    def __init__(self, message: str, *, status: int | None = None, excerpt: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.excerpt = excerpt[:EXCERPT_CHARS] if excerpt else None


class ErpTransient(ErpError):
    """The call may succeed later: retry it with backoff."""


class ErpServerError(ErpTransient):
    """The ERP answered this request with a failure of its own (500 and kin, a write conflict)."""


class ErpDeferred(ErpError):
    """The call must wait ``delay_ms`` milliseconds (or a default the retry policy picks when
    ``None``); the message is parked without spending a retry."""

    deferral = True

    def __init__(
        self,
        message: str,
        *,
        delay_ms: int | None = None,
        status: int | None = None,
        excerpt: str | None = None,
    ) -> None:
        super().__init__(message, status=status, excerpt=excerpt)
        self.delay_ms = delay_ms


class ErpThrottled(ErpDeferred):
    """The ERP refused the call because of load. ``retry_after`` is in seconds, when it said."""

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        status: int | None = None,
        excerpt: str | None = None,
    ) -> None:
        delay_ms = None if retry_after is None else int(retry_after * 1000)
        super().__init__(message, delay_ms=delay_ms, status=status, excerpt=excerpt)
        self.retry_after = retry_after


class ErpUnavailable(ErpDeferred):
    """The ERP could not be reached or is down (refused, timed out, 502/503/504)."""


class ErpGateClosed(ErpDeferred):
    """The fleet's gate in front of the ERP holds calls back for now (breaker open, paused)."""


class SaleMissing(ErpDeferred):
    """A refund, fulfillment or cancellation names a sale the ERP does not hold yet: channels
    deliver out of order, so it waits (spending no retry, with growing waits) for the order's
    creation to apply; past the lane's maximum age it is dead-lettered as expired."""


class ErpRejected(ErpError):
    """The ERP refused the content of the call; retrying cannot help."""

    permanent = True


class UnknownSku(ErpRejected):
    """The order names SKUs that the ERP's catalogue does not hold."""

    def __init__(self, skus: Iterable[str], *, status: int | None = None, excerpt: str | None = None) -> None:
        self.skus = tuple(sorted(skus))
        super().__init__(f"unknown SKU {', '.join(self.skus)}", status=status, excerpt=excerpt)

    def __reduce__(self) -> tuple[type[UnknownSku], tuple[tuple[str, ...]], dict[str, object]]:
        # Rebuilt from its SKUs, not from its message (copies and pickles of it keep both right).
        return (type(self), (self.skus,), self.__dict__)


class TotalMismatch(ErpRejected):
    """The sale of order ``order_id`` would not total what the channel says the customer pays:
    ``channel_total`` is the channel's figure, ``computed`` what the order's lines, discounts,
    shipping, fees and taxes come to as the ERP adds them up (both in ``currency``). Raised
    before anything is written, so the order waits in the dead letters with both figures."""

    def __init__(self, order_id: str, *, channel_total: Decimal, computed: Decimal, currency: str) -> None:
        self.order_id = order_id
        self.channel_total = channel_total
        self.computed = computed
        self.currency = currency
        super().__init__(
            f"order {order_id}'s total does not reconcile: channel {channel_total} {currency}, "
            f"computed {computed} {currency}"
        )
