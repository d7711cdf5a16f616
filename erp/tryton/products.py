"""Adding a product to Tryton's catalogue: how on-call fixes "unknown SKU" in the local ERP.

In production the catalogue is the ERP's own business (its users add products in its UI); the
embedded Tryton has no UI here, so ``weir catalogue add`` goes through this.
"""

from __future__ import annotations

from decimal import Decimal

from erp.errors import ErpRejected
from erp.tryton.client import TrytonClient

__all__ = ["add_product"]


def add_product(client: TrytonClient, sku: str, list_price: Decimal, name: str | None = None) -> int:
    """Create a salable good with code ``sku``, sold by the unit at ``list_price``; return its id.

    Raises:
        ErpRejected: a product with that code exists already, or Tryton refused it.
    """
    if client.call("model.product.product.search", [["code", "=", sku]], 0, 1, None):
        raise ErpRejected(f"the ERP has a product {sku} already")
    units = client.call("model.product.uom.search", [["name", "=", "Unit"]], 0, 1, None)
    if not units:
        raise ErpRejected("the ERP has no unit of measure named Unit")
    template = {
        "name": name or sku,
        "type": "goods",
        "salable": True,
        "default_uom": units[0],
        "sale_uom": units[0],
        "list_price": list_price,
        "products": [["create", [{"suffix_code": sku}]]],
    }
    [template_id] = client.call("model.product.template.create", [template])
    [product_id] = client.call("model.product.product.search", [["template", "=", template_id]], 0, 1, None)
    return int(product_id)
