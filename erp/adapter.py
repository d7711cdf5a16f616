"""The contract every ERP adapter keeps, whatever ERP sits behind it.

Every write is idempotent on the channel's own identity: the same event applied twice, from two
workers or after a crash between the ERP's commit and the broker's ack, has one effect. Every
lookup that can refuse an event (an unknown SKU, a currency the ERP lacks) runs before the first
write, so a refused event changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict

from events.cancellation import Cancellation
from events.fulfillment import Fulfillment
from events.order import Customer, Order
from events.refund import Refund
from events.stock import StockLevel

__all__ = [
    "ErpAdapter",
    "Outcome",
    "SaleChange",
    "SaleLine",
    "SaleRecord",
    "refund_reference",
    "sale_reference",
]


def sale_reference(channel: str, order_id: str) -> str:
    """The external reference under which an order lives in the ERP: ``<channel>:<order id>``."""
    return f"{channel}:{order_id}"


def refund_reference(channel: str, order_id: str, refund_id: str) -> str:
    """The external reference of a refund's return sale: ``<channel>:<order id>:refund:<refund id>``."""
    return f"{sale_reference(channel, order_id)}:refund:{refund_id}"


class SaleLine(BaseModel):
    """One line of a sale as the ERP holds it (a return's quantities are negative; a line
    crediting an amount alone has no SKU)."""

    model_config = ConfigDict(frozen=True)

    sku: str
    quantity: Decimal
    unit_price: Decimal


class SaleRecord(BaseModel):
    """A sale as the ERP holds it, read back after a write.

    ``lines`` are its goods; ``money`` its other lines (discounts, shipping, fees, taxes: see
    :mod:`erp.money`), each of quantity 1 at its amount, under its service product's code.
    ``total`` is all of them added up. ``cancelled``: nothing of it will ship (cancelled, or
    its shipments cancelled after confirmation); ``shipped``: its goods left. ``exceptions``
    are what the ERP recorded on it about channel changes it could not follow.
    """

    model_config = ConfigDict(frozen=True)

    erp_id: int
    reference: str
    number: str | None
    state: str
    total: Decimal
    lines: tuple[SaleLine, ...]
    money: tuple[SaleLine, ...] = ()
    cancelled: bool = False
    shipped: bool = False
    exceptions: tuple[str, ...] = ()


#: What a write did: ``created`` the record, ``followed`` the channel's change, found it
#: ``unchanged`` (already applied), ``cancelled`` or ``shipped`` the sale, or recorded an
#: ``exception`` on it because the ERP cannot follow the change (a confirmed sale's lines).
Outcome = Literal["created", "followed", "unchanged", "cancelled", "shipped", "exception"]


class SaleChange(BaseModel):
    """The sale a write left, what the write did, and, for an ``exception``, what was recorded."""

    model_config = ConfigDict(frozen=True)

    sale: SaleRecord
    outcome: Outcome
    detail: str | None = None


class ErpAdapter(Protocol):
    """What the tasks need from an ERP. Implementations raise only :mod:`erp.errors` errors.

    Every method may raise ``UnknownSku`` (before any write), ``ErpRejected`` (the ERP refused
    the content) and ``ErpTransient`` or ``ErpDeferred`` (the call may succeed later).
    """

    def ensure_sale(self, channel: str, order: Order) -> SaleRecord:
        """Make the order exist in the ERP as one confirmed sale, and return it as read back.

        Idempotent on :func:`sale_reference`: a sale already there is driven on to confirmed
        (if a previous attempt stopped half-way) and returned, never duplicated.
        """
        ...

    def update_sale(self, channel: str, order: Order, *, revision: str) -> SaleChange:
        """Make the sale follow the order (lines, prices, addresses, customer) while the ERP
        lets it change; create it if missing. When it can no longer change (confirmed), record
        an exception on the sale instead, once per ``revision`` (the update's identity), and
        return it with outcome ``exception``."""
        ...

    def cancel_sale(self, channel: str, cancellation: Cancellation) -> SaleChange:
        """Cancel the order's sale (creating it cancelled from ``cancellation.order`` when it is
        missing). A sale that already shipped keeps its state; an exception is recorded.

        Raises:
            SaleMissing: no sale yet and the cancellation carries no order to make one from.
        """
        ...

    def record_refund(self, channel: str, refund: Refund) -> SaleChange:
        """Record the refund as one return sale (:func:`refund_reference`): the refunded lines
        at negative quantities, and a line crediting any amount the lines do not cover (or
        taking back what the channel kept of their price), so it totals the refunded amount.

        Raises:
            SaleMissing: the refunded order's sale is not in the ERP yet.
        """
        ...

    def fulfill_sale(self, channel: str, fulfillment: Fulfillment) -> SaleChange:
        """Process the sale's shipment. A fulfillment of only part of the sale is recorded as
        an exception on it instead (the shipment leaves whole).

        Raises:
            SaleMissing: the order's sale is not in the ERP yet.
        """
        ...

    def set_stock(self, levels: Sequence[StockLevel]) -> None:
        """Adjust the ERP's on-hand stock of each SKU to the channel's figure (levels of one
        SKU at several channel locations add up: the ERP counts one warehouse)."""
        ...

    def stock_of(self, skus: Iterable[str]) -> dict[str, Decimal]:
        """The on-hand quantity of each SKU in the ERP's warehouse."""
        ...

    def upsert_customer(self, channel: str, customer: Customer) -> int:
        """Create or update the customer keyed on ``<channel>:<customer id>``; return the ERP id."""
        ...

    def find_sale(self, reference: str) -> SaleRecord | None:
        """The sale with this external reference, or ``None``."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...
