"""What a BigCommerce order charges beside its products' prices, from the v2 order.

The v2 order gives every charge excluding and including tax; Weir takes the amounts excluding
tax and the taxes on top (``taxes_included`` false): ``shipping_cost_ex_tax`` and
``shipping_cost_tax``, ``handling_cost_*`` and ``wrapping_cost_*`` (fees), ``fees[]`` where the
store has them, and ``total_tax``. Each product's ``applied_discounts`` (coupons by ``code``,
promotions by ``name``) are its share of the order's discounts; whatever ``discount_amount`` and
``coupon_discount`` take off beyond them (a discount added by hand) comes off the order as a
whole. ``total_inc_tax`` is what the customer pays. Amounts are decimal strings.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from events.mapping.fields import array, decimal_of, field, mapping, optional_decimal, optional_text
from events.mapping.money import OrderMoney
from events.order import Charge, Discount, TaxLine

__all__ = ["applied_discounts", "bigcommerce_money"]


def bigcommerce_money(
    order: dict[str, Any], products: Sequence[dict[str, Any]], shipping_method: str | None
) -> OrderMoney:
    """The discounts, shipping, fees, taxes and total of a v2 ``order`` and its ``products``.

    Raises:
        PayloadError: an amount is not a number.
    """
    shipping = _charge(order, "shipping_cost", shipping_method or "Shipping")
    fees = (_charge(order, "handling_cost", "Handling"), _charge(order, "wrapping_cost", "Gift wrapping"))
    total_tax = _amount(order, "total_tax")
    return OrderMoney(
        discounts=_discounts(order, products),
        shipping=(shipping,) if shipping else (),
        fees=tuple(fee for fee in (*fees, *_fees(order)) if fee),
        taxes=(TaxLine(title="Tax", amount=total_tax),) if total_tax else (),
        taxes_included=False,
        total=optional_decimal(order.get("total_inc_tax"), "order.total_inc_tax"),
    )


def applied_discounts(product: dict[str, Any], where: str) -> list[tuple[str, str | None, Decimal]]:
    """``(title, code, amount)`` of each discount applied to an order product."""
    found = []
    for index, item in enumerate(array(product, "applied_discounts")):
        at = f"{where}.applied_discounts[{index}]"
        entry = mapping(item, at)
        code = optional_text(entry.get("code"))
        title = optional_text(entry.get("name")) or code or optional_text(entry.get("id")) or "Discount"
        found.append((title, code, decimal_of(field(entry, "amount", at), f"{at}.amount")))
    return found


def _discounts(order: dict[str, Any], products: Sequence[dict[str, Any]]) -> tuple[Discount, ...]:
    allocated: dict[tuple[str, str | None], Decimal] = {}
    for index, product in enumerate(products):
        for title, code, amount in applied_discounts(product, f"products[{index}]"):
            allocated[title, code] = allocated.get((title, code), Decimal(0)) + amount
    discounts = [
        Discount(title=title, code=code, amount=amount, allocated=True) for (title, code), amount in allocated.items()
    ]
    unallocated = _amount(order, "discount_amount") + _amount(order, "coupon_discount") - sum(allocated.values())
    if unallocated > 0:
        discounts.append(Discount(title="Order discount", amount=unallocated))
    return tuple(discounts)


def _charge(order: dict[str, Any], name: str, title: str) -> Charge | None:
    """A ``<name>_ex_tax`` charge and its ``<name>_tax``, or None when it is nothing."""
    amount = _amount(order, f"{name}_ex_tax")
    if not amount:
        return None
    tax = _amount(order, f"{name}_tax")
    return Charge(title=title, amount=amount, taxes=(TaxLine(title="Tax", amount=tax),) if tax else ())


def _fees(order: dict[str, Any]) -> list[Charge | None]:
    fees: list[Charge | None] = []
    for index, item in enumerate(array(order, "fees")):
        fee = mapping(item, f"order.fees[{index}]")
        title = optional_text(fee.get("display_name_customer")) or optional_text(fee.get("display_name_merchant"))
        fees.append(_charge(fee, "cost", title or "Fee"))
    return fees


def _amount(data: dict[str, Any], key: str) -> Decimal:
    return optional_decimal(data.get(key), f"order.{key}") or Decimal(0)
