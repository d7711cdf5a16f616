"""Order events: an order placed becomes one confirmed sale; its updates and its cancellation
follow it into the ERP."""

from __future__ import annotations

import logging

from erp.adapter import ErpAdapter, SaleChange, SaleRecord
from erp.errors import SaleMissing
from events.canonical import OrderCancelled, OrderCreated, OrderUpdated
from events.envelope import EventEnvelope
from tasks.skips import SkipCounter

__all__ = ["cancel_order", "create_order", "update_order"]

logger = logging.getLogger(__name__)


def create_order(event: EventEnvelope, created: OrderCreated, erp: ErpAdapter) -> SaleRecord:
    """Make the order exist in the ERP as one confirmed sale; idempotent.

    Raises:
        ErpError: as :meth:`ErpAdapter.ensure_sale` raises it.
    """
    sale = erp.ensure_sale(event.channel, created.order)
    logger.info(
        "Order %s of %s is sale %s (%s, total %s) in the ERP; event %s, correlation %s.",
        created.order.id,
        event.channel,
        sale.reference,
        sale.state,
        sale.total,
        event.event_id,
        event.correlation_id,
    )
    return sale


def update_order(event: EventEnvelope, updated: OrderUpdated, erp: ErpAdapter) -> SaleChange:
    """Make the sale follow the order, or record why it cannot (once per source version)."""
    change = erp.update_sale(event.channel, updated.order, revision=updated.source_version.isoformat())
    _log_change(event, updated.order.id, change)
    return change


def cancel_order(
    event: EventEnvelope, cancelled: OrderCancelled, erp: ErpAdapter, *, tally: SkipCounter | None = None
) -> SaleChange | None:
    """Cancel the order's sale (see :meth:`ErpAdapter.cancel_sale`). A final cancellation
    (:attr:`Cancellation.final`) of an order without a sale has nothing to do: it is logged,
    counted in ``tally`` as ``skipped:nothing-to-cancel``, and ``None`` is returned.

    Raises:
        SaleMissing: the order has no sale yet and the cancellation is not final (it waits).
    """
    cancellation = cancelled.cancellation
    try:
        change = erp.cancel_sale(event.channel, cancellation)
    except SaleMissing:
        if not cancellation.final:
            raise
        logger.info(
            "Order %s of %s was cancelled before it became a sale, and %s's cancellation is final: "
            "nothing to cancel; event %s, correlation %s.",
            cancellation.order_id,
            event.channel,
            event.provider,
            event.event_id,
            event.correlation_id,
        )
        if tally is not None:
            tally.count("skipped:nothing-to-cancel")
        return None
    _log_change(event, cancellation.order_id, change)
    return change


def _log_change(event: EventEnvelope, order_id: str, change: SaleChange) -> None:
    logger.log(
        logging.WARNING if change.outcome == "exception" else logging.INFO,
        "Order %s of %s: sale %s %s (%s)%s; event %s, correlation %s.",
        order_id,
        event.channel,
        change.sale.reference,
        change.outcome,
        change.sale.state,
        f": {change.detail}" if change.detail else "",
        event.event_id,
        event.correlation_id,
    )
