"""Fulfillment events: goods that left on the channel's word ship the sale in the ERP."""

from __future__ import annotations

import logging

from erp.adapter import ErpAdapter, SaleChange
from events.canonical import FulfillmentCreated
from events.envelope import EventEnvelope

__all__ = ["fulfill_order"]

logger = logging.getLogger(__name__)


def fulfill_order(event: EventEnvelope, created: FulfillmentCreated, erp: ErpAdapter) -> SaleChange:
    """Process the sale's shipment (see :meth:`ErpAdapter.fulfill_sale`).

    Raises:
        SaleMissing: the order's sale is not in the ERP yet (the event waits).
    """
    fulfillment = created.fulfillment
    change = erp.fulfill_sale(event.channel, fulfillment)
    logger.log(
        logging.WARNING if change.outcome == "exception" else logging.INFO,
        "Fulfillment %s of %s order %s: sale %s %s%s; event %s, correlation %s.",
        fulfillment.fulfillment_id,
        event.channel,
        fulfillment.order_id,
        change.sale.reference,
        change.outcome,
        f": {change.detail}" if change.detail else "",
        event.event_id,
        event.correlation_id,
    )
    return change
