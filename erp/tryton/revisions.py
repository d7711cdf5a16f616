"""An order's updates applied to its Tryton sale: followed while the sale can change, recorded
as an exception once it cannot.

Tryton lets a sale's lines, party and addresses change only in draft or quotation. Weir confirms
a sale as soon as it creates it, so an update usually finds it confirmed: the change is then
written on the sale as a note (:mod:`erp.tryton.notes`) for a person to act on, and the event is
done. Dead-lettering it instead would hold every later event of the order (its cancellation, its
refunds) behind a change no replay could ever apply.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from erp.adapter import SaleChange
from erp.money import MONEY_SKUS, money_lines, require_total
from erp.tryton.catalog import TrytonCatalog
from erp.tryton.client import TrytonClient
from erp.tryton.notes import TrytonNotes
from erp.tryton.orders import TrytonOrders, line_values
from erp.tryton.parties import TrytonParties, party_code
from erp.tryton.sales import EDITABLE, TrytonSales, to_record
from events.order import Order

__all__ = ["TrytonRevisions"]

logger = logging.getLogger(__name__)


class TrytonRevisions:
    """Applies order updates to sales."""

    def __init__(
        self,
        client: TrytonClient,
        catalog: TrytonCatalog,
        parties: TrytonParties,
        orders: TrytonOrders,
        notes: TrytonNotes,
    ) -> None:
        self._client = client
        self._catalog = catalog
        self._parties = parties
        self._orders = orders
        self._sales = TrytonSales(client)
        self._notes = notes

    def follow(self, channel: str, order: Order, reference: str, revision: str) -> SaleChange:
        """Bring the sale of ``reference`` to ``order`` (see :meth:`ErpAdapter.update_sale`)."""
        sale = self._sales.find(reference)
        if sale is None:
            require_total(order)
            return SaleChange(sale=to_record(self._orders.ensure(channel, order, reference)), outcome="created")
        products = self._catalog.products(order.skus | MONEY_SKUS)
        self._catalog.currency(order.currency)
        party = self._parties.upsert(party_code(channel, order.customer.id), order.customer)
        differences = self._differences(sale, order, party)
        if not differences:
            settled = sale if sale["state"] == "cancelled" else self._sales.drive(sale)
            return SaleChange(sale=to_record(settled), outcome="unchanged")
        if sale["state"] in EDITABLE:
            require_total(order)
            return self._rewrite(sale, order, party, products)
        return self._record(sale, revision, differences)

    def _differences(self, sale: dict[str, Any], order: Order, party: int) -> list[str]:
        differences = []
        if _lines_of(sale) != _wanted(order):
            differences.append(f"lines are now {_describe(_wanted(order))} (the sale has {_describe(_lines_of(sale))})")
        if _money_of(sale) != _money_wanted(order):
            differences.append(f"discounts, shipping, fees or taxes changed: the order now totals {order.total}")
        if sale["party"] != party:
            differences.append(f"the customer is now {order.customer.id} ({order.customer.name})")
        shipping = order.shipping_address or order.customer.address or order.billing_address
        if not self._parties.matches(sale["shipment_address"], shipping):
            differences.append(
                f"the shipping address is now {shipping.model_dump(exclude_none=True) if shipping else {}}"
            )
        if not self._parties.matches(sale["invoice_address"], order.billing_address or shipping):
            differences.append("the billing address changed")
        return differences

    def _rewrite(self, sale: dict[str, Any], order: Order, party: int, products: dict[str, Any]) -> SaleChange:
        if sale["state"] == "quotation":
            sale = self._sales.call(sale, "draft")
        old_lines = [line["id"] for line in sale["lines."]]
        values = {
            **self._orders.header(order, party),
            "lines": [["delete", old_lines], ["create", line_values(order, products)]],
        }
        self._client.call("model.sale.sale.write", [sale["id"]], values)
        logger.info("Tryton sale %s (%s) follows its order's update.", sale["id"], sale["reference"])
        return SaleChange(sale=to_record(self._sales.drive(self._sales.read(sale["id"]))), outcome="followed")

    def _record(self, sale: dict[str, Any], revision: str, differences: list[str]) -> SaleChange:
        detail = f"the channel's update of {revision} was not applied, as the sale is {sale['state']}: " + "; ".join(
            differences
        )
        self._notes.record(sale["id"], f"update {revision}", detail)
        return SaleChange(sale=to_record(sale, self._notes.of(sale["id"])), outcome="exception", detail=detail)


_Lines = tuple[tuple[str, Decimal, Decimal], ...]


def _lines_of(sale: dict[str, Any]) -> _Lines:
    record = to_record(sale)
    return tuple(sorted((line.sku, line.quantity.normalize(), line.unit_price.normalize()) for line in record.lines))


def _wanted(order: Order) -> _Lines:
    return tuple(sorted((line.sku, line.quantity.normalize(), line.unit_price.normalize()) for line in order.lines))


def _money_of(sale: dict[str, Any]) -> list[tuple[str, Decimal]]:
    return sorted((line.sku, line.unit_price.normalize()) for line in to_record(sale).money)


def _money_wanted(order: Order) -> list[tuple[str, Decimal]]:
    return sorted((line.sku, line.amount.normalize()) for line in money_lines(order))


def _describe(lines: _Lines) -> str:
    return ", ".join(f"{sku} x{quantity} @ {price}" for sku, quantity, price in lines) or "none"
