"""Weir's ERP contract (:class:`erp.adapter.ErpAdapter`) kept by Tryton over JSON-RPC.

Each family has its module; this class only puts them together:

================  ======================================================================
order created     :mod:`.orders`: one confirmed sale under :func:`erp.adapter.sale_reference`,
                  its money as lines on service products (:mod:`.money`);
                  :mod:`.batches` writes several at a time while a backlog waits
order updated     :mod:`.revisions`: the sale follows while draft or quotation, else a note
order cancelled   :mod:`.cancels`: ``cancel``, or its shipments cancelled after confirmation
refund            :mod:`.refunds`: one return sale (negative quantities, a credit line)
fulfillment       :mod:`.shipments`: the sale's customer shipment processed to done
inventory level   :mod:`.inventories`: an inventory of the storage location to the figure
customer          :mod:`.parties`: the party upserted on its code
================  ======================================================================
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from erp.adapter import SaleChange, SaleRecord, sale_reference
from erp.batcher import Batcher
from erp.errors import ErpError
from erp.money import require_total
from erp.settings import ErpSettings
from erp.tryton.batches import Item, Outcome, TrytonBatches
from erp.tryton.cancels import TrytonCancels
from erp.tryton.catalog import TrytonCatalog
from erp.tryton.client import TrytonClient
from erp.tryton.inventories import TrytonInventories
from erp.tryton.notes import TrytonNotes
from erp.tryton.orders import TrytonOrders
from erp.tryton.parties import TrytonParties, party_code
from erp.tryton.refunds import TrytonRefunds
from erp.tryton.revisions import TrytonRevisions
from erp.tryton.sales import TrytonSales, to_record
from erp.tryton.shipments import TrytonShipments
from events.cancellation import Cancellation
from events.fulfillment import Fulfillment
from events.order import Customer, Order
from events.refund import Refund
from events.stock import StockLevel

__all__ = ["TrytonErp"]


class TrytonErp:
    """Applies every canonical family to Tryton. Safe to share between worker threads.

    New orders that threads apply at the same time are written up to ``batch_max`` at a time
    (:mod:`erp.batcher`); with 1, each on its own.
    """

    def __init__(self, client: TrytonClient, *, batch_max: int = 1, resume_after_seconds: float = 0.0) -> None:
        self._client = client
        catalog = TrytonCatalog(client)
        self._parties = TrytonParties(client, catalog)
        self._sales = TrytonSales(client)
        self._notes = TrytonNotes(client)
        self._orders = TrytonOrders(
            client, catalog, self._parties, self._sales, resume_after_seconds=resume_after_seconds
        )
        self._revisions = TrytonRevisions(client, catalog, self._parties, self._orders, self._notes)
        self._cancels = TrytonCancels(client, self._orders, self._notes)
        self._refunds = TrytonRefunds(client, catalog, self._sales)
        self._shipments = TrytonShipments(client, catalog, self._notes)
        self._inventories = TrytonInventories(client, catalog)
        batches = TrytonBatches(client, catalog, self._orders, self._sales)
        self._batcher = Batcher[Item, Outcome](batches.ensure, max_size=batch_max) if batch_max > 1 else None

    @classmethod
    def from_settings(cls, settings: ErpSettings) -> TrytonErp:
        """An adapter for the Tryton that ``settings`` describes (it logs in on first use)."""
        return cls(
            TrytonClient.from_settings(settings),
            batch_max=settings.batch_max,
            resume_after_seconds=settings.resume_after_seconds,
        )

    def ensure_sale(self, channel: str, order: Order) -> SaleRecord:
        # Before any call: an order whose money does not add up leaves nothing in Tryton.
        require_total(order)
        if self._batcher is None:
            return to_record(self._orders.ensure(channel, order, sale_reference(channel, order.id)))
        outcome = self._batcher.submit((channel, order))
        if isinstance(outcome, ErpError):
            raise outcome
        return to_record(outcome)

    def update_sale(self, channel: str, order: Order, *, revision: str) -> SaleChange:
        return self._revisions.follow(channel, order, sale_reference(channel, order.id), revision)

    def cancel_sale(self, channel: str, cancellation: Cancellation) -> SaleChange:
        return self._cancels.cancel(channel, cancellation, sale_reference(channel, cancellation.order_id))

    def record_refund(self, channel: str, refund: Refund) -> SaleChange:
        return self._refunds.record(channel, refund)

    def fulfill_sale(self, channel: str, fulfillment: Fulfillment) -> SaleChange:
        return self._shipments.fulfill(fulfillment, sale_reference(channel, fulfillment.order_id))

    def set_stock(self, levels: Sequence[StockLevel]) -> None:
        self._inventories.set(levels)

    def stock_of(self, skus: Iterable[str]) -> dict[str, Decimal]:
        return self._inventories.of(skus)

    def upsert_customer(self, channel: str, customer: Customer) -> int:
        party_id = self._parties.upsert(party_code(channel, customer.id), customer)
        if customer.address is not None:
            self._parties.address(party_id, customer.address)
        return party_id

    def find_sale(self, reference: str) -> SaleRecord | None:
        sale = self._sales.find(reference)
        return None if sale is None else to_record(sale, self._notes.of(sale["id"]))

    def close(self) -> None:
        self._client.close()
