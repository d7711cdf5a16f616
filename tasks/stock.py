"""Inventory events: the ERP's stock of each SKU is adjusted to the channel's figure."""

from __future__ import annotations

import logging

from erp.adapter import ErpAdapter
from events.canonical import InventoryUpdated
from events.envelope import EventEnvelope

__all__ = ["adjust_stock"]

logger = logging.getLogger(__name__)


def adjust_stock(event: EventEnvelope, updated: InventoryUpdated, erp: ErpAdapter) -> None:
    """Set the ERP's stock to the levels; idempotent (a figure already there moves nothing).

    Raises:
        UnknownSku: before anything is adjusted.
    """
    erp.set_stock(updated.levels)
    logger.info(
        "Stock of %s set from %s: %s; event %s, correlation %s.",
        ", ".join(sorted({level.sku for level in updated.levels})),
        event.channel,
        ", ".join(f"{level.sku}={level.available}" for level in updated.levels),
        event.event_id,
        event.correlation_id,
    )
