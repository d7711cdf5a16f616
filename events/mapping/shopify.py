"""Shopify payloads (``orders/create``, ``orders/paid``, ``customers/*``) as canonical models.

Payloads arrive parsed with every non-integer number as Decimal; money fields that Shopify sends
as strings go through Decimal too. Ids are kept as text, digit for digit.
"""

from __future__ import annotations

from typing import Any

from events.mapping.fields import decimal_of, field, mapping, sequence, text_of
from events.order import Address, Customer, Order, OrderLine
from events.timestamps import parse_instant

__all__ = ["shopify_customer", "shopify_order"]


def shopify_order(payload: dict[str, Any]) -> Order:
    """The canonical order of an ``orders/create`` (or ``orders/paid``) payload.

    Raises:
        PayloadError: a required field is missing or malformed (see :mod:`events.mapping.fields`).
    """
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
