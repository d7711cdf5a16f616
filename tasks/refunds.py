"""Refund events: money given back on an order becomes a return (or credit) in the ERP."""

from __future__ import annotations

import logging

from erp.adapter import ErpAdapter, SaleChange
from events.canonical import RefundCreated
from events.envelope import EventEnvelope

__all__ = ["record_refund"]

logger = logging.getLogger(__name__)


def record_refund(event: EventEnvelope, created: RefundCreated, erp: ErpAdapter) -> SaleChange:
    """Record the refund once (see :meth:`ErpAdapter.record_refund`).

    Raises:
        SaleMissing: the refunded order's sale is not in the ERP yet (the event waits).
    """
    refund = created.refund
    change = erp.record_refund(event.channel, refund)
    logger.info(
        "Refund %s of %s order %s is return %s (%s, total %s); event %s, correlation %s.",
        refund.refund_id,
        refund.order_channel or event.channel,
        refund.order_id,
        change.sale.reference,
        change.outcome,
        change.sale.total,
        event.event_id,
        event.correlation_id,
    )
    return change
