"""Sales in Tryton: find by reference, create, drive through the workflow, read back.

Tryton's sale workflow is draft -> quotation -> confirmed -> processing (-> done). ``confirm``
queues ``process``, which creates the shipment; a sale that stays ``confirmed`` was not
processed (an error logged server-side), so :meth:`TrytonSales.drive` processes it explicitly.

On SQLite, two workers driving the same sale at once can both pass the state checks and ship
it twice (there are no row locks). Weir keeps one consumer per order; when a worker still sees
another one at work on its sale (a transition already made, a create already done, an
unfinished sale written moments ago), it backs off with :class:`ErpTransient` instead of
driving the sale alongside it.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from typing import Any

from erp.adapter import SaleLine, SaleRecord
from erp.errors import ErpRejected, ErpTransient
from erp.money import MONEY_SKUS
from erp.tryton.client import TrytonClient

__all__ = ["EDITABLE", "TrytonSales", "last_written", "to_record"]

logger = logging.getLogger(__name__)

# Dotted names read related records: Tryton answers them under "lines." (with a trailing dot).
_FIELDS = [
    "reference",
    "number",
    "state",
    "total_amount",
    "currency",
    "party",
    "invoice_address",
    "shipment_address",
    "shipment_state",
    "shipments.state",
    "create_date",
    "write_date",
    "lines.type",
    "lines.product.code",
    "lines.unit",
    "lines.quantity",
    "lines.unit_price",
]
_SETTLED = frozenset({"processing", "done"})
#: States in which a sale's lines and addresses may still change.
EDITABLE = frozenset({"draft", "quotation"})
# The call that moves a sale on from each unsettled state; "cancelled" has none.
_NEXT = {"draft": "quote", "quotation": "confirm", "confirmed": "process"}


def to_record(sale: dict[str, Any], exceptions: tuple[str, ...] = ()) -> SaleRecord:
    """A sale as read with :data:`_FIELDS`, as Weir's :class:`SaleRecord`."""
    shipments = [shipment["state"] for shipment in sale["shipments."]]
    lines = [_line(line) for line in sale["lines."] if line["type"] == "line"]
    return SaleRecord(
        erp_id=sale["id"],
        reference=sale["reference"],
        number=sale["number"] or None,
        state=sale["state"],
        total=sale["total_amount"],
        lines=tuple(line for line in lines if line.sku not in MONEY_SKUS),
        money=tuple(line for line in lines if line.sku in MONEY_SKUS),
        cancelled=sale["state"] == "cancelled" or (bool(shipments) and all(s == "cancelled" for s in shipments)),
        shipped=bool(shipments) and all(s == "done" for s in shipments),
        exceptions=exceptions,
    )


def last_written(sale: dict[str, Any]) -> dt.datetime:
    """When the sale was last written (created, or moved on), naive in UTC as Tryton keeps it."""
    written: dt.datetime = sale["write_date"] or sale["create_date"]
    return written


def _line(line: dict[str, Any]) -> SaleLine:
    product = line["product."] or {}
    # Tryton keeps quantities as floats; str() keeps the digits the channel sent (2.0 -> "2.0").
    return SaleLine(
        sku=product.get("code") or "", quantity=Decimal(str(line["quantity"])), unit_price=line["unit_price"]
    )


class TrytonSales:
    """Sale operations over one client. Sales are plain dicts as Tryton reads them."""

    def __init__(self, client: TrytonClient) -> None:
        self._client = client

    def find(self, reference: str) -> dict[str, Any] | None:
        """The sale with this external reference, read with every field a record needs."""
        rows = self._client.call("model.sale.sale.search_read", [["reference", "=", reference]], 0, 1, None, _FIELDS)
        return rows[0] if rows else None

    def find_many(self, references: list[str]) -> dict[str, dict[str, Any]]:
        """The sales holding any of these references, by reference, in one call."""
        rows = self._client.call(
            "model.sale.sale.search_read", [["reference", "in", references]], 0, None, None, _FIELDS
        )
        return {row["reference"]: row for row in rows}

    def read_many(self, sale_ids: list[int]) -> dict[int, dict[str, Any]]:
        """The sales ``sale_ids``, by id, in one call."""
        rows = self._client.call("model.sale.sale.read", sale_ids, _FIELDS) if sale_ids else []
        return {row["id"]: row for row in rows}

    def read(self, sale_id: int) -> dict[str, Any]:
        """The sale ``sale_id``, read with every field a record needs."""
        sale: dict[str, Any]
        (sale,) = self._client.call("model.sale.sale.read", [sale_id], _FIELDS)
        return sale

    def create(self, values: dict[str, Any]) -> int:
        """Create one draft sale from ``values`` (Tryton's write syntax); return its id.

        Raises:
            DuplicateKey: a sale with this reference already exists.
        """
        created = self._client.call("model.sale.sale.create", [values])
        return int(created[0])

    def call(self, sale: dict[str, Any], method: str) -> dict[str, Any]:
        """Run ``model.sale.sale.<method>`` on the sale (``draft``, ``cancel``...); return it read again."""
        self._client.call(f"model.sale.sale.{method}", [sale["id"]])
        return self.read(sale["id"])

    def drive(self, sale: dict[str, Any]) -> dict[str, Any]:
        """Move the sale on until it is processing (or done); return it as read afterwards.

        Raises:
            ErpRejected: the sale is cancelled, or Tryton refused a transition (the reason).
            ErpTransient: another worker is moving the sale on right now, or it stayed
                confirmed even after an explicit ``process``.
        """
        tried: set[str] = set()
        while sale["state"] not in _SETTLED:
            method = _NEXT.get(sale["state"])
            if method is None:
                raise ErpRejected(f"sale {sale['reference']} is {sale['state']} in the ERP")
            if method in tried:
                raise ErpTransient(f"sale {sale['reference']} is still {sale['state']} after {method}")
            tried.add(method)
            sale = self._step(sale, method)
        return sale

    def _step(self, sale: dict[str, Any], method: str) -> dict[str, Any]:
        if method == "process":
            logger.warning("Tryton sale %s (%s) stayed confirmed; processing it.", sale["id"], sale["reference"])
        try:
            self._client.call(f"model.sale.sale.{method}", [sale["id"]])
        except ErpRejected:
            current = self.read(sale["id"])
            if current["state"] == sale["state"]:
                raise
            return self.settled_or_busy(current)
        if method == "quote":
            # A quote can only end in quotation: save a read.
            return {**sale, "state": "quotation"}
        return self.read(sale["id"])

    def settled_or_busy(self, sale: dict[str, Any]) -> dict[str, Any]:
        """Return a sale another worker is moving on if it is settled; otherwise back off.

        Driving it alongside that worker could confirm or process it twice (SQLite has no row
        locks), so the caller retries later instead, when the sale has settled.

        Raises:
            ErpTransient: the sale is not settled yet.
        """
        if sale["state"] in _SETTLED:
            return sale
        logger.info(
            "Tryton sale %s (%s) is %s and another worker is on it; backing off.",
            sale["id"],
            sale["reference"],
            sale["state"],
        )
        raise ErpTransient(f"sale {sale['reference']} is being applied by another worker ({sale['state']})")
