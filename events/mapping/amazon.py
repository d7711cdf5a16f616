"""Amazon SP-API notifications as canonical events: orders, their shipments, and stock figures.

``ORDER_CHANGE`` is a trigger, not an order: it names the order, its status and its items
(``SellerSKU``, ``Quantity``, ``QuantityShipped``), but no prices and no buyer. So
:func:`resource_of` names the order the worker fetches with SP-API's getOrder and getOrderItems,
and :func:`amazon_events` maps what was fetched (``Delivered.resource``, see
:mod:`events.mapping.amazon_order`) by the fetched order's ``OrderStatus``, which is at least as
new as the notification's:

* ``Pending``, ``PendingAvailability``: payment is not authorised and SP-API prices no item, so
  nothing the ERP keeps changes, and nothing is fetched (the change to ``Unshipped`` follows);
* ``Canceled``: the sale is cancelled (a notification saying so maps without a fetch), a final
  cancellation: an order that never became a sale has nothing to cancel;
* ``Shipped``, ``PartiallyShipped``: the order, then its fulfillment;
* any other (``Unshipped``...): the order, which creates and confirms the sale when missing.

Keys are PascalCase for these types, camelCase for some newer ones; both are read.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from events import topics
from events.cancellation import Cancellation
from events.canonical import (
    CanonicalEvent,
    FulfillmentCreated,
    InventoryUpdated,
    OrderCancelled,
    OrderCreated,
    OrderUpdated,
)
from events.errors import PayloadError, UnsupportedEvent
from events.fulfillment import FulfilledLine, Fulfillment
from events.mapping.amazon_order import amazon_order
from events.mapping.delivered import Delivered
from events.mapping.fields import array, decimal_of, field, mapping, object_or_empty, optional_text, text_of
from events.stock import StockLevel

__all__ = ["AmazonResource", "amazon_events", "resource_of"]

logger = logging.getLogger(__name__)

#: Statuses of an order whose payment is not authorised yet: SP-API prices none of its items.
_UNPRICED = frozenset({"Pending", "PendingAvailability"})
_SHIPPED = frozenset({"Shipped", "PartiallyShipped"})


@dataclass(frozen=True)
class AmazonResource:
    """What an ``ORDER_CHANGE`` names: the order, by ``id`` (its ``AmazonOrderId``), to fetch
    with getOrder and getOrderItems."""

    kind: Literal["order"]
    id: str


def resource_of(topic: str, payload: dict[str, Any]) -> AmazonResource | None:
    """The order to fetch before mapping a notification, or ``None`` when it maps alone (every
    type but ``ORDER_CHANGE``; of those, a cancellation, or an order awaiting payment).

    Raises:
        PayloadError: an ``ORDER_CHANGE`` without its ``OrderChangeNotification`` or order id.
    """
    if topic not in (topics.ORDER_CREATED, topics.ORDER_UPDATED):
        return None
    change = _change(mapping(_get(_unwrap(payload), "Payload"), "Payload"))
    status = _get(object_or_empty(_get(change, "Summary")), "OrderStatus")
    if status == "Canceled" or status in _UNPRICED:
        return None
    return AmazonResource("order", text_of(_get(change, "AmazonOrderId"), "AmazonOrderId"))


def amazon_events(delivered: Delivered) -> tuple[CanonicalEvent, ...]:
    """The canonical events of an SP-API notification (or an EventBridge event carrying one);
    an ``ORDER_CHANGE``'s from the order fetched for it (``delivered.resource``:
    ``{"order": <getOrder's Order>, "items": [<getOrderItems' OrderItems>]}``).

    Raises:
        PayloadError: a required field is missing or malformed, or an ``ORDER_CHANGE`` that is
            neither a cancellation nor an order awaiting payment came without its fetched order.
        UnsupportedEvent: the notification type has no canonical family.
    """
    notification = _unwrap(delivered.payload)
    payload = mapping(_get(notification, "Payload"), "Payload")
    kind = delivered.source_topic
    if kind == "ORDER_CHANGE":
        return _order_change(_change(payload), delivered)
    if kind == "LISTINGS_ITEM_MFN_QUANTITY_CHANGE":
        level = StockLevel(
            sku=text_of(_get(payload, "Sku"), "Payload.Sku"),
            available=decimal_of(_get(payload, "Quantity"), "Payload.Quantity"),
        )
        return (InventoryUpdated(source_version=delivered.version, levels=(level,)),)
    if kind == "FBA_INVENTORY_AVAILABILITY_CHANGES":
        return _fba_inventory(payload, delivered.version)
    raise UnsupportedEvent(f"Amazon's {kind} notifications have no canonical family")


def _change(payload: dict[str, Any]) -> dict[str, Any]:
    return mapping(_get(payload, "OrderChangeNotification"), "OrderChangeNotification")


def _order_change(change: dict[str, Any], delivered: Delivered) -> tuple[CanonicalEvent, ...]:
    order_id = text_of(_get(change, "AmazonOrderId"), "AmazonOrderId")
    resource = delivered.resource
    fetched = None if resource is None else mapping(field(resource, "order"), "order")
    # The fetched order's status is at least as new as the notification's.
    status = _get(fetched if fetched is not None else object_or_empty(_get(change, "Summary")), "OrderStatus")
    if status == "Canceled":
        return (_cancelled(order_id, change, delivered.version),)
    if status in _UNPRICED:
        logger.info("Amazon order %s is %s: no sale until its payment is authorised.", order_id, status)
        return ()
    if resource is None or fetched is None:
        raise PayloadError(
            f"Amazon sent only a change of order {order_id} (status {status}); the sale needs the order, "
            "which must be fetched from SP-API first"
        )
    items = array(resource, "items")
    family = OrderCreated if delivered.topic == topics.ORDER_CREATED else OrderUpdated
    placed: CanonicalEvent = family(source_version=delivered.version, order=amazon_order(fetched, items))
    if status not in _SHIPPED:
        return (placed,)
    # The sale first: a fulfillment needs it, and this may be the first change Weir hears of.
    shipped = FulfillmentCreated(source_version=delivered.version, fulfillment=_shipped(order_id, status, items))
    return (placed, shipped)


def _cancelled(order_id: str, change: dict[str, Any], version: datetime) -> OrderCancelled:
    trigger = object_or_empty(_get(change, "OrderChangeTrigger"))
    # Final: Canceled is where an Amazon order ends, so one that never became a sale never will.
    reason = optional_text(_get(trigger, "ChangeReason"))
    cancellation = Cancellation(order_id=order_id, reason=reason, final=True)
    return OrderCancelled(source_version=version, cancellation=cancellation)


def _shipped(order_id: str, status: str, items: Sequence[object]) -> Fulfillment:
    entries = [mapping(item, "OrderItems[]") for item in items]
    lines = tuple(
        FulfilledLine(
            sku=text_of(_get(item, "SellerSKU"), "OrderItems[].SellerSKU"),
            quantity=decimal_of(_get(item, "QuantityShipped"), "OrderItems[].QuantityShipped"),
        )
        for item in entries
        if _get(item, "QuantityShipped")
    )
    # A whole shipment happens once per order; partial ones are told apart by what they shipped.
    if status == "Shipped":
        return Fulfillment(order_id=order_id, fulfillment_id="shipped")
    shipped = ",".join(f"{line.sku}x{line.quantity}" for line in lines)
    return Fulfillment(order_id=order_id, fulfillment_id=f"partial:{shipped}", lines=lines)


def _fba_inventory(payload: dict[str, Any], version: datetime) -> tuple[CanonicalEvent, ...]:
    sku = text_of(_get(payload, "SKU"), "Payload.SKU")
    levels = []
    for entry in _get(payload, "FulfillmentInventoryByMarketplace") or ():
        marketplace = mapping(entry, "FulfillmentInventoryByMarketplace[]")
        inventory = _get(marketplace, "FulfillmentInventory")
        quantity = _get(inventory, "FulfillableQuantity") if isinstance(inventory, dict) else None
        if quantity is not None:
            where = optional_text(_get(marketplace, "MarketplaceId"))
            levels.append(StockLevel(sku=sku, available=decimal_of(quantity, "FulfillableQuantity"), location=where))
    # Pan-regional FBA stock is one pool reported once per marketplace: one figure is enough.
    return (InventoryUpdated(source_version=version, levels=(levels[0],)),) if levels else ()


def _unwrap(body: dict[str, Any]) -> dict[str, Any]:
    detail = body.get("detail")
    return detail if "detail-type" in body and isinstance(detail, dict) else body


def _get(container: Mapping[str, Any], name: str) -> Any:
    if name in container:
        return container[name]
    return container.get(name[0].lower() + name[1:])
