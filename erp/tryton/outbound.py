"""What the outbound leg reads of Tryton: stock moves done and customer shipments done.

Stock: the done ``stock.move`` rows written (or created) at or after the cursor name the products
whose stock moved; their quantity in the warehouse's storage location (``STO``, the figure
inbound stock events set with inventories) is read in one call. Shipments: the done
``stock.shipment.out`` rows written at or after the cursor, each with its outgoing moves, and the
sales holding them (``sale.sale`` searched by ``shipments``) for their reference
``<channel>:<order id>``.

Tryton keeps no tracking number on a customer shipment without its shipping modules: the
shipment's own ``reference`` is read as the tracking number when someone wrote one there (it
differs from the sale's reference, which Tryton copies into it otherwise).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from erp.errors import ErpRejected
from erp.outbound import DoneShipment, ShipmentsRead, StockRead
from erp.tryton.client import TrytonClient
from erp.tryton.inventories import STORAGE
from events.outbound import ShippedLine

__all__ = ["TrytonOutbound"]

_MOVE = "model.stock.move"
_SHIPMENT = "model.stock.shipment.out"


class TrytonOutbound:
    """Reads Tryton's stock changes and done customer shipments over ``client``."""

    def __init__(self, client: TrytonClient) -> None:
        self._client = client
        self._storage: int | None = None

    def stock_since(self, since: datetime) -> StockRead:
        """See :meth:`OutboundReader.stock_since`."""
        moves = self._client.call(
            f"{_MOVE}.search_read", [["state", "=", "done"], *_changed_since(since)], 0, None, None,
            ["product", "write_date", "create_date"],
        )  # fmt: skip
        if not moves:
            return StockRead(levels={}, cursor=since)
        products = sorted({int(move["product"]) for move in moves})
        rows = self._client.call(
            "model.product.product.read", products, ["code", "quantity"], context={"locations": [self._location()]}
        )
        levels = {row["code"]: _units(row["quantity"]) for row in rows if row.get("code")}
        return StockRead(levels=levels, cursor=max(_stamp(move) for move in moves))

    def shipments_since(self, since: datetime) -> ShipmentsRead:
        """See :meth:`OutboundReader.shipments_since`."""
        shipments = self._client.call(
            f"{_SHIPMENT}.search_read", [["state", "=", "done"], *_changed_since(since)], 0, None, None,
            ["number", "reference", "effective_date", "write_date", "create_date",
             "outgoing_moves.product.code", "outgoing_moves.quantity"],
        )  # fmt: skip
        if not shipments:
            return ShipmentsRead(shipments=[], cursor=since)
        ids = [shipment["id"] for shipment in shipments]
        sales = self._client.call(
            "model.sale.sale.search_read", [["shipments", "in", ids]], 0, None, None, ["reference", "shipments"]
        )
        reference_of = {shipment: sale["reference"] for sale in sales for shipment in sale["shipments"]}
        done = [
            found for shipment in shipments if (found := _done(shipment, reference_of.get(shipment["id"]))) is not None
        ]
        return ShipmentsRead(shipments=done, cursor=max(_stamp(shipment) for shipment in shipments))

    def close(self) -> None:
        self._client.close()

    def _location(self) -> int:
        if self._storage is None:
            ids = self._client.call("model.stock.location.search", [["code", "=", STORAGE]], 0, 1, None)
            if not ids:
                raise ErpRejected(f"the ERP has no stock location {STORAGE}")
            self._storage = int(ids[0])
        return self._storage


def _changed_since(since: datetime) -> list[Any]:
    # A row never written since its creation may carry no write date.
    return [["OR", ["write_date", ">=", since], [["write_date", "=", None], ["create_date", ">=", since]]]]


def _stamp(row: dict[str, Any]) -> datetime:
    stamp = row.get("write_date") or row["create_date"]
    return stamp if isinstance(stamp, datetime) else datetime.fromisoformat(str(stamp))


def _units(quantity: Any) -> int:
    """Tryton's float quantity as whole units, never below zero (oversold counts as none)."""
    return max(0, int(Decimal(str(quantity or 0))))


def _done(shipment: dict[str, Any], sale_reference: str | None) -> DoneShipment | None:
    if not sale_reference:
        return None  # a shipment of no sale (made by hand): no channel to tell
    totals: dict[str, int] = {}
    for move in shipment.get("outgoing_moves.", []):
        code = (move.get("product.") or {}).get("code")
        if code:
            totals[code] = totals.get(code, 0) + _units(move["quantity"])
    lines = tuple(ShippedLine(sku=sku, quantity=quantity) for sku, quantity in sorted(totals.items()) if quantity > 0)
    if not lines:
        return None
    reference = shipment.get("reference") or None
    effective = shipment.get("effective_date")
    shipped_at = _stamp(shipment)
    if effective is not None and hasattr(effective, "year"):
        shipped_at = datetime(effective.year, effective.month, effective.day)
    return DoneShipment(
        sale_reference=sale_reference,
        shipment_id=str(shipment["id"]),
        lines=lines,
        tracking_number=None if reference == sale_reference else reference,
        shipped_at=shipped_at.replace(tzinfo=UTC),
    )
