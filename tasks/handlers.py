"""From an event envelope to ERP operations: map it to canonical events, then run each family's
operation."""

from __future__ import annotations

from erp.adapter import ErpAdapter
from events.canonical import (
    CanonicalEvent,
    CustomerUpdated,
    FulfillmentCreated,
    InventoryUpdated,
    OrderCancelled,
    OrderCreated,
    OrderUpdated,
    RefundCreated,
)
from events.envelope import EventEnvelope
from events.mapping import canonical_events
from tasks.customers import sync_customer
from tasks.fulfillments import fulfill_order
from tasks.orders import cancel_order, create_order, update_order
from tasks.refunds import record_refund
from tasks.stock import adjust_stock

__all__ = ["apply", "handle"]


def apply(event: EventEnvelope, erp: ErpAdapter) -> None:
    """Apply every canonical event the envelope carries to ``erp``, in order.

    Raises:
        PayloadError: the payload does not map (permanent, with the reason); BigCommerce's thin
            payloads too, until the worker fetches what they name.
        UnsupportedEvent: the provider or topic has no mapping (permanent).
        ErpError: as the adapter raises it.
    """
    for canonical in canonical_events(event):
        handle(event, canonical, erp)


def handle(event: EventEnvelope, canonical: CanonicalEvent, erp: ErpAdapter) -> None:
    """Run the ERP operation of one canonical event's family."""
    match canonical:
        case OrderCreated():
            create_order(event, canonical, erp)
        case OrderUpdated():
            update_order(event, canonical, erp)
        case OrderCancelled():
            cancel_order(event, canonical, erp)
        case RefundCreated():
            record_refund(event, canonical, erp)
        case FulfillmentCreated():
            fulfill_order(event, canonical, erp)
        case InventoryUpdated():
            adjust_stock(event, canonical, erp)
        case CustomerUpdated():
            sync_customer(event, canonical, erp)
