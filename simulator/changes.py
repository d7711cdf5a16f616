"""What happens to a simulated sale after its creation: updates, cancellation, shipping, returns.

A simulated sale is confirmed from the start, so, as in Tryton past quotation, its lines never
change again: an update that differs, a cancellation after shipping or a partial shipment is
recorded on the sale as an exception (``"[<key>] <text>"``, once per key) instead. Each change
answers ``{"sale", "outcome", "detail"}``, the outcome being ``created``, ``unchanged``,
``cancelled``, ``shipped`` or ``exception``. Every change is idempotent by the sale's reference.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from simulator.bodies import CancelBody, FulfillmentBody, ReturnBody, RevisionBody
from simulator.state import ErpState, NoSuchSale

__all__ = ["SaleChanges"]

Change = dict[str, Any]


class SaleChanges:
    """Changes to the sales of ``state``."""

    def __init__(self, state: ErpState) -> None:
        self._state = state

    def revise(self, reference: str, body: RevisionBody) -> Change:
        """Create the sale from the order, or record on it that the order's lines changed."""
        self._state.check_skus(line.sku for line in body.order.lines)
        sale, created = self._state.ensure_sale(reference, body.order)
        if created:
            return _change(sale, "created")
        wanted = sorted((line.sku, line.quantity, line.unit_price) for line in body.order.lines)
        money = sorted((line.sku, line.amount) for line in body.order.money)
        if _lines(sale) == wanted and _money(sale) == money:
            return _change(sale, "unchanged")
        detail = f"the update {body.revision} changes the lines or the money of a confirmed sale"
        return _exception(sale, f"update {body.revision}", detail)

    def cancel(self, reference: str, body: CancelBody) -> Change:
        """Cancel the sale (created from ``body.order`` if missing). Raises :class:`NoSuchSale`."""
        sale = self._state.sales.get(reference)
        if sale is None:
            if body.order is None:
                raise NoSuchSale(reference)
            sale, _ = self._state.ensure_sale(reference, body.order)
        if sale["cancelled"]:
            return _change(sale, "unchanged")
        if sale["shipped"]:
            return _exception(sale, "cancel", "the order was cancelled after its goods left")
        sale.update(cancelled=True, state="cancelled")
        return _change(sale, "cancelled")

    def fulfill(self, reference: str, body: FulfillmentBody) -> Change:
        """Ship the whole sale, or record a partial shipment. Raises :class:`NoSuchSale`."""
        sale = self._state.sales.get(reference)
        if sale is None:
            raise NoSuchSale(reference)
        self._state.check_skus(line.sku for line in body.lines)
        if sale["shipped"]:
            return _change(sale, "unchanged")
        key = f"fulfillment {body.fulfillment_id}"
        if sale["cancelled"]:
            return _exception(sale, key, "the channel shipped a cancelled order")
        shipped: dict[str, Decimal] = {}
        for line in body.lines:
            shipped[line.sku] = shipped.get(line.sku, Decimal(0)) + line.quantity
        if body.lines and shipped != _units(sale):
            return _exception(sale, key, "the channel shipped part of the order")
        sale["shipped"] = True
        return _change(sale, "shipped")

    def record_return(self, reference: str, body: ReturnBody) -> Change:
        """The return sale ``reference`` of ``body.sale_reference``, created once.

        Raises:
            NoSuchSale: the returned sale is missing.
            UnknownSkus: a line names a SKU not in the catalogue.
        """
        existing = self._state.returns.get(reference)
        if existing is not None:
            return _change(existing, "unchanged")
        if body.sale_reference not in self._state.sales:
            raise NoSuchSale(body.sale_reference)
        self._state.check_skus(line.sku for line in body.lines if line.sku)
        sale_id = self._state.next_id()
        sale = {
            "id": sale_id,
            "reference": reference,
            "number": f"RT{int(sale_id):06d}",
            "state": "confirmed",
            "total": str(
                sum((line.quantity * line.unit_price for line in body.lines), Decimal(0))
                + sum((line.amount for line in body.money), Decimal(0))
            ),
            "lines": [
                {"sku": line.sku, "quantity": str(line.quantity), "unit_price": str(line.unit_price)}
                for line in body.lines
            ],
            "money": [
                {"sku": line.sku, "quantity": "1", "unit_price": str(line.amount), "description": line.description}
                for line in body.money
            ],
            "cancelled": False,
            "shipped": False,
            "exceptions": [],
        }
        self._state.returns[reference] = sale
        return _change(sale, "created")


def _lines(sale: dict[str, Any]) -> list[tuple[str, Decimal, Decimal]]:
    return sorted((line["sku"], Decimal(line["quantity"]), Decimal(line["unit_price"])) for line in sale["lines"])


def _money(sale: dict[str, Any]) -> list[tuple[str, Decimal]]:
    return sorted((line["sku"], Decimal(line["unit_price"])) for line in sale.get("money", ()))


def _units(sale: dict[str, Any]) -> dict[str, Decimal]:
    units: dict[str, Decimal] = {}
    for sku, quantity, _ in _lines(sale):
        units[sku] = units.get(sku, Decimal(0)) + quantity
    return units


def _exception(sale: dict[str, Any], key: str, detail: str) -> Change:
    marker = f"[{key}]"
    if not any(note.startswith(marker) for note in sale["exceptions"]):
        sale["exceptions"].append(f"{marker} {detail}")
    return _change(sale, "exception", detail)


def _change(sale: dict[str, Any], outcome: str, detail: str | None = None) -> Change:
    return {"sale": sale, "outcome": outcome, "detail": detail}
