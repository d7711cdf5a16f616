"""From an event envelope to ERP operations: map it to canonical events (fetching a thin
payload's resource first), then run each family's operation."""

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
from events.mapping import canonical_events, thin_resource
from tasks.customers import sync_customer
from tasks.fulfillments import fulfill_order
from tasks.orders import cancel_order, create_order, update_order
from tasks.refunds import record_refund
from tasks.resources import ChannelResources, ResourceFetcher
from tasks.skips import SkipCounter
from tasks.stock import adjust_stock

__all__ = ["apply", "handle"]

_NO_RESOURCES = ChannelResources()


def apply(
    event: EventEnvelope,
    erp: ErpAdapter,
    resources: ResourceFetcher = _NO_RESOURCES,
    *,
    tally: SkipCounter | None = None,
) -> None:
    """Apply every canonical event the envelope carries to ``erp``, in order.

    A thin payload's resource is fetched through ``resources`` first (by default there is no
    channel API, so such an event is refused as permanent). Events acknowledged without an ERP
    write are counted in ``tally`` (``skipped:<why>``).

    Raises:
        PayloadError: the payload does not map (permanent, with the reason).
        UnsupportedEvent: the provider or topic has no mapping (permanent).
        ChannelApiError: the resource could not be fetched.
        ErpError: as the adapter raises it.
    """
    wanted = thin_resource(event)
    resource = None if wanted is None else resources.fetch(event.channel, wanted)
    for canonical in canonical_events(event, resource):
        handle(event, canonical, erp, tally=tally)


def handle(
    event: EventEnvelope, canonical: CanonicalEvent, erp: ErpAdapter, *, tally: SkipCounter | None = None
) -> None:
    """Run the ERP operation of one canonical event's family (skips counted in ``tally``)."""
    match canonical:
        case OrderCreated():
            create_order(event, canonical, erp)
        case OrderUpdated():
            update_order(event, canonical, erp)
        case OrderCancelled():
            cancel_order(event, canonical, erp, tally=tally)
        case RefundCreated():
            record_refund(event, canonical, erp)
        case FulfillmentCreated():
            fulfill_order(event, canonical, erp)
        case InventoryUpdated():
            adjust_stock(event, canonical, erp)
        case CustomerUpdated():
            sync_customer(event, canonical, erp)
