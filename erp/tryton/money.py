"""An order's money in Tryton: the sale lines of :mod:`erp.money` on their service products.

Tryton's taxes need a chart of accounts, which the embedded Tryton does not have, so taxes are
lines like shipping and discounts. Tryton adds the sale up as :func:`erp.money.sale_total` does:
each line's quantity x unit price rounded to the currency, no tax on top.
"""

from __future__ import annotations

from typing import Any

from erp.money import money_lines
from erp.tryton.catalog import Product
from events.order import Order

__all__ = ["money_values"]


def money_values(order: Order, products: dict[str, Product]) -> list[dict[str, Any]]:
    """The money lines of ``order``'s sale in Tryton's create syntax; ``products`` holds the
    service products by code (:data:`erp.money.MONEY_SKUS`) beside the order's goods."""
    return [
        {
            "type": "line",
            "product": products[line.sku].id,
            "unit": products[line.sku].unit,
            "quantity": 1.0,
            "unit_price": line.amount,
            "description": line.description,
        }
        for line in money_lines(order)
    ]
