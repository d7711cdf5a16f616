"""The simulated ERP's records: catalogue, sales, customers, stock levels, refunds and returns.

Everything lives in memory, in the form the API answers with: ids are strings of digits,
money and quantities decimal strings. One event loop only; no method awaits, so each runs
as one step.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from simulator.bodies import CustomerBody, OrderBody

__all__ = ["DEFAULT_CATALOGUE", "ErpState", "NoSuchSale", "UnknownSkus"]

#: SKU-0001 to SKU-9999.
DEFAULT_CATALOGUE = frozenset(f"SKU-{number:04d}" for number in range(1, 10_000))


class UnknownSkus(Exception):
    """The request names SKUs that the catalogue does not hold; nothing was stored."""

    def __init__(self, skus: Iterable[str]) -> None:
        self.skus = sorted(skus)
        super().__init__(f"unknown SKUs: {', '.join(self.skus)}")


class NoSuchSale(Exception):
    """No sale has this reference."""


class ErpState:
    """The records, empty but for the default catalogue."""

    def __init__(self) -> None:
        self.reset()

    def reset(self, catalogue: Iterable[str] = DEFAULT_CATALOGUE) -> None:
        """Forget every record and sell ``catalogue``."""
        self.catalogue = frozenset(catalogue)
        self.sales: dict[str, dict[str, Any]] = {}
        self.customers: dict[str, dict[str, Any]] = {}
        self.stock: dict[str, str] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        #: Return sales by their own reference (not counted as orders).
        self.returns: dict[str, dict[str, Any]] = {}
        #: When each sale and customer was first stored, in Unix ms (benchmarks time the fleet by it).
        self.first_stored: dict[str, dict[str, int]] = {"sales": {}, "customers": {}}
        self._ids = itertools.count(1)

    def sell(self, catalogue: Iterable[str]) -> None:
        """Sell exactly ``catalogue`` from now on; records stay."""
        self.catalogue = frozenset(catalogue)

    def ensure_sale(self, reference: str, order: OrderBody) -> tuple[dict[str, Any], bool]:
        """The confirmed sale of ``reference``, created from ``order`` unless it exists.

        Returns the sale and whether it was created now. Its total is its goods' and its money's
        (``order.money``) added up. An existing sale is returned as it is, whatever ``order`` says.

        Raises:
            UnknownSkus: the sale does not exist and ``order`` names SKUs not in the catalogue.
        """
        existing = self.sales.get(reference)
        if existing is not None:
            return existing, False
        self._check_skus(line.sku for line in order.lines)
        sale_id = next(self._ids)
        goods = sum((line.quantity * line.unit_price for line in order.lines), Decimal(0))
        total = goods + sum((line.amount for line in order.money), Decimal(0))
        sale = {
            "id": str(sale_id),
            "reference": reference,
            "number": f"SO{sale_id:06d}",
            "state": "confirmed",
            "total": str(total),
            "lines": [
                {"sku": line.sku, "quantity": str(line.quantity), "unit_price": str(line.unit_price)}
                for line in order.lines
            ],
            # As Tryton holds them: quantity 1 on a service product, the amount as its price.
            "money": [
                {"sku": line.sku, "quantity": "1", "unit_price": str(line.amount), "description": line.description}
                for line in order.money
            ],
            "cancelled": False,
            "shipped": False,
            "exceptions": [],
        }
        self.sales[reference] = sale
        self.first_stored["sales"][reference] = _now_ms()
        return sale, True

    def upsert_customer(self, code: str, customer: CustomerBody) -> str:
        """Store ``customer`` under ``code`` (replacing what was there); return its id."""
        existing = self.customers.get(code)
        customer_id = existing["id"] if existing is not None else str(next(self._ids))
        self.first_stored["customers"].setdefault(code, _now_ms())
        self.customers[code] = {**customer.model_dump(mode="json"), "id": customer_id, "code": code}
        return str(customer_id)

    def set_stock(self, sku: str, quantity: Decimal) -> None:
        """Set the stock level of ``sku``. Raises :class:`UnknownSkus` if it is not sold."""
        self._check_skus([sku])
        self.stock[sku] = str(quantity)

    def ensure_refund(self, reference: str, refund_id: str, fields: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        """The refund ``refund_id`` of sale ``reference``, recorded once; and whether it was now.

        Raises:
            NoSuchSale: no sale has ``reference``.
        """
        existing = self.refunds.get(refund_id)
        if existing is not None:
            return existing, False
        if reference not in self.sales:
            raise NoSuchSale(reference)
        refund = {**fields, "id": str(next(self._ids)), "refund_id": refund_id, "reference": reference}
        self.refunds[refund_id] = refund
        return refund, True

    def check_skus(self, skus: Iterable[str]) -> None:
        """Raise :class:`UnknownSkus` naming every SKU of ``skus`` not in the catalogue."""
        self._check_skus(skus)

    def next_id(self) -> str:
        """A new record id."""
        return str(next(self._ids))

    def _check_skus(self, skus: Iterable[str]) -> None:
        unknown = set(skus) - self.catalogue
        if unknown:
            raise UnknownSkus(unknown)


def _now_ms() -> int:
    return int(time.time() * 1000)
