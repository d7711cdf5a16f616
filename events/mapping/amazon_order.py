"""An order read from SP-API's Orders API (v0) as the canonical order.

What the worker fetches for an ``ORDER_CHANGE`` is ``{"order": <getOrder's Order>, "items":
[<every page of getOrderItems' OrderItems>]}``. An item's ``ItemPrice`` is ``Money``
(``{"CurrencyCode", "Amount"}``, the amount a decimal string) and is the price of the whole
line, ``QuantityOrdered`` units, so a line's unit price is ``Amount / QuantityOrdered``; what
the order charges beside is read as :mod:`events.mapping.amazon_money` says. An item
ordered 0 times was cancelled from the order and makes no line. Amazon gives no buyer id:
``BuyerInfo.BuyerEmail`` (Amazon's relay address for the buyer) identifies the customer where
present, else the order does; names and addresses are only as present as the seller's access
to Amazon's restricted data allows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from events.errors import PayloadError
from events.mapping.amazon_money import amazon_money, money
from events.mapping.fields import decimal_of, field, mapping, object_or_empty, optional_text, text_of
from events.mapping.money import priced_lines
from events.order import Address, Customer, Order, OrderLine
from events.timestamps import parse_instant

__all__ = ["amazon_order"]


def amazon_order(order: dict[str, Any], items: Sequence[object]) -> Order:
    """The canonical order of SP-API's ``order`` and its ``items``.

    Raises:
        PayloadError: a required field is missing or malformed (an item without ``ItemPrice``,
            as a ``Pending`` order's are), the items are priced in several currencies, or no
            item is still ordered.
    """
    order_id = text_of(field(order, "AmazonOrderId"), "AmazonOrderId")
    entries = [(mapping(item, f"OrderItems[{index}]"), f"OrderItems[{index}]") for index, item in enumerate(items)]
    ordered = [(entry, where) for entry, where in entries if _ordered(entry, where)]
    priced = [line for entry, where in ordered for line in _lines(entry, where)]
    if not priced:
        raise PayloadError(f"Amazon order {order_id} has no item still ordered")
    currencies = {currency for _, currency in priced}
    if len(currencies) > 1:
        raise PayloadError(f"Amazon order {order_id} prices its items in several currencies: {sorted(currencies)}")
    buyer = object_or_empty(order.get("BuyerInfo"))
    email = optional_text(buyer.get("BuyerEmail"))
    address = _address(order.get("ShippingAddress"))
    recipient = address.name if address else None
    customer = Customer(
        id=f"guest:{email}" if email else f"guest:order-{order_id}",
        name=optional_text(buyer.get("BuyerName")) or recipient or f"Amazon customer {order_id}",
        email=email,
        address=address,
    )
    return Order(
        id=order_id,
        number=optional_text(order.get("SellerOrderId")),
        currency=currencies.pop(),
        customer=customer,
        lines=tuple(line for line, _ in priced),
        shipping_address=address,
        placed_at=parse_instant(order.get("PurchaseDate")),
        **amazon_money(order, ordered),
    )


def _ordered(entry: dict[str, Any], where: str) -> bool:
    """Whether an item is still ordered (an item ordered 0 times was cancelled from the order)."""
    quantity = decimal_of(field(entry, "QuantityOrdered", where), f"{where}.QuantityOrdered")
    if quantity < 0 or quantity != quantity.to_integral_value():
        raise PayloadError(f"{where}.QuantityOrdered must be a whole number of units, not {quantity}")
    return quantity > 0


def _lines(entry: dict[str, Any], where: str) -> tuple[tuple[OrderLine, str], ...]:
    """An item's lines (two when its price does not divide evenly, see :func:`priced_lines`),
    each with the currency it is priced in; ``PromotionDiscount`` is the item's discount."""
    quantity = int(decimal_of(field(entry, "QuantityOrdered", where), f"{where}.QuantityOrdered"))
    sku = text_of(field(entry, "SellerSKU", where), f"{where}.SellerSKU")
    price = mapping(field(entry, "ItemPrice", where), f"{where}.ItemPrice")
    currency = text_of(field(price, "CurrencyCode", f"{where}.ItemPrice"), f"{where}.ItemPrice.CurrencyCode")
    total = decimal_of(field(price, "Amount", f"{where}.ItemPrice"), f"{where}.ItemPrice.Amount")
    discount = money(entry, "PromotionDiscount", where)
    title = optional_text(entry.get("Title"))
    return tuple(
        (OrderLine(sku=sku, quantity=Decimal(units), unit_price=unit_price, title=title, discount=share), currency)
        for units, unit_price, share in priced_lines(total, quantity, discount, currency)
    )


def _address(value: object) -> Address | None:
    if not isinstance(value, Mapping):
        return None
    street = " ".join(str(value[key]) for key in ("AddressLine1", "AddressLine2", "AddressLine3") if value.get(key))
    return Address(
        name=optional_text(value.get("Name")),
        street=street or None,
        city=optional_text(value.get("City")),
        postal_code=optional_text(value.get("PostalCode")),
        region=optional_text(value.get("StateOrRegion")),
        country_code=optional_text(value.get("CountryCode")),
    )
