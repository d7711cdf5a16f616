"""A real ERP adapter that also notes each write it confirmed, in order, so a test can see in
which order events reached the ERP (the simulator keeps the first version of a sale)."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from decimal import Decimal

from erp.adapter import ErpAdapter, SaleChange, SaleRecord
from events.cancellation import Cancellation
from events.fulfillment import Fulfillment
from events.order import Customer, Order
from events.refund import Refund
from events.stock import StockLevel

__all__ = ["RecordingErp"]


class RecordingErp:
    """Forwards every call to ``inner``; ``writes`` lists ``(entity id, what was written)`` for
    each order or customer write ``inner`` confirmed: an order's total quantity (created or
    updated), a customer's name."""

    def __init__(self, inner: ErpAdapter) -> None:
        self._inner = inner
        self._lock = threading.Lock()
        self.writes: list[tuple[str, str]] = []

    def ensure_sale(self, channel: str, order: Order) -> SaleRecord:
        sale = self._inner.ensure_sale(channel, order)
        self._note(order.id, str(sum(int(line.quantity) for line in order.lines)))
        return sale

    def update_sale(self, channel: str, order: Order, *, revision: str) -> SaleChange:
        change = self._inner.update_sale(channel, order, revision=revision)
        self._note(order.id, str(sum(int(line.quantity) for line in order.lines)))
        return change

    def cancel_sale(self, channel: str, cancellation: Cancellation) -> SaleChange:
        return self._inner.cancel_sale(channel, cancellation)

    def record_refund(self, channel: str, refund: Refund) -> SaleChange:
        return self._inner.record_refund(channel, refund)

    def fulfill_sale(self, channel: str, fulfillment: Fulfillment) -> SaleChange:
        return self._inner.fulfill_sale(channel, fulfillment)

    def set_stock(self, levels: Sequence[StockLevel]) -> None:
        self._inner.set_stock(levels)

    def stock_of(self, skus: Iterable[str]) -> dict[str, Decimal]:
        return self._inner.stock_of(skus)

    def upsert_customer(self, channel: str, customer: Customer) -> int:
        party = self._inner.upsert_customer(channel, customer)
        self._note(customer.id, customer.name)
        return party

    def find_sale(self, reference: str) -> SaleRecord | None:
        return self._inner.find_sale(reference)

    def close(self) -> None:
        self._inner.close()

    def of(self, entity_id: str) -> list[str]:
        """What was written for ``entity_id``, in order."""
        with self._lock:
            return [written for written_id, written in self.writes if written_id == entity_id]

    def _note(self, entity_id: str, written: str) -> None:
        with self._lock:
            self.writes.append((entity_id, written))
