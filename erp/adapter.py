"""The contract every ERP adapter keeps, whatever ERP sits behind it.

Every write is idempotent on the channel's own identity: the same order applied twice, from two
workers or after a crash between the ERP's commit and the broker's ack, leaves one record.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from events.order import Customer, Order

__all__ = ["ErpAdapter", "SaleLine", "SaleRecord", "sale_reference"]


def sale_reference(channel: str, order_id: str) -> str:
    """The external reference under which an order lives in the ERP: ``<channel>:<order id>``."""
    return f"{channel}:{order_id}"


class SaleLine(BaseModel):
    """One line of a sale as the ERP holds it."""

    model_config = ConfigDict(frozen=True)

    sku: str
    quantity: Decimal
    unit_price: Decimal


class SaleRecord(BaseModel):
    """A sale as the ERP holds it, read back after a write."""

    model_config = ConfigDict(frozen=True)

    erp_id: int
    reference: str
    number: str | None
    state: str
    total: Decimal
    lines: tuple[SaleLine, ...]


class ErpAdapter(Protocol):
    """What the tasks need from an ERP. Implementations raise only :mod:`erp.errors` errors."""

    def ensure_sale(self, channel: str, order: Order) -> SaleRecord:
        """Make the order exist in the ERP as one confirmed sale, and return it as read back.

        Idempotent on :func:`sale_reference`: a sale already there is driven on to confirmed
        (if a previous attempt stopped half-way) and returned, never duplicated.

        Raises:
            UnknownSku: before anything is written, when a line's SKU is not in the catalogue.
            ErpRejected: the ERP refused the sale (validation, a cancelled sale, ...).
            ErpTransient: the call may succeed later.
        """
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
