"""Amazon SP-API notifications as canonical events: order status changes and stock figures.

``ORDER_CHANGE`` is a trigger, not an order: it names the order, its status and its items
(``SellerSKU``, ``Quantity``, ``QuantityShipped``), but no prices and no buyer. So a
``Canceled`` status cancels the sale and ``Shipped`` or ``PartiallyShipped`` fulfils it, while
the other statuses change nothing the ERP keeps (creating the sale needs SP-API's getOrder,
which Weir does not call). Keys are PascalCase for these types, camelCase for some newer ones;
both are read.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from events.cancellation import Cancellation
from events.canonical import CanonicalEvent, FulfillmentCreated, InventoryUpdated, OrderCancelled
from events.errors import UnsupportedEvent
from events.fulfillment import FulfilledLine, Fulfillment
from events.mapping.delivered import Delivered
from events.mapping.fields import decimal_of, mapping, object_or_empty, optional_text, text_of
from events.stock import StockLevel

__all__ = ["amazon_events"]

logger = logging.getLogger(__name__)


def amazon_events(delivered: Delivered) -> tuple[CanonicalEvent, ...]:
    """The canonical events of an SP-API notification (or an EventBridge event carrying one).

    Raises:
        PayloadError: a required field is missing or malformed.
        UnsupportedEvent: the notification type has no canonical family.
    """
    notification = _unwrap(delivered.payload)
    payload = mapping(_get(notification, "Payload"), "Payload")
    kind = delivered.source_topic
    if kind == "ORDER_CHANGE":
        return _order_change(mapping(_get(payload, "OrderChangeNotification"), "OrderChangeNotification"), delivered)
    if kind == "LISTINGS_ITEM_MFN_QUANTITY_CHANGE":
        level = StockLevel(
            sku=text_of(_get(payload, "Sku"), "Payload.Sku"),
            available=decimal_of(_get(payload, "Quantity"), "Payload.Quantity"),
        )
        return (InventoryUpdated(source_version=delivered.version, levels=(level,)),)
    if kind == "FBA_INVENTORY_AVAILABILITY_CHANGES":
        return _fba_inventory(payload, delivered.version)
    raise UnsupportedEvent(f"Amazon's {kind} notifications have no canonical family")


def _order_change(change: dict[str, Any], delivered: Delivered) -> tuple[CanonicalEvent, ...]:
    order_id = text_of(_get(change, "AmazonOrderId"), "AmazonOrderId")
    summary = object_or_empty(_get(change, "Summary"))
    status = _get(summary, "OrderStatus")
    if status == "Canceled":
        trigger = object_or_empty(_get(change, "OrderChangeTrigger"))
        cancellation = Cancellation(order_id=order_id, reason=optional_text(_get(trigger, "ChangeReason")))
        return (OrderCancelled(source_version=delivered.version, cancellation=cancellation),)
    if status in ("Shipped", "PartiallyShipped"):
        return (FulfillmentCreated(source_version=delivered.version, fulfillment=_shipped(order_id, status, summary)),)
    logger.info("Amazon order %s is %s: nothing the ERP keeps changed.", order_id, status)
    return ()


def _shipped(order_id: str, status: str, summary: dict[str, Any]) -> Fulfillment:
    items = [mapping(item, "OrderItems[]") for item in _get(summary, "OrderItems") or ()]
    lines = tuple(
        FulfilledLine(
            sku=text_of(_get(item, "SellerSKU"), "OrderItems[].SellerSKU"),
            quantity=decimal_of(_get(item, "QuantityShipped"), "OrderItems[].QuantityShipped"),
        )
        for item in items
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
