"""Cancelling a channel's order in Tryton, whatever state its sale reached.

``sale.cancel`` only works in draft or quotation. Past that (Weir's sales are confirmed at once),
Tryton's path is the one a user takes: cancel the sale's customer shipments, which puts the sale
in shipment exception, then run the ``sale.handle.shipment.exception`` wizard ignoring every
cancelled move. The sale stays ``processing`` with nothing left to ship and its stock reservation
released. A shipment that already left cannot be cancelled: that is recorded on the sale.
"""

from __future__ import annotations

import logging
from typing import Any

from erp.adapter import SaleChange
from erp.errors import SaleMissing
from erp.money import require_total
from erp.tryton.client import TrytonClient
from erp.tryton.notes import TrytonNotes
from erp.tryton.orders import TrytonOrders
from erp.tryton.sales import EDITABLE, TrytonSales, to_record
from events.cancellation import Cancellation

__all__ = ["TrytonCancels"]

logger = logging.getLogger(__name__)

_WIZARD = "wizard.sale.handle.shipment.exception"
_LEFT = frozenset({"shipped", "done"})


class TrytonCancels:
    """Cancels sales."""

    def __init__(self, client: TrytonClient, orders: TrytonOrders, notes: TrytonNotes) -> None:
        self._client = client
        self._orders = orders
        self._sales = TrytonSales(client)
        self._notes = notes

    def cancel(self, channel: str, cancellation: Cancellation, reference: str) -> SaleChange:
        """Cancel the sale of ``reference`` (see :meth:`ErpAdapter.cancel_sale`)."""
        sale = self._sales.find(reference)
        if sale is None:
            if cancellation.order is None:
                raise SaleMissing(f"sale {reference} is not in the ERP yet; its cancellation waits for it")
            require_total(cancellation.order)
            sale = self._orders.create(channel, cancellation.order, reference)
        if to_record(sale).cancelled:
            return SaleChange(sale=to_record(sale), outcome="unchanged")
        if sale["state"] in EDITABLE:
            return SaleChange(sale=to_record(self._sales.call(sale, "cancel")), outcome="cancelled")
        return self._cancel_processing(self._sales.drive(sale))

    def _cancel_processing(self, sale: dict[str, Any]) -> SaleChange:
        states = {shipment["id"]: shipment["state"] for shipment in sale["shipments."]}
        if any(state in _LEFT for state in states.values()):
            detail = "the channel cancelled the order after its goods left the warehouse: handle the return by hand"
            self._notes.record(sale["id"], "cancel", detail)
            return SaleChange(sale=to_record(sale, self._notes.of(sale["id"])), outcome="exception", detail=detail)
        pending = [shipment for shipment, state in states.items() if state != "cancelled"]
        if pending:
            self._client.call("model.stock.shipment.out.cancel", pending)
        self._ignore_cancelled_moves(sale["id"])
        logger.info("Cancelled the shipments of Tryton sale %s (%s).", sale["id"], sale["reference"])
        return SaleChange(sale=to_record(self._sales.read(sale["id"])), outcome="cancelled")

    def _ignore_cancelled_moves(self, sale_id: int) -> None:
        context = {"active_model": "sale.sale", "active_id": sale_id, "active_ids": [sale_id]}
        wizard_id, _, _ = self._client.call(f"{_WIZARD}.create")
        try:
            asked = self._client.call(f"{_WIZARD}.execute", wizard_id, {}, "ask", context=context)
            moves = asked["view"]["defaults"]["domain_moves"]
            answer = {"ask": {"domain_moves": moves, "ignore_moves": moves, "recreate_moves": []}}
            self._client.call(f"{_WIZARD}.execute", wizard_id, answer, "handle", context=context)
        finally:
            self._client.call(f"{_WIZARD}.delete", wizard_id)
