"""WooCommerce payloads (the REST API's resources, built when Woo delivers) as canonical events.

Woo has no refund or inventory topic: ``order.updated`` carries the order's ``refunds`` (each
``{"id", "total": "-24.99", "reason"}``, amounts only) and its status (``cancelled``), and
``product.updated`` carries ``stock_quantity``. A payload reflects the resource when it was
delivered, so an update also lists every earlier refund; refunds apply once each.
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
    InventoryUpdated,
    OrderCancelled,
    OrderCreated,
    OrderUpdated,
    RefundCreated,
)
from events.errors import UnsupportedEvent
from events.mapping.delivered import Delivered
from events.mapping.fields import array, decimal_of, field, mapping, optional_text, text_of
from events.mapping.woocommerce_money import woocommerce_lines, woocommerce_money
from events.order import Address, Customer, Order
from events.refund import Refund
from events.stock import StockLevel
from events.timestamps import parse_instant

__all__ = ["woocommerce_events"]

logger = logging.getLogger(__name__)


def woocommerce_events(delivered: Delivered) -> tuple[CanonicalEvent, ...]:
    """The canonical events of a WooCommerce webhook.

    Raises:
        PayloadError: a required field is missing or malformed.
        UnsupportedEvent: the topic has no canonical family (``order.deleted``, coupons...).
    """
    mapper = _BY_TOPIC.get(delivered.topic)
    if mapper is None:
        raise UnsupportedEvent(f"WooCommerce's {delivered.source_topic} has no canonical family")
    return mapper(delivered.payload, delivered.version)


def _created(payload: dict[str, Any], version: datetime) -> tuple[CanonicalEvent, ...]:
    return (OrderCreated(source_version=version, order=_order(payload)), *_refunds(payload, version))


def _updated(payload: dict[str, Any], version: datetime) -> tuple[CanonicalEvent, ...]:
    order = _order(payload)
    if payload.get("status") == "cancelled":
        cancellation = Cancellation(order_id=order.id, reason="cancelled in WooCommerce", order=order)
        return (OrderCancelled(source_version=version, cancellation=cancellation),)
    return (OrderUpdated(source_version=version, order=order), *_refunds(payload, version))


def _order(payload: dict[str, Any]) -> Order:
    order_id = text_of(field(payload, "id"), "id")
    billing = _address(payload.get("billing"))
    currency = text_of(field(payload, "currency"), "currency")
    return Order(
        id=order_id,
        number=optional_text(payload.get("number")),
        currency=currency,
        customer=_order_customer(payload, order_id, billing),
        lines=woocommerce_lines(payload, currency),
        shipping_address=_address(payload.get("shipping")),
        billing_address=billing,
        placed_at=parse_instant(payload.get("date_created_gmt")),
        **woocommerce_money(payload),
    )


def _refunds(payload: dict[str, Any], version: datetime) -> tuple[CanonicalEvent, ...]:
    order_id = text_of(field(payload, "id"), "id")
    currency = optional_text(payload.get("currency"))
    return tuple(
        RefundCreated(source_version=version, refund=_refund(item, index, order_id, currency))
        for index, item in enumerate(array(payload, "refunds"))
    )


def _refund(item: object, index: int, order_id: str, currency: str | None) -> Refund:
    where = f"refunds[{index}]"
    entry = mapping(item, where)
    # Woo writes a refund's total as a negative amount: "-24.99".
    total = decimal_of(field(entry, "total", where), f"{where}.total")
    return Refund(
        order_id=order_id,
        refund_id=text_of(field(entry, "id", where), f"{where}.id"),
        currency=currency,
        amount=abs(total),
        reason=optional_text(entry.get("reason")),
    )


def _order_customer(payload: dict[str, Any], order_id: str, billing: Address | None) -> Customer:
    email = optional_text(mapping(payload.get("billing") or {}, "billing").get("email"))
    customer_id = payload.get("customer_id")
    # Woo numbers guests 0: the e-mail (or else the order) identifies them.
    if customer_id in (None, 0, "0"):
        customer_key = f"guest:{email}" if email else f"guest:order-{order_id}"
    else:
        customer_key = text_of(customer_id, "customer_id")
    name = (billing.name if billing else None) or email or f"Customer {customer_key}"
    return Customer(id=customer_key, name=name, email=email, address=billing)


def _customer(payload: dict[str, Any], version: datetime) -> tuple[CanonicalEvent, ...]:
    customer_id = text_of(field(payload, "id"), "id")
    email = optional_text(payload.get("email"))
    address = _address(payload.get("billing"))
    name = _name(payload) or (address.name if address else None) or optional_text(payload.get("username")) or email
    customer = Customer(id=customer_id, name=name or f"Customer {customer_id}", email=email, address=address)
    return (CustomerUpdated(source_version=version, customer=customer),)


def _product(payload: dict[str, Any], version: datetime) -> tuple[CanonicalEvent, ...]:
    sku = optional_text(payload.get("sku"))
    quantity = payload.get("stock_quantity")
    if not payload.get("manage_stock") or sku is None or quantity is None:
        # A product whose stock Woo does not count changes nothing the ERP keeps.
        logger.info("WooCommerce product %s tracks no stock under a SKU; nothing to apply.", payload.get("id"))
        return ()
    level = StockLevel(sku=sku, available=decimal_of(quantity, "stock_quantity"))
    return (InventoryUpdated(source_version=version, levels=(level,)),)


def _address(value: object) -> Address | None:
    if not isinstance(value, dict) or not any(value.values()):
        return None
    street = " ".join(part for part in (value.get("address_1"), value.get("address_2")) if part)
    return Address(
        name=_name(value),
        street=street or None,
        city=value.get("city") or None,
        postal_code=value.get("postcode") or None,
        region=value.get("state") or None,
        country_code=value.get("country") or None,
    )


def _name(value: dict[str, Any]) -> str | None:
    name = " ".join(part for part in (value.get("first_name"), value.get("last_name")) if part)
    return name or None


_BY_TOPIC: Mapping[str, Callable[[dict[str, Any], datetime], tuple[CanonicalEvent, ...]]] = MappingProxyType(
    {
        topics.ORDER_CREATED: _created,
        topics.ORDER_UPDATED: _updated,
        topics.CUSTOMER_CREATED: _customer,
        topics.CUSTOMER_UPDATED: _customer,
        topics.PRODUCT_CREATED: _product,
        topics.PRODUCT_UPDATED: _product,
    }
)
