"""Refunds in Tryton: one return sale per refund, for the refunded order's customer.

A return sale is a sale with negative quantities: confirming it creates the customer return
shipment the goods come back through. Its reference is :func:`erp.adapter.refund_reference`,
under the same unique index as every sale, so a refund applied twice leaves one return.
Shipping refunded, when the channel says, is a line on the shipping service product. Money
refunded beyond those lines (tax, a goodwill credit, a payment provider's refund that names no
lines) is one credit line without a product; so is what the channel kept of the lines' price (a
partial refund), at a negative price: the return totals what was refunded.
"""

from __future__ import annotations

import logging
from typing import Any

from erp.adapter import SaleChange, SaleLine, refund_reference, sale_reference
from erp.errors import ErpRejected, SaleMissing
from erp.money import SHIPPING_SKU
from erp.returns import CREDIT_SKU, return_lines
from erp.tryton.catalog import Product, TrytonCatalog
from erp.tryton.client import TrytonClient
from erp.tryton.errors import DuplicateKey
from erp.tryton.sales import TrytonSales, to_record
from events.refund import Refund

__all__ = ["TrytonRefunds"]

logger = logging.getLogger(__name__)


class TrytonRefunds:
    """Records refunds as return sales."""

    def __init__(self, client: TrytonClient, catalog: TrytonCatalog, sales: TrytonSales) -> None:
        self._client = client
        self._catalog = catalog
        self._sales = sales

    def record(self, channel: str, refund: Refund) -> SaleChange:
        """Record ``refund`` of an order of ``channel`` (see :meth:`ErpAdapter.record_refund`)."""
        order_channel = refund.order_channel or channel
        reference = refund_reference(order_channel, refund.order_id, refund.refund_id)
        existing = self._sales.find(reference)
        if existing is not None:
            return SaleChange(sale=to_record(self._sales.drive(existing)), outcome="unchanged")
        # Every lookup that can refuse the refund runs before the return sale is created.
        sale = self._sales.find(sale_reference(order_channel, refund.order_id))
        if sale is None:
            raise SaleMissing(f"sale {sale_reference(order_channel, refund.order_id)} is not in the ERP yet")
        products = self._catalog.products(refund.skus | ({SHIPPING_SKU} if refund.shipping else set()))
        if refund.currency is not None and self._catalog.currency(refund.currency) != sale["currency"]:
            raise ErpRejected(f"refund {refund.refund_id} is in {refund.currency}, not the sale's currency")
        lines = _values(return_lines(refund, to_record(sale).lines, sale["reference"]), products, refund)
        try:
            header = {**_header(sale), "company": self._client.context["company"]}
            sale_id = self._sales.create({**header, "reference": reference, "lines": [["create", lines]]})
        except DuplicateKey:
            found = self._sales.find(reference)
            if found is None:
                raise
            return SaleChange(sale=to_record(self._sales.settled_or_busy(found)), outcome="unchanged")
        logger.info("Created Tryton return sale %s for refund %s (%s).", sale_id, refund.refund_id, reference)
        return SaleChange(sale=to_record(self._sales.drive(self._sales.read(sale_id))), outcome="created")


def _header(sale: dict[str, Any]) -> dict[str, Any]:
    return {
        "currency": sale["currency"],
        "party": sale["party"],
        "invoice_address": sale["invoice_address"],
        "shipment_address": sale["shipment_address"],
        "description": f"Return of {sale['reference']}",
    }


def _values(lines: tuple[SaleLine, ...], products: dict[str, Product], refund: Refund) -> list[dict[str, Any]]:
    """The return's lines in Tryton's create syntax; the credit line has no product."""
    values = []
    for line in lines:
        value: dict[str, Any] = {"type": "line", "quantity": float(line.quantity), "unit_price": line.unit_price}
        if line.sku == CREDIT_SKU and line.unit_price < 0:
            value["description"] = f"Refund {refund.refund_id}: kept of the returned goods' price"
        elif line.sku == CREDIT_SKU:
            value["description"] = f"Refund {refund.refund_id}" + (f": {refund.reason}" if refund.reason else "")
        else:
            value.update(product=products[line.sku].id, unit=products[line.sku].unit)
            if line.sku == SHIPPING_SKU:
                value["description"] = f"Refund {refund.refund_id}: shipping"
        values.append(value)
    return values
