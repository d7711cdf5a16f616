"""What a WooCommerce order's lines cost and what it charges beside them.

Woo keeps every amount excluding tax, each with its tax beside it: a line's ``subtotal`` is
before coupons and ``total`` after, with ``subtotal_tax`` and ``total_tax``; ``shipping_lines``
and ``fee_lines`` have ``total`` and ``total_tax``, and ``taxes`` by rate id. Coupons
(``coupon_lines``) are spread over the lines' totals, so they are listed as allocated; a negative
fee is how Woo takes an amount off the whole order. ``tax_lines`` are one per rate, with
``tax_total`` on the goods and ``shipping_tax_total`` on shipping. In a store whose prices
include tax (``prices_include_tax``), the amounts are given with their tax, as the customer saw
them: Woo keeps the parts excluding tax to six decimals, and only the sums with tax come to
whole cents. ``total`` is what the customer pays. Amounts are decimal strings.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NamedTuple

from events.mapping.fields import (
    array,
    decimal_of,
    field,
    mapping,
    optional_decimal,
    optional_text,
    sequence,
    text_of,
)
from events.mapping.money import OrderMoney, priced_lines
from events.order import Charge, Discount, OrderLine, TaxLine

__all__ = ["woocommerce_lines", "woocommerce_money"]

_Rates = dict[str, tuple[str, Decimal | None]]


def woocommerce_lines(payload: dict[str, Any], currency: str) -> tuple[OrderLine, ...]:
    """The order's line items (see :func:`_lines`).

    Raises:
        PayloadError: a line is missing a field or an amount is not a number.
    """
    included = payload.get("prices_include_tax") is True
    items = sequence(payload, "line_items")
    return tuple(line for index, item in enumerate(items) for line in _lines(item, index, currency, included))


def woocommerce_money(payload: dict[str, Any]) -> OrderMoney:
    """The discounts, shipping, fees, taxes and total of a Woo order.

    Raises:
        PayloadError: an amount is missing or not a number.
    """
    included = payload.get("prices_include_tax") is True
    rates = _rates(payload)
    fees = _charges(payload, "fee_lines", "name", rates, included)
    return OrderMoney(
        # A negative fee is how Woo takes an amount off the whole order.
        discounts=(
            *_coupons(payload, included),
            *(Discount(title=fee.title, amount=-fee.amount) for fee in fees if fee.amount < 0),
        ),
        shipping=tuple(
            Charge(**line._asdict()) for line in _charges(payload, "shipping_lines", "method_title", rates, included)
        ),
        fees=tuple(Charge(**fee._asdict()) for fee in fees if fee.amount >= 0),
        taxes=tuple(_tax(item, index) for index, item in enumerate(array(payload, "tax_lines"))),
        taxes_included=included,
        total=optional_decimal(payload.get("total"), "total"),
    )


def _lines(item: object, index: int, currency: str, included: bool) -> tuple[OrderLine, ...]:
    """A line item: its ``subtotal`` (before coupons) over its units, less the coupons' share
    (``subtotal - total``), each with its tax when prices include it; two lines a minor unit
    apart in price when the subtotal does not divide evenly (see
    :func:`~events.mapping.money.priced_lines`). A line without a ``subtotal`` is priced at its
    ``price``."""
    where = f"line_items[{index}]"
    entry = mapping(item, where)
    sku = text_of(entry.get("sku"), f"{where}.sku")
    quantity = decimal_of(field(entry, "quantity", where), f"{where}.quantity")
    title = optional_text(entry.get("name"))
    subtotal = _amount(entry, "subtotal", where, included)
    if subtotal is None or quantity <= 0 or quantity != quantity.to_integral_value():
        price = decimal_of(field(entry, "price", where), f"{where}.price")
        return (OrderLine(sku=sku, quantity=quantity, unit_price=price, title=title),)
    total = _amount(entry, "total", where, included)
    discount = Decimal(0) if total is None else subtotal - total
    return tuple(
        OrderLine(sku=sku, quantity=Decimal(units), unit_price=price, title=title, discount=share)
        for units, price, share in priced_lines(subtotal, int(quantity), discount, currency)
    )


def _amount(entry: dict[str, Any], key: str, where: str, included: bool) -> Decimal | None:
    """``entry[key]``, with its ``<key>_tax`` added when prices include tax."""
    amount = optional_decimal(entry.get(key), f"{where}.{key}")
    if amount is None or not included:
        return amount
    return amount + (optional_decimal(entry.get(f"{key}_tax"), f"{where}.{key}_tax") or Decimal(0))


class _Line(NamedTuple):
    """A shipping or fee line (a fee's amount may be negative, which no Charge is)."""

    title: str
    amount: Decimal
    taxes: tuple[TaxLine, ...]


def _charges(payload: dict[str, Any], key: str, title_key: str, rates: _Rates, included: bool) -> list[_Line]:
    """The ``shipping_lines`` or ``fee_lines`` of an order, their taxes titled by rate id."""
    lines = []
    for index, item in enumerate(array(payload, key)):
        where = f"{key}[{index}]"
        entry = mapping(item, where)
        taxes = []
        for at, tax in enumerate(array(entry, "taxes")):
            amount = optional_decimal(mapping(tax, f"{where}.taxes[{at}]").get("total"), f"{where}.taxes[{at}].total")
            if amount:
                title, rate = rates.get(optional_text(tax.get("id")) or "", ("Tax", None))
                taxes.append(TaxLine(title=title, rate=rate, amount=amount))
        title = optional_text(entry.get(title_key)) or ("Shipping" if key == "shipping_lines" else "Fee")
        amount = _amount(entry, "total", where, included)
        lines.append(_Line(title, decimal_of(amount, f"{where}.total"), tuple(taxes)))
    return lines


def _rates(payload: dict[str, Any]) -> _Rates:
    """Each tax rate's title and rate, by its rate id."""
    rates = {}
    for index, item in enumerate(array(payload, "tax_lines")):
        tax = _tax(item, index)
        rate_id = optional_text(mapping(item, f"tax_lines[{index}]").get("rate_id"))
        if rate_id is not None:
            rates[rate_id] = (tax.title, tax.rate)
    return rates


def _tax(item: object, index: int) -> TaxLine:
    where = f"tax_lines[{index}]"
    tax = mapping(item, where)
    goods = decimal_of(field(tax, "tax_total", where), f"{where}.tax_total")
    shipping = optional_decimal(tax.get("shipping_tax_total"), f"{where}.shipping_tax_total") or Decimal(0)
    percent = optional_decimal(tax.get("rate_percent"), f"{where}.rate_percent")
    return TaxLine(
        title=optional_text(tax.get("label")) or optional_text(tax.get("rate_code")) or "Tax",
        rate=None if percent is None else percent / 100,
        amount=goods + shipping,
    )


def _coupons(payload: dict[str, Any], included: bool) -> tuple[Discount, ...]:
    coupons = []
    for index, item in enumerate(array(payload, "coupon_lines")):
        where = f"coupon_lines[{index}]"
        coupon = mapping(item, where)
        code = optional_text(coupon.get("code"))
        # Listed for the record only (the lines' totals are after it): a coupon without an amount is 0.
        amount = _amount(coupon, "discount", where, included) or Decimal(0)
        coupons.append(Discount(title=code or "Coupon", code=code, amount=amount, allocated=True))
    return tuple(coupons)
