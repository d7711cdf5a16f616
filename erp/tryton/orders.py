"""Channel orders as Tryton sales: created once under their reference, from the canonical order.

A unique index on ``sale.reference`` (added by provisioning) makes a concurrent second create
fail, so the same order applied twice, or by two workers, leaves one sale. Every lookup that
can refuse the order (SKUs, currency) runs before the first write, so a refused order leaves
nothing behind, not even its customer.
"""

from __future__ import annotations

import logging
from typing import Any

from erp.errors import ErpTransient
from erp.money import MONEY_SKUS
from erp.tryton.catalog import Product, TrytonCatalog
from erp.tryton.client import TrytonClient
from erp.tryton.errors import DuplicateKey
from erp.tryton.money import money_values
from erp.tryton.parties import TrytonParties, party_code
from erp.tryton.sales import TrytonSales
from events.order import Order

__all__ = ["TrytonOrders", "line_values"]

logger = logging.getLogger(__name__)


class TrytonOrders:
    """Creates the sale of an order, and the values Tryton needs for it."""

    def __init__(
        self, client: TrytonClient, catalog: TrytonCatalog, parties: TrytonParties, sales: TrytonSales
    ) -> None:
        self._client = client
        self._catalog = catalog
        self._parties = parties
        self._sales = sales

    def ensure(self, channel: str, order: Order, reference: str) -> dict[str, Any]:
        """The confirmed sale of ``order``, created unless it exists (a sale cancelled before it
        was confirmed stays as it is); as read afterwards."""
        sale = self._sales.find(reference)
        if sale is None:
            sale = self.create(channel, order, reference)
        elif sale["state"] == "cancelled":
            # The order's cancellation came first (channels deliver out of order): it stands.
            logger.info("Tryton sale %s (%s) is cancelled already; leaving it.", sale["id"], reference)
            return sale
        else:
            logger.info("Tryton sale %s already holds %s; resuming it at %s.", sale["id"], reference, sale["state"])
        return self._sales.drive(sale)

    def create(self, channel: str, order: Order, reference: str) -> dict[str, Any]:
        """Create the draft sale and read it; if another worker just did, see :meth:`_lost_race`.

        Raises:
            UnknownSku: before anything is written.
            ErpRejected: the ERP has no such currency.
        """
        products = self._catalog.products(order.skus | MONEY_SKUS)
        currency = self._catalog.currency(order.currency)
        party = self._parties.upsert(party_code(channel, order.customer.id), order.customer)
        values = {**self.header(order, party), **self._identity(order, reference, currency)}
        try:
            sale_id = self._sales.create({**values, "lines": [["create", line_values(order, products)]]})
        except DuplicateKey:
            return self._lost_race(reference)
        logger.info("Created Tryton sale %s for %s order %s (reference %s).", sale_id, channel, order.id, reference)
        return self._sales.read(sale_id)

    def header(self, order: Order, party: int) -> dict[str, Any]:
        """The party and addresses of the sale of ``order`` (addresses created if missing)."""
        # RPC create runs no on_change: addresses, units and prices must all be given.
        shipping = order.shipping_address or order.customer.address or order.billing_address
        return {
            "party": party,
            "invoice_address": self._parties.address(party, order.billing_address or shipping),
            "shipment_address": self._parties.address(party, shipping),
        }

    def _identity(self, order: Order, reference: str, currency: int) -> dict[str, Any]:
        values: dict[str, Any] = {
            "company": self._client.context["company"],
            "currency": currency,
            "reference": reference,
            "description": order.number or order.id,
        }
        if order.placed_at is not None:
            values["sale_date"] = order.placed_at.date()
        return values

    def _lost_race(self, reference: str) -> dict[str, Any]:
        """Another worker created the sale between our search and our create: use theirs."""
        existing = self._sales.find(reference)
        if existing is None:
            raise ErpTransient(f"sale {reference} is a duplicate, yet cannot be found")
        logger.info("Tryton sale %s for %s was created by another worker.", existing["id"], reference)
        return self._sales.settled_or_busy(existing)


def line_values(order: Order, products: dict[str, Product]) -> list[dict[str, Any]]:
    """The sale lines of ``order``, in Tryton's create syntax: its goods, then its money."""
    goods = [
        {
            "type": "line",
            "product": products[line.sku].id,
            "unit": products[line.sku].unit,
            # Tryton stores quantities as floats; prices stay Decimal (sent as tagged text).
            "quantity": float(line.quantity),
            "unit_price": line.unit_price,
        }
        for line in order.lines
    ]
    return goods + money_values(order, products)
