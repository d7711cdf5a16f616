"""Weir's ERP contract (:class:`erp.adapter.ErpAdapter`) kept by Tryton over JSON-RPC.

An order becomes one sale whose ``reference`` is :func:`erp.adapter.sale_reference`; a unique
index on that column (added by provisioning) makes a concurrent second create fail, so the
same order applied twice, or by two workers, leaves one sale.
"""

from __future__ import annotations

import logging
from typing import Any

from erp.adapter import SaleRecord, sale_reference
from erp.errors import ErpTransient
from erp.settings import ErpSettings
from erp.tryton.catalog import Product, TrytonCatalog
from erp.tryton.client import TrytonClient
from erp.tryton.errors import DuplicateKey
from erp.tryton.parties import TrytonParties, party_code
from erp.tryton.sales import TrytonSales, to_record
from events.order import Customer, Order

__all__ = ["TrytonErp"]

logger = logging.getLogger(__name__)


class TrytonErp:
    """Applies orders and customers to Tryton. Safe to share between worker threads."""

    def __init__(self, client: TrytonClient) -> None:
        self._client = client
        self._catalog = TrytonCatalog(client)
        self._parties = TrytonParties(client, self._catalog)
        self._sales = TrytonSales(client)

    @classmethod
    def from_settings(cls, settings: ErpSettings) -> TrytonErp:
        """An adapter for the Tryton that ``settings`` describes (it logs in on first use)."""
        return cls(TrytonClient.from_settings(settings))

    def ensure_sale(self, channel: str, order: Order) -> SaleRecord:
        reference = sale_reference(channel, order.id)
        sale = self._sales.find(reference)
        if sale is None:
            sale = self._create(channel, order, reference)
        else:
            logger.info("Tryton sale %s already holds %s; resuming it at %s.", sale["id"], reference, sale["state"])
        return to_record(self._sales.drive(sale))

    def upsert_customer(self, channel: str, customer: Customer) -> int:
        party_id = self._parties.upsert(party_code(channel, customer.id), customer)
        if customer.address is not None:
            self._parties.address(party_id, customer.address)
        return party_id

    def find_sale(self, reference: str) -> SaleRecord | None:
        sale = self._sales.find(reference)
        return to_record(sale) if sale is not None else None

    def close(self) -> None:
        self._client.close()

    def _create(self, channel: str, order: Order, reference: str) -> dict[str, Any]:
        """Create the draft sale and read it; if another worker just did, see :meth:`_lost_race`."""
        # Every lookup that can refuse the order runs before the first write, so a refused
        # order leaves nothing behind, not even its customer.
        products = self._catalog.products(order.skus)
        currency = self._catalog.currency(order.currency)
        party = self._parties.upsert(party_code(channel, order.customer.id), order.customer)
        try:
            sale_id = self._sales.create(self._sale_values(order, reference, currency, party, products))
        except DuplicateKey:
            return self._lost_race(reference)
        logger.info("Created Tryton sale %s for %s order %s (reference %s).", sale_id, channel, order.id, reference)
        return self._sales.read(sale_id)

    def _lost_race(self, reference: str) -> dict[str, Any]:
        """Another worker created the sale between our search and our create: use theirs."""
        existing = self._sales.find(reference)
        if existing is None:
            raise ErpTransient(f"sale {reference} is a duplicate, yet cannot be found")
        logger.info("Tryton sale %s for %s was created by another worker.", existing["id"], reference)
        return self._sales.settled_or_busy(existing)

    def _sale_values(
        self, order: Order, reference: str, currency: int, party: int, products: dict[str, Product]
    ) -> dict[str, Any]:
        # RPC create runs no on_change: addresses, units and prices must all be given.
        shipping = order.shipping_address or order.customer.address or order.billing_address
        values: dict[str, Any] = {
            "company": self._client.context["company"],
            "currency": currency,
            "party": party,
            "invoice_address": self._parties.address(party, order.billing_address or shipping),
            "shipment_address": self._parties.address(party, shipping),
            "reference": reference,
            "description": order.number or order.id,
            "lines": [["create", _lines(order, products)]],
        }
        if order.placed_at is not None:
            values["sale_date"] = order.placed_at.date()
        return values


def _lines(order: Order, products: dict[str, Product]) -> list[dict[str, Any]]:
    return [
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
