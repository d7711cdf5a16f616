"""What a channel's order listing gives reconciliation: orders, page by page, in a window.

Each channel's lister (:mod:`reconcile.shopify`, ...) asks its API for the orders created or
updated in ``[since, until)`` and turns each into a :class:`ListedOrder`: the figures compared
with the ERP's sale, and the webhook the channel would have sent for it, so a missing order
travels the same path as a live one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, Protocol

from events.canonical import CanonicalEvent, OrderCancelled, OrderCreated, OrderUpdated
from events.order import Order

__all__ = ["Change", "ListedOrder", "OrderLister", "OrderPage", "Webhook", "money", "order_of", "sale_totals"]

#: What a reconciled event says happened to its order.
Change = Literal["created", "updated", "cancelled"]


@dataclass(frozen=True)
class Webhook:
    """The webhook a channel sends for an order: its topic as the channel names it
    (``orders/create``), the canonical topic (``order.created``) and the body, as JSON text."""

    source_topic: str
    topic: str
    payload: str


@dataclass(frozen=True)
class ListedOrder:
    """One order of a listing: its id in the channel, when it last changed (timezone-aware; the
    version the stale fence compares), what the customer pays in the order's currency (``None``
    when the listing does not say), and whether it is cancelled. ``sale_totals`` are the totals
    a sale of this order may hold (:func:`sale_totals`): one that holds another has drifted.
    ``source`` is the order as the API gave it, which the lister's :meth:`~OrderLister.webhook` reads."""

    order_id: str
    updated_at: datetime
    total: Decimal | None
    currency: str | None
    cancelled: bool
    sale_totals: frozenset[Decimal] = frozenset()
    source: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class OrderPage:
    """One page of a listing; ``next`` is the opaque token of the next page, ``None`` on the last."""

    orders: tuple[ListedOrder, ...]
    next: str | None


class OrderLister(Protocol):
    """One channel's order listing. Methods raise only :mod:`tasks.errors` errors."""

    @property
    def provider(self) -> str:
        """The provider's name, as envelopes carry it (``shopify``)."""
        ...

    @property
    def lag(self) -> timedelta:
        """How far behind now the API can list (SP-API's getOrders: 2 minutes); a window ends
        that much before its run starts."""
        ...

    def page(self, since: datetime, until: datetime, after: str | None) -> OrderPage:
        """The page of orders updated in ``[since, until)`` that follows the token ``after``
        (the first page when ``None``)."""
        ...

    def webhook(self, order: ListedOrder, change: Change) -> Webhook:
        """The webhook the channel sends when ``order`` is ``change``d."""
        ...

    def close(self) -> None:
        """Close the API's connections."""
        ...


def sale_totals(order: Order) -> frozenset[Decimal]:
    """The totals a sale of ``order`` may hold, depending on how much of the order's money the
    ERP carries: the channel's own total, the total built from its parts, the lines after their
    discounts, or the lines alone (an ERP that keeps neither shipping nor taxes on the sale)."""
    lines = sum((line.amount for line in order.lines), Decimal(0))
    found = {order.computed_total, lines, order.lines_total}
    if order.total is not None:
        found.add(order.total)
    return frozenset(found)


def order_of(events: tuple[CanonicalEvent, ...]) -> Order | None:
    """The order a mapping's events carry (a cancellation's, when it carries one), or ``None``."""
    for event in events:
        if isinstance(event, OrderCreated | OrderUpdated):
            return event.order
        if isinstance(event, OrderCancelled):
            return event.cancellation.order
    return None


def money(value: object) -> Decimal | None:
    """A channel's money figure (a string or a JSON number) as a Decimal; ``None`` when it is none."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None
