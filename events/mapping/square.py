"""Square notifications as canonical events: orders, fulfillments, refunds, stock, customers.

``{"type", "event_id", "created_at", "data": {"type", "id", "object": {...}}}``. Amounts are
``amount_money: {"amount": <minor units>, "currency"}``; stock quantities are strings. Square's
order notifications are summaries (``order_created: {order_id, state, version}``): a cancelled
state maps alone, but a sale needs the order itself, so :func:`resource_of` names the order the
worker fetches with Square's RetrieveOrder, and :func:`square_events` maps what was fetched
(``{"order": {...}}``, given as ``Delivered.resource``). Square line items and
stock counts name catalogue variations, not SKUs: a line's SKU is its ``metadata.sku`` when
the seller sets one, else its ``catalog_object_id``, which the ERP's catalogue must then hold.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Literal

from events import topics
from events.cancellation import Cancellation
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
from events.errors import PayloadError, UnsupportedEvent
from events.fulfillment import Fulfillment
from events.mapping.delivered import Delivered
from events.mapping.fields import array, decimal_of, field, mapping, object_or_empty, optional_text, sequence, text_of
from events.mapping.money import from_minor_units
from events.mapping.square_money import money_of, square_money
from events.order import Address, Customer, Order, OrderLine
from events.refund import Refund
from events.stock import StockLevel
from events.timestamps import parse_instant

__all__ = ["SquareResource", "resource_of", "square_events"]

logger = logging.getLogger(__name__)

_FAILED_REFUNDS = frozenset({"REJECTED", "FAILED"})


@dataclass(frozen=True)
class SquareResource:
    """What an order summary names: the order, by ``id``, to fetch with RetrieveOrder."""

    kind: Literal["order"]
    id: str


def resource_of(topic: str, payload: dict[str, Any]) -> SquareResource | None:
    """The order to fetch before mapping a notification, or ``None`` when its payload maps
    alone (every type but an order summary that is not a cancellation).

    Raises:
        PayloadError: an order notification's object carries neither an order nor a summary.
    """
    if topic not in (topics.ORDER_CREATED, topics.ORDER_UPDATED):
        return None
    data_object = _data_object(payload)
    if isinstance(data_object.get("order"), dict):
        return None
    summary = _summary(data_object)
    if summary.get("state") == "CANCELED":
        return None
    return SquareResource("order", text_of(field(summary, "order_id"), "order_id"))


def square_events(delivered: Delivered) -> tuple[CanonicalEvent, ...]:
    """The canonical events of a Square notification; an order summary's from the order
    fetched for it (``delivered.resource``, RetrieveOrder's ``{"order": {...}}``).

    Raises:
        PayloadError: a required field is missing or malformed, or an order summary that is
            not a cancellation came without its fetched order.
        UnsupportedEvent: the type has no canonical family (payments, ...).
    """
    mapper = _BY_TOPIC.get(delivered.topic)
    if mapper is None:
        raise UnsupportedEvent(f"Square's {delivered.source_topic} has no canonical family")
    data_object = _data_object(delivered.payload)
    if delivered.resource is not None and mapper is _order_event:
        data_object = {"order": mapping(field(delivered.resource, "order"), "order")}
    return mapper(data_object, delivered.topic, delivered.version)


def _data_object(payload: dict[str, Any]) -> dict[str, Any]:
    return mapping(mapping(payload.get("data"), "data").get("object"), "data.object")


def _order_event(data_object: dict[str, Any], topic: str, version: datetime) -> tuple[CanonicalEvent, ...]:
    if isinstance(data_object.get("order"), dict):
        order = _order(data_object["order"])
        if data_object["order"].get("state") == "CANCELED":
            return (OrderCancelled(source_version=version, cancellation=Cancellation(order_id=order.id, order=order)),)
        event = OrderCreated if topic == topics.ORDER_CREATED else OrderUpdated
        return (event(source_version=version, order=order),)
    summary = _summary(data_object)
    order_id = text_of(field(summary, "order_id"), "order_id")
    if summary.get("state") == "CANCELED":
        return (OrderCancelled(source_version=version, cancellation=Cancellation(order_id=order_id)),)
    raise PayloadError(
        f"Square sent only a summary of order {order_id} (state {summary.get('state')}, version "
        f"{summary.get('version')}); the sale needs the full order, which must be fetched from Square first"
    )


def _summary(data_object: dict[str, Any]) -> dict[str, Any]:
    for key in ("order_created", "order_updated"):
        if isinstance(data_object.get(key), dict):
            return mapping(data_object[key], key)
    raise PayloadError("data.object carries neither an order nor an order summary")


def _order(order: dict[str, Any]) -> Order:
    order_id = text_of(field(order, "id"), "order.id")
    priced = [_line(item, index) for index, item in enumerate(sequence(order, "line_items"))]
    customer_id = optional_text(order.get("customer_id"))
    recipient, address = _recipient(order)
    customer = Customer(
        id=customer_id or f"guest:order-{order_id}",
        name=recipient or f"Square customer {customer_id or order_id}",
        address=address,
    )
    # Square prices each line in the order's one currency.
    currency = priced[0][1]
    return Order(
        id=order_id,
        number=optional_text(order.get("reference_id")),
        currency=currency,
        customer=customer,
        lines=tuple(line for line, _ in priced),
        shipping_address=address,
        placed_at=parse_instant(order.get("created_at")),
        **square_money(order, currency),
    )


def _line(item: object, index: int) -> tuple[OrderLine, str]:
    """A line item, and the currency its price is in."""
    where = f"order.line_items[{index}]"
    entry = mapping(item, where)
    money = mapping(field(entry, "base_price_money", where), f"{where}.base_price_money")
    currency = text_of(field(money, "currency", where), f"{where}.base_price_money.currency")
    metadata = object_or_empty(entry.get("metadata"))
    sku = optional_text(metadata.get("sku")) or entry.get("catalog_object_id")
    discount = entry.get("total_discount_money")
    line = OrderLine(
        sku=text_of(sku, f"{where}.catalog_object_id"),
        quantity=decimal_of(field(entry, "quantity", where), f"{where}.quantity"),
        unit_price=from_minor_units(money.get("amount"), currency, f"{where}.base_price_money.amount"),
        title=optional_text(entry.get("name")),
        discount=money_of(discount, currency, f"{where}.total_discount_money") if discount else Decimal(0),
    )
    return line, currency


def _recipient(order: dict[str, Any]) -> tuple[str | None, Address | None]:
    for fulfillment in array(order, "fulfillments"):
        details = mapping(fulfillment, "fulfillments[]").get("shipment_details")
        recipient = details.get("recipient") if isinstance(details, dict) else None
        if isinstance(recipient, dict):
            name = optional_text(recipient.get("display_name"))
            return name, _address(recipient.get("address"), name)
    return None, None


def _fulfillment(data_object: dict[str, Any], topic: str, version: datetime) -> tuple[CanonicalEvent, ...]:
    update = mapping(data_object.get("order_fulfillment_updated"), "data.object.order_fulfillment_updated")
    order_id = text_of(field(update, "order_id"), "order_id")
    completed = [
        mapping(change, "fulfillment_update[]")
        for change in array(update, "fulfillment_update")
        if isinstance(change, dict) and change.get("new_state") == "COMPLETED"
    ]
    return tuple(
        FulfillmentCreated(
            source_version=version,
            fulfillment=Fulfillment(
                order_id=order_id, fulfillment_id=text_of(field(change, "fulfillment_uid"), "fulfillment_uid")
            ),
        )
        for change in completed
    )


def _refund(data_object: dict[str, Any], topic: str, version: datetime) -> tuple[CanonicalEvent, ...]:
    refund = mapping(data_object.get("refund"), "data.object.refund")
    refund_id = text_of(field(refund, "id"), "refund.id")
    if refund.get("status") in _FAILED_REFUNDS:
        logger.info("Square refund %s is %s: nothing was given back.", refund_id, refund.get("status"))
        return ()
    money = mapping(field(refund, "amount_money"), "refund.amount_money")
    currency = text_of(field(money, "currency"), "refund.amount_money.currency")
    canonical = Refund(
        order_id=text_of(field(refund, "order_id"), "refund.order_id"),
        refund_id=refund_id,
        currency=currency,
        amount=from_minor_units(money.get("amount"), currency, "refund.amount_money.amount"),
        reason=optional_text(refund.get("reason")),
    )
    return (RefundCreated(source_version=version, refund=canonical),)


def _inventory(data_object: dict[str, Any], topic: str, version: datetime) -> tuple[CanonicalEvent, ...]:
    counts = [mapping(item, "inventory_counts[]") for item in array(data_object, "inventory_counts")]
    levels = tuple(
        StockLevel(
            sku=text_of(field(count, "catalog_object_id"), "catalog_object_id"),
            available=decimal_of(field(count, "quantity"), "quantity"),
            location=optional_text(count.get("location_id")),
        )
        # Only IN_STOCK counts what can be sold; other states count units sold, waste, in transit...
        for count in counts
        if count.get("state") == "IN_STOCK"
    )
    return (InventoryUpdated(source_version=version, levels=levels),) if levels else ()


def _customer(data_object: dict[str, Any], topic: str, version: datetime) -> tuple[CanonicalEvent, ...]:
    customer = mapping(data_object.get("customer"), "data.object.customer")
    customer_id = text_of(field(customer, "id"), "customer.id")
    name = " ".join(part for part in (customer.get("given_name"), customer.get("family_name")) if part)
    email = optional_text(customer.get("email_address"))
    canonical = Customer(
        id=customer_id,
        name=name or optional_text(customer.get("company_name")) or email or f"Customer {customer_id}",
        email=email,
        address=_address(customer.get("address"), name or None),
    )
    return (CustomerUpdated(source_version=version, customer=canonical),)


def _address(value: object, name: str | None) -> Address | None:
    if not isinstance(value, dict):
        return None
    street = " ".join(part for part in (value.get("address_line_1"), value.get("address_line_2")) if part)
    return Address(
        name=name,
        street=street or None,
        city=value.get("locality") or None,
        postal_code=value.get("postal_code") or None,
        region=value.get("administrative_district_level_1") or None,
        country_code=value.get("country") or None,
    )


_Mapper = Callable[[dict[str, Any], str, datetime], tuple[CanonicalEvent, ...]]

_BY_TOPIC: Mapping[str, _Mapper] = MappingProxyType(
    {
        topics.ORDER_CREATED: _order_event,
        topics.ORDER_UPDATED: _order_event,
        topics.FULFILLMENT_UPDATED: _fulfillment,
        topics.REFUND_CREATED: _refund,
        topics.REFUND_UPDATED: _refund,
        topics.INVENTORY_UPDATED: _inventory,
        topics.CUSTOMER_CREATED: _customer,
        topics.CUSTOMER_UPDATED: _customer,
    }
)
