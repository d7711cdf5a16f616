"""Shopify payloads as canonical events: orders, refunds, fulfillments, customers, products.

Payloads arrive parsed with every non-integer number as Decimal; money fields that Shopify sends
as strings go through Decimal too. Ids are kept as text, digit for digit. Refunds and inventory
levels, which may name by id alone what the ERP knows by SKU, are mapped in
:mod:`events.mapping.shopify_lookups`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any

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
)
from events.errors import PayloadError, UnsupportedEvent
from events.fulfillment import FulfilledLine, Fulfillment
from events.mapping.delivered import Delivered
from events.mapping.fields import array, decimal_of, field, mapping, optional_text, sequence, text_of
from events.mapping.shopify_lookups import LOOKED_UP
from events.mapping.shopify_money import line_discount, shopify_money
from events.order import Address, Customer, Order, OrderLine
from events.stock import StockLevel
from events.timestamps import parse_instant

__all__ = ["shopify_customer", "shopify_events", "shopify_order"]

logger = logging.getLogger(__name__)

# Fulfillment statuses that mean nothing left the warehouse.
_NOT_SHIPPED = frozenset({"cancelled", "failure", "error"})


def shopify_events(delivered: Delivered) -> tuple[CanonicalEvent, ...]:
    """The canonical events of a Shopify webhook; an inventory level's, or a refund's whose lines
    name only line item ids, with what was looked up for it (``delivered.resource``).

    Raises:
        PayloadError: a required field is missing or malformed (see :mod:`events.mapping.fields`),
            or what was looked up does not give the SKU.
        UnsupportedEvent: the topic has no canonical family.
    """
    looked_up = LOOKED_UP.get(delivered.topic)
    if looked_up is not None:
        return looked_up(delivered.payload, delivered.version, delivered.resource)
    mapper = _BY_TOPIC.get(delivered.topic)
    if mapper is None:
        raise UnsupportedEvent(f"Shopify's {delivered.source_topic} has no canonical family")
    return mapper(delivered.payload, delivered.version)


def shopify_order(payload: dict[str, Any]) -> Order:
    """The canonical order of an ``orders/*`` payload, with its money as Shopify adds it up:
    ``total_price`` is the lines less their ``discount_allocations``, plus the ``shipping_lines``
    less theirs, plus ``tax_lines`` unless ``taxes_included``."""
    order_id = text_of(field(payload, "id"), "id")
    return Order(
        id=order_id,
        number=payload.get("name") or None,
        currency=text_of(field(payload, "currency"), "currency"),
        customer=_order_customer(payload, order_id),
        lines=tuple(_line(item, index) for index, item in enumerate(sequence(payload, "line_items"))),
        shipping_address=_address(payload.get("shipping_address")),
        billing_address=_address(payload.get("billing_address")),
        placed_at=parse_instant(payload.get("created_at")),
        **shopify_money(payload),
    )


def shopify_customer(payload: dict[str, Any]) -> Customer:
    """The canonical customer of a ``customers/*`` payload (or an order's ``customer``)."""
    customer_id = text_of(field(payload, "id"), "customer.id")
    return Customer(
        id=customer_id,
        name=_name(payload) or payload.get("email") or f"Customer {customer_id}",
        email=payload.get("email") or None,
        address=_address(payload.get("default_address")),
    )


def _created(payload: dict[str, Any], version: datetime) -> tuple[CanonicalEvent, ...]:
    return (OrderCreated(source_version=version, order=shopify_order(payload)),)


def _updated(payload: dict[str, Any], version: datetime) -> tuple[CanonicalEvent, ...]:
    # An order's state says it is cancelled even on orders/updated, which may arrive last.
    if payload.get("cancelled_at"):
        return _cancelled(payload, version)
    return (OrderUpdated(source_version=version, order=shopify_order(payload)),)


def _cancelled(payload: dict[str, Any], version: datetime) -> tuple[CanonicalEvent, ...]:
    order = shopify_order(payload)
    cancellation = Cancellation(order_id=order.id, reason=optional_text(payload.get("cancel_reason")), order=order)
    return (OrderCancelled(source_version=version, cancellation=cancellation),)


def _fulfillment(payload: dict[str, Any], version: datetime) -> tuple[CanonicalEvent, ...]:
    fulfillment_id = text_of(field(payload, "id"), "id")
    status = payload.get("status")
    if status in _NOT_SHIPPED:
        raise PayloadError(f"fulfillment {fulfillment_id} is {status} on the channel: nothing shipped")
    fulfillment = Fulfillment(
        order_id=text_of(field(payload, "order_id"), "order_id"),
        fulfillment_id=fulfillment_id,
        lines=tuple(_fulfilled(item, index) for index, item in enumerate(array(payload, "line_items"))),
        carrier=optional_text(payload.get("tracking_company")),
        tracking_number=optional_text(payload.get("tracking_number")),
    )
    return (FulfillmentCreated(source_version=version, fulfillment=fulfillment),)


def _fulfilled(item: object, index: int) -> FulfilledLine:
    where = f"line_items[{index}]"
    entry = mapping(item, where)
    return FulfilledLine(
        sku=text_of(entry.get("sku"), f"{where}.sku"),
        quantity=decimal_of(field(entry, "quantity", where), f"{where}.quantity"),
    )


def _customer(payload: dict[str, Any], version: datetime) -> tuple[CanonicalEvent, ...]:
    return (CustomerUpdated(source_version=version, customer=shopify_customer(payload)),)


def _product(payload: dict[str, Any], version: datetime) -> tuple[CanonicalEvent, ...]:
    levels = tuple(
        StockLevel(sku=str(variant["sku"]), available=decimal_of(variant["inventory_quantity"], "inventory_quantity"))
        for variant in (mapping(item, "variants[]") for item in array(payload, "variants"))
        if optional_text(variant.get("sku")) and variant.get("inventory_quantity") is not None
    )
    if not levels:
        logger.info("Shopify product %s has no variant with a SKU and a stock figure.", payload.get("id"))
        return ()
    return (InventoryUpdated(source_version=version, levels=levels),)


def _order_customer(payload: dict[str, Any], order_id: str) -> Customer:
    customer = payload.get("customer")
    if isinstance(customer, dict) and customer.get("id") is not None:
        return shopify_customer(customer)
    # A guest checkout has no customer id: the e-mail (or else the order) identifies the buyer.
    email = payload.get("email") or payload.get("contact_email")
    address = _address(payload.get("billing_address") or payload.get("shipping_address"))
    return Customer(
        id=f"guest:{email}" if email else f"guest:order-{order_id}",
        name=(address.name if address and address.name else None) or email or "Guest",
        email=email or None,
        address=address,
    )


def _line(item: object, index: int) -> OrderLine:
    where = f"line_items[{index}]"
    entry = mapping(item, where)
    return OrderLine(
        sku=text_of(entry.get("sku"), f"{where}.sku"),
        quantity=decimal_of(field(entry, "quantity", where), f"{where}.quantity"),
        unit_price=decimal_of(field(entry, "price", where), f"{where}.price"),
        title=entry.get("title") or None,
        discount=line_discount(entry, where),
    )


def _address(value: object) -> Address | None:
    if not isinstance(value, dict):
        return None
    street = " ".join(part for part in (value.get("address1"), value.get("address2")) if part)
    return Address(
        name=_name(value) or value.get("name") or None,
        street=street or None,
        city=value.get("city") or None,
        postal_code=value.get("zip") or None,
        region=value.get("province_code") or value.get("province") or None,
        country_code=value.get("country_code") or None,
    )


def _name(value: dict[str, Any]) -> str | None:
    name = " ".join(part for part in (value.get("first_name"), value.get("last_name")) if part)
    return name or None


_Mapper = Callable[[dict[str, Any], datetime], tuple[CanonicalEvent, ...]]

_BY_TOPIC: Mapping[str, _Mapper] = MappingProxyType(
    {
        topics.ORDER_CREATED: _created,
        topics.ORDER_UPDATED: _updated,
        topics.ORDER_PAID: _updated,
        topics.ORDER_CANCELLED: _cancelled,
        topics.FULFILLMENT_CREATED: _fulfillment,
        topics.FULFILLMENT_UPDATED: _fulfillment,
        topics.CUSTOMER_CREATED: _customer,
        topics.CUSTOMER_UPDATED: _customer,
        topics.PRODUCT_CREATED: _product,
        topics.PRODUCT_UPDATED: _product,
    }
)
