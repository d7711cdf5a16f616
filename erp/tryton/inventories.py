"""Stock in Tryton: the channel's figure becomes the quantity in the warehouse's storage location.

An adjustment is one confirmed ``stock.inventory`` of the storage location (``STO``) counting
each SKU at the channel's figure: Tryton moves the difference in or out (from its lost-and-found
location). SKUs already at their figure are left out, so an adjustment applied twice moves
nothing the second time. Tryton computes what it expected at confirmation, so two adjustments
racing still end at the figure of the last one confirmed. Tryton counts no negative stock: an
oversold SKU's negative figure is counted as zero.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from erp.errors import ErpRejected
from erp.tryton.catalog import TrytonCatalog
from erp.tryton.client import TrytonClient
from events.stock import StockLevel

__all__ = ["TrytonInventories"]

logger = logging.getLogger(__name__)

#: The stock module's code of the warehouse's storage location.
STORAGE = "STO"


class TrytonInventories:
    """Reads and adjusts on-hand stock in the storage location."""

    def __init__(self, client: TrytonClient, catalog: TrytonCatalog) -> None:
        self._client = client
        self._catalog = catalog
        self._storage: int | None = None

    def set(self, levels: Sequence[StockLevel]) -> None:
        """Adjust each SKU to the sum of its levels (see :meth:`ErpAdapter.set_stock`).

        Raises:
            UnknownSku: before anything is adjusted.
        """
        wanted: dict[str, Decimal] = {}
        for level in levels:
            wanted[level.sku] = wanted.get(level.sku, Decimal(0)) + level.available
        for sku, quantity in wanted.items():
            if quantity < 0:
                logger.warning("The channel counts %s of %s (oversold); Tryton counts it as 0.", quantity, sku)
                wanted[sku] = Decimal(0)
        products = self._catalog.products(wanted)
        current = self.of(wanted)
        lines = [
            {"product": products[sku].id, "quantity": float(quantity)}
            for sku, quantity in sorted(wanted.items())
            if current[sku] != quantity
        ]
        if not lines:
            return
        values = {"location": self.storage(), "company": self._client.context["company"], "lines": [["create", lines]]}
        (inventory,) = self._client.call("model.stock.inventory.create", [values])
        self._client.call("model.stock.inventory.confirm", [inventory])
        logger.info("Tryton inventory %s set the stock of %s.", inventory, ", ".join(sorted(wanted)))

    def of(self, skus: Iterable[str]) -> dict[str, Decimal]:
        """The quantity of each SKU in the storage location (unknown SKUs are left out)."""
        rows = self._client.call(
            "model.product.product.search_read",
            [["code", "in", sorted(set(skus))]],
            0,
            None,
            None,
            ["code", "quantity"],
            context={"locations": [self.storage()]},
        )
        return {row["code"]: _decimal(row["quantity"]) for row in rows}

    def storage(self) -> int:
        """The id of the warehouse's storage location (cached)."""
        if self._storage is None:
            ids = self._client.call("model.stock.location.search", [["code", "=", STORAGE]], 0, 1, None)
            if not ids:
                raise ErpRejected(f"the ERP has no stock location {STORAGE}")
            self._storage = int(ids[0])
        return self._storage


def _decimal(value: Any) -> Decimal:
    # Tryton keeps quantities as floats; str() keeps the digits the figure was set with.
    return Decimal(str(value)).normalize() if value is not None else Decimal(0)
