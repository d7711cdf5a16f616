"""What a Shopify order charges beside its lines' prices.

Shopify spreads every discount over what it discounts: each line item's and shipping line's
``discount_allocations`` say how much of which ``discount_applications[index]`` it took off (a
code's share included), so an application is listed as allocated, for the record. ``tax_lines``
at the top are the order's taxes, shipping's included; each shipping line carries its own.
``total_price`` is what the customer pays. Amounts are decimal strings.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from events.mapping.fields import array, decimal_of, field, mapping, optional_decimal, optional_text
from events.mapping.money import OrderMoney
from events.order import Charge, Discount, TaxLine

__all__ = ["line_discount", "shopify_money"]


def shopify_money(payload: dict[str, Any]) -> OrderMoney:
    """The discounts, shipping, taxes and total of an ``orders/*`` payload.

    Raises:
        PayloadError: an amount is missing or not a number.
    """
    shipping = [mapping(item, f"shipping_lines[{i}]") for i, item in enumerate(array(payload, "shipping_lines"))]
    return OrderMoney(
        discounts=_applications(payload, shipping),
        shipping=tuple(_shipping(entry, index) for index, entry in enumerate(shipping)),
        fees=(),
        taxes=_order_taxes(payload),
        taxes_included=payload.get("taxes_included") is True,
        total=optional_decimal(payload.get("total_price"), "total_price"),
    )


def line_discount(entry: dict[str, Any], where: str) -> Decimal:
    """What was taken off a line item or shipping line in all: its ``discount_allocations``, or,
    in payloads older than those, its ``total_discount`` (which newer ones leave at 0.00)."""
    if entry.get("discount_allocations") is not None:
        return sum((amount for _, amount in _allocations(entry, where)), Decimal(0))
    return optional_decimal(entry.get("total_discount"), f"{where}.total_discount") or Decimal(0)


def _allocations(entry: dict[str, Any], where: str) -> list[tuple[object, Decimal]]:
    """``(discount application index, amount)`` of each of an entry's discount allocations."""
    allocations = [
        mapping(item, f"{where}.discount_allocations[{i}]")
        for i, item in enumerate(array(entry, "discount_allocations"))
    ]
    return [
        (item.get("discount_application_index"), decimal_of(field(item, "amount", where), f"{where}.amount"))
        for item in allocations
    ]


def _applications(payload: dict[str, Any], shipping: Sequence[dict[str, Any]]) -> tuple[Discount, ...]:
    entries = [
        *(
            (mapping(item, f"line_items[{i}]"), f"line_items[{i}]")
            for i, item in enumerate(array(payload, "line_items"))
        ),
        *((entry, f"shipping_lines[{i}]") for i, entry in enumerate(shipping)),
    ]
    taken: dict[object, Decimal] = {}
    for entry, where in entries:
        for index, amount in _allocations(entry, where):
            taken[index] = taken.get(index, Decimal(0)) + amount
    discounts = []
    for index, item in enumerate(array(payload, "discount_applications")):
        application = mapping(item, f"discount_applications[{index}]")
        code = optional_text(application.get("code")) if application.get("type") == "discount_code" else None
        title = optional_text(application.get("title")) or code or optional_text(application.get("description"))
        amount = taken.get(index, Decimal(0))
        discounts.append(Discount(title=title or "Discount", code=code, amount=amount, allocated=True))
    return tuple(discounts)


def _shipping(entry: dict[str, Any], index: int) -> Charge:
    where = f"shipping_lines[{index}]"
    price = decimal_of(field(entry, "price", where), f"{where}.price")
    return Charge(
        title=optional_text(entry.get("title")) or optional_text(entry.get("code")) or "Shipping",
        amount=price - line_discount(entry, where),
        taxes=_taxes(entry, where),
    )


def _order_taxes(payload: dict[str, Any]) -> tuple[TaxLine, ...]:
    taxes = _taxes(payload, "")
    total_tax = optional_decimal(payload.get("total_tax"), "total_tax")
    # Some payloads (draft orders, apps' orders) give the tax only as total_tax.
    if not taxes and total_tax:
        return (TaxLine(title="Tax", amount=total_tax),)
    return taxes


def _taxes(entry: dict[str, Any], where: str) -> tuple[TaxLine, ...]:
    lines = []
    for index, item in enumerate(array(entry, "tax_lines")):
        at = f"{where}.tax_lines[{index}]" if where else f"tax_lines[{index}]"
        tax = mapping(item, at)
        lines.append(
            TaxLine(
                title=optional_text(tax.get("title")) or "Tax",
                rate=optional_decimal(tax.get("rate"), f"{at}.rate"),
                amount=decimal_of(field(tax, "price", at), f"{at}.price"),
            )
        )
    return tuple(lines)
