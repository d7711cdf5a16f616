"""BigCommerce events as canonical events, from the full resources the worker fetches.

BigCommerce's payloads are thin (``{"scope", "data": {"type", "id"}, "created_at"}``):
:func:`resource_of` says what a payload names, the worker fetches it from the store's API, and
:func:`bigcommerce_events` maps what was fetched, given as ``Delivered.resource``:

====================  ==============================================================
order                 ``{"order": <v2 order>, "products": [<v2 order product>],``
                      ``"shipping_addresses": [<v2 address>]}``
refund                the order's, plus ``"refund": <v3 refund>``
shipment              the order's, plus ``"shipment": <v2 shipment>``
customer              ``{"customer": <v3 customer, with addresses>}``
product, variant      ``{"product": <v3 product>}`` or ``{"variant": <v3 variant>}``
====================  ==============================================================

Refund and shipment items name order products by id; their SKUs come from the order's products.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from email.utils import parsedate_to_datetime
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
from events.fulfillment import FulfilledLine, Fulfillment
from events.mapping.bigcommerce_money import applied_discounts, bigcommerce_money
from events.mapping.delivered import Delivered
from events.mapping.fields import (
    array,
    decimal_of,
    field,
    mapping,
    object_or_empty,
    optional_decimal,
    optional_text,
    sequence,
    text_of,
)
from events.order import Address, Customer, Order, OrderLine
from events.refund import Refund, RefundLine
from events.stock import StockLevel

__all__ = ["BigCommerceResource", "bigcommerce_events", "resource_of"]

#: BigCommerce's status id of a cancelled order.
CANCELLED_STATUS = 5

ResourceKind = Literal["order", "refund", "shipment", "customer", "product", "variant"]


@dataclass(frozen=True)
class BigCommerceResource:
    """What a thin payload names: a ``kind`` of resource and its ``id``, with the order (refunds,
    shipments) or the product (variants) it belongs to."""

    kind: ResourceKind
    id: str
    order_id: str | None = None
    product_id: str | None = None


def resource_of(topic: str, payload: dict[str, Any]) -> BigCommerceResource:
    """The resource a thin payload names.

    Raises:
        PayloadError: ``data`` lacks the ids the topic needs.
        UnsupportedEvent: the topic has no canonical family.
    """
    data = mapping(payload.get("data"), "data")
    kind = _KINDS.get(topic)
    if kind is None:
        raise UnsupportedEvent(f"BigCommerce's {payload.get('scope')} has no canonical family")
    resource_id = text_of(field(data, "id"), "data.id")
    if kind == "refund":
        refund = mapping(field(data, "refund"), "data.refund")
        return BigCommerceResource("refund", text_of(field(refund, "refund_id"), "data.refund.refund_id"), resource_id)
    if kind == "shipment":
        return BigCommerceResource("shipment", resource_id, text_of(data.get("orderId"), "data.orderId"))
    if kind == "product":
        return _stock_resource(data, resource_id)
    return BigCommerceResource(kind, resource_id)


def _stock_resource(data: dict[str, Any], resource_id: str) -> BigCommerceResource:
    inventory = object_or_empty(data.get("inventory"))
    if data.get("type") == "sku" or inventory.get("variant_id") is not None:
        product_id = text_of(inventory.get("product_id"), "data.inventory.product_id")
        variant_id = optional_text(inventory.get("variant_id")) or resource_id
        return BigCommerceResource("variant", variant_id, product_id=product_id)
    return BigCommerceResource("product", optional_text(inventory.get("product_id")) or resource_id)


def bigcommerce_events(delivered: Delivered) -> tuple[CanonicalEvent, ...]:
    """The canonical events of a BigCommerce webhook, from the resource fetched for it.

    Raises:
        PayloadError: nothing was fetched, or what was fetched lacks a required field.
        UnsupportedEvent: the topic has no canonical family.
    """
    if delivered.resource is None:
        raise PayloadError("BigCommerce payloads are thin: the resource they name must be fetched first")
    mapper = _BY_KIND[resource_of(delivered.topic, delivered.payload).kind]
    return mapper(delivered.resource, delivered)


def _order_events(resource: dict[str, Any], delivered: Delivered) -> tuple[CanonicalEvent, ...]:
    raw = mapping(field(resource, "order"), "order")
    order = _order(resource)
    if raw.get("status_id") == CANCELLED_STATUS:
        reason = optional_text(raw.get("status"))
        cancellation = Cancellation(order_id=order.id, reason=reason, order=order)
        return (OrderCancelled(source_version=delivered.version, cancellation=cancellation),)
    event = OrderCreated if delivered.topic == topics.ORDER_CREATED else OrderUpdated
    return (event(source_version=delivered.version, order=order),)


def _order(resource: dict[str, Any]) -> Order:
    raw = mapping(field(resource, "order"), "order")
    order_id = text_of(field(raw, "id"), "order.id")
    billing = _address(raw.get("billing_address"))
    shipping = [mapping(item, "shipping_addresses[]") for item in array(resource, "shipping_addresses")]
    products = [mapping(item, f"products[{index}]") for index, item in enumerate(sequence(resource, "products"))]
    method = optional_text(shipping[0].get("shipping_method")) if shipping else None
    return Order(
        id=order_id,
        number=order_id,
        currency=text_of(field(raw, "currency_code"), "order.currency_code"),
        customer=_order_customer(raw, order_id, billing),
        lines=tuple(_line(item, index) for index, item in enumerate(products)),
        shipping_address=_address(shipping[0]) if shipping else None,
        billing_address=billing,
        placed_at=_rfc2822(raw.get("date_created")),
        **bigcommerce_money(raw, products, method),
    )


def _order_customer(raw: dict[str, Any], order_id: str, billing: Address | None) -> Customer:
    address = object_or_empty(raw.get("billing_address"))
    email = optional_text(address.get("email"))
    customer_id = raw.get("customer_id")
    # BigCommerce numbers guests 0: the e-mail (or else the order) identifies them.
    key = text_of(customer_id, "order.customer_id") if customer_id not in (None, 0) else None
    key = key or (f"guest:{email}" if email else f"guest:order-{order_id}")
    name = (billing.name if billing else None) or email or f"Customer {key}"
    return Customer(id=key, name=name, email=email, address=billing)


def _line(entry: dict[str, Any], index: int) -> OrderLine:
    """An order product at its price excluding tax (``base_price`` is the catalogue's, which
    includes tax in a store that enters prices with it), less its applied discounts."""
    where = f"products[{index}]"
    price = entry.get("price_ex_tax")
    return OrderLine(
        sku=text_of(entry.get("sku"), f"{where}.sku"),
        quantity=decimal_of(field(entry, "quantity", where), f"{where}.quantity"),
        unit_price=decimal_of(
            price if price is not None else field(entry, "base_price", where), f"{where}.price_ex_tax"
        ),
        title=optional_text(entry.get("name")),
        discount=sum((amount for _, _, amount in applied_discounts(entry, where)), Decimal(0)),
    )


def _skus_by_product(resource: dict[str, Any]) -> dict[str, str]:
    """The SKU of each order product, by the order product's id."""
    products = [mapping(item, "products[]") for item in array(resource, "products")]
    return {text_of(field(p, "id"), "products[].id"): text_of(p.get("sku"), "products[].sku") for p in products}


def _refund_events(resource: dict[str, Any], delivered: Delivered) -> tuple[CanonicalEvent, ...]:
    raw = mapping(field(resource, "refund"), "refund")
    order = mapping(field(resource, "order"), "order")
    skus = _skus_by_product(resource)
    lines = tuple(
        _refund_line(mapping(item, "refund.items[]"), skus)
        for item in array(raw, "items")
        if isinstance(item, dict) and item.get("item_type") == "PRODUCT"
    )
    refund = Refund(
        order_id=text_of(field(order, "id"), "order.id"),
        refund_id=text_of(field(raw, "id"), "refund.id"),
        currency=optional_text(order.get("currency_code")),
        lines=lines,
        amount=optional_decimal(raw.get("total_amount"), "refund.total_amount"),
        shipping=_shipping_refunded(raw),
        reason=optional_text(raw.get("reason")),
    )
    return (RefundCreated(source_version=delivered.version, refund=refund),)


def _shipping_refunded(refund: dict[str, Any]) -> Decimal | None:
    """What the refund's ``SHIPPING`` items gave back; ``None`` when none says (the money then
    lands on the return's credit line, as any other)."""
    items = [mapping(item, "refund.items[]") for item in array(refund, "items")]
    amounts = [
        optional_decimal(item.get("requested_amount"), "refund.items[].requested_amount")
        for item in items
        if item.get("item_type") == "SHIPPING"
    ]
    given = [amount for amount in amounts if amount is not None]
    return sum(given, Decimal(0)) if given else None


def _refund_line(item: dict[str, Any], skus: dict[str, str]) -> RefundLine:
    product = text_of(field(item, "item_id"), "refund.items[].item_id")
    if product not in skus:
        raise PayloadError(f"refund item {product} is not a product of the order")
    return RefundLine(
        sku=skus[product],
        quantity=decimal_of(field(item, "quantity"), "refund.items[].quantity"),
        amount=optional_decimal(item.get("requested_amount"), "refund.items[].requested_amount"),
    )


def _shipment_events(resource: dict[str, Any], delivered: Delivered) -> tuple[CanonicalEvent, ...]:
    raw = mapping(field(resource, "shipment"), "shipment")
    skus = _skus_by_product(resource)
    lines = []
    for item in array(raw, "items"):
        entry = mapping(item, "shipment.items[]")
        product = text_of(field(entry, "order_product_id"), "shipment.items[].order_product_id")
        if product not in skus:
            raise PayloadError(f"shipment item {product} is not a product of the order")
        lines.append(FulfilledLine(sku=skus[product], quantity=decimal_of(field(entry, "quantity"), "quantity")))
    fulfillment = Fulfillment(
        order_id=text_of(field(raw, "order_id"), "shipment.order_id"),
        fulfillment_id=text_of(field(raw, "id"), "shipment.id"),
        lines=tuple(lines),
        carrier=optional_text(raw.get("shipping_provider")),
        tracking_number=optional_text(raw.get("tracking_number")),
    )
    return (FulfillmentCreated(source_version=delivered.version, fulfillment=fulfillment),)


def _customer_events(resource: dict[str, Any], delivered: Delivered) -> tuple[CanonicalEvent, ...]:
    raw = mapping(field(resource, "customer"), "customer")
    customer_id = text_of(field(raw, "id"), "customer.id")
    addresses = [mapping(item, "customer.addresses[]") for item in array(raw, "addresses")]
    name = " ".join(part for part in (raw.get("first_name"), raw.get("last_name")) if part)
    email = optional_text(raw.get("email"))
    customer = Customer(
        id=customer_id,
        name=name or optional_text(raw.get("company")) or email or f"Customer {customer_id}",
        email=email,
        address=_v3_address(addresses[0]) if addresses else None,
    )
    return (CustomerUpdated(source_version=delivered.version, customer=customer),)


def _stock_events(resource: dict[str, Any], delivered: Delivered) -> tuple[CanonicalEvent, ...]:
    raw = resource.get("variant") or resource.get("product")
    item = mapping(raw, "product")
    level = StockLevel(
        sku=text_of(item.get("sku"), "product.sku"),
        available=decimal_of(field(item, "inventory_level"), "product.inventory_level"),
    )
    return (InventoryUpdated(source_version=delivered.version, levels=(level,)),)


def _address(value: object) -> Address | None:
    if not isinstance(value, dict):
        return None
    name = " ".join(part for part in (value.get("first_name"), value.get("last_name")) if part)
    street = " ".join(part for part in (value.get("street_1"), value.get("street_2")) if part)
    return Address(
        name=name or None,
        street=street or None,
        city=value.get("city") or None,
        postal_code=value.get("zip") or None,
        region=value.get("state") or None,
        country_code=value.get("country_iso2") or None,
    )


def _v3_address(value: dict[str, Any]) -> Address:
    name = " ".join(part for part in (value.get("first_name"), value.get("last_name")) if part)
    street = " ".join(part for part in (value.get("address1"), value.get("address2")) if part)
    return Address(
        name=name or None,
        street=street or None,
        city=value.get("city") or None,
        postal_code=value.get("postal_code") or None,
        region=value.get("state_or_province") or None,
        country_code=value.get("country_code") or None,
    )


def _rfc2822(value: object) -> datetime | None:
    # The v2 API writes dates as RFC 2822: "Tue, 20 Nov 2012 00:00:00 +0000".
    if not isinstance(value, str) or not value:
        return None
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None


_KINDS: Mapping[str, ResourceKind] = MappingProxyType(
    {
        topics.ORDER_CREATED: "order",
        topics.ORDER_UPDATED: "order",
        topics.REFUND_CREATED: "refund",
        topics.FULFILLMENT_CREATED: "shipment",
        topics.FULFILLMENT_UPDATED: "shipment",
        topics.CUSTOMER_CREATED: "customer",
        topics.CUSTOMER_UPDATED: "customer",
        topics.INVENTORY_UPDATED: "product",
        topics.PRODUCT_CREATED: "product",
        topics.PRODUCT_UPDATED: "product",
    }
)

_Mapper = Callable[[dict[str, Any], Delivered], tuple[CanonicalEvent, ...]]

_BY_KIND: Mapping[str, _Mapper] = MappingProxyType(
    {
        "order": _order_events,
        "refund": _refund_events,
        "shipment": _shipment_events,
        "customer": _customer_events,
        "product": _stock_events,
        "variant": _stock_events,
    }
)
