"""Order events: an order placed (or paid) on a channel becomes one confirmed sale in the ERP."""

from __future__ import annotations

import logging

from erp.adapter import ErpAdapter, SaleRecord
from events.envelope import EventEnvelope
from events.mapping import order_from

__all__ = ["sync_order"]

logger = logging.getLogger(__name__)


def sync_order(event: EventEnvelope, erp: ErpAdapter) -> SaleRecord:
    """Make the event's order exist in the ERP as one confirmed sale; idempotent.

    Raises:
        PayloadError: the payload is not an order.
        ErpError: as :meth:`ErpAdapter.ensure_sale` raises it.
    """
    order = order_from(event)
    sale = erp.ensure_sale(event.channel, order)
    logger.info(
        "Order %s of %s is sale %s (%s, total %s) in the ERP; event %s, correlation %s.",
        order.id,
        event.channel,
        sale.reference,
        sale.state,
        sale.total,
        event.event_id,
        event.correlation_id,
    )
    return sale
