"""A real ERP adapter that also notes each write it confirmed, in order, so a test can see in
which order events reached the ERP (the simulator keeps the first version of a sale)."""

from __future__ import annotations

import threading

from erp.adapter import ErpAdapter, SaleRecord
from events.order import Customer, Order

__all__ = ["RecordingErp"]


class RecordingErp:
    """Forwards every call to ``inner``; ``writes`` lists ``(entity id, what was written)`` for
    each write ``inner`` confirmed: an order's total quantity, a customer's name."""

    def __init__(self, inner: ErpAdapter) -> None:
        self._inner = inner
        self._lock = threading.Lock()
        self.writes: list[tuple[str, str]] = []

    def ensure_sale(self, channel: str, order: Order) -> SaleRecord:
        sale = self._inner.ensure_sale(channel, order)
        self._note(order.id, str(sum(int(line.quantity) for line in order.lines)))
        return sale

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
