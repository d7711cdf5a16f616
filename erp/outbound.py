"""What the outbound leg reads of an ERP: the stock of the SKUs whose stock moved, and the customer
shipments that are done, each since a cursor (an instant, in the ERP's own clock, UTC).

An ERP adapter (Tryton's :class:`~erp.tryton.outbound.TrytonOutbound`) answers both; the outbound
process keeps the cursors, turns what they read into :mod:`events.outbound` notices and publishes
them. Reads overlap a little (the caller starts before its cursor), so a change committed late
with an earlier timestamp is still read; everything read is idempotent downstream.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from events.outbound import ShippedLine

__all__ = ["DoneShipment", "OutboundReader", "ShipmentsRead", "StockRead"]


@dataclass(frozen=True)
class StockRead:
    """The SKUs whose stock moved since the cursor, each with its quantity now (never negative),
    and the cursor to read from next (the newest change read)."""

    levels: dict[str, int]
    cursor: datetime


@dataclass(frozen=True)
class DoneShipment:
    """A done customer shipment of the sale ``sale_reference`` (``<channel>:<order id>``)."""

    sale_reference: str
    shipment_id: str
    lines: tuple[ShippedLine, ...]
    tracking_number: str | None
    shipped_at: datetime


@dataclass(frozen=True)
class ShipmentsRead:
    """The shipments done since the cursor, and the cursor to read from next."""

    shipments: list[DoneShipment]
    cursor: datetime


class OutboundReader(Protocol):
    """Reads an ERP's stock changes and done shipments."""

    def stock_since(self, since: datetime) -> StockRead:
        """The stock of every SKU whose stock moved at or after ``since``.

        Raises:
            ErpError: as the ERP's calls do.
        """
        ...

    def shipments_since(self, since: datetime) -> ShipmentsRead:
        """The customer shipments done at or after ``since`` that belong to a sale.

        Raises:
            ErpError: as the ERP's calls do.
        """
        ...

    def close(self) -> None:
        """Release the reader's connections."""
        ...
