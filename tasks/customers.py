"""Customer events: a channel's customer becomes (or updates) one party in the ERP."""

from __future__ import annotations

import logging

from erp.adapter import ErpAdapter
from events.canonical import CustomerUpdated
from events.envelope import EventEnvelope

__all__ = ["sync_customer"]

logger = logging.getLogger(__name__)


def sync_customer(event: EventEnvelope, updated: CustomerUpdated, erp: ErpAdapter) -> int:
    """Create or update the event's customer in the ERP; return its ERP id. Idempotent."""
    customer = updated.customer
    party_id = erp.upsert_customer(event.channel, customer)
    logger.info(
        "Customer %s of %s is party %s in the ERP; event %s, correlation %s.",
        customer.id,
        event.channel,
        party_id,
        event.event_id,
        event.correlation_id,
    )
    return party_id
