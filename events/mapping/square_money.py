"""What a Square order charges beside its line items' prices.

Amounts are ``{"amount": <minor units>, "currency"}``. A line item's ``total_discount_money`` is
its discounts, its share of order-wide ones included, so ``discounts[]`` (each with its
``applied_money``) are listed as allocated. ``taxes[]`` are the order's taxes, each with the
``applied_money`` it charges in all and a ``type``: ``INCLUSIVE`` taxes are in the prices,
``ADDITIVE`` ones come on top. ``service_charges[]`` are charges beside the goods; Square has no
shipping field, so a service charge named for shipping or delivery (as Square Online names its
fees) is shipping, any other a fee. ``total_money`` is what the customer pays.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from events.mapping.fields import array, field, mapping, optional_decimal, optional_text
from events.mapping.money import OrderMoney, from_minor_units
from events.order import Charge, Discount, TaxLine

__all__ = ["money_of", "square_money"]

_SHIPPING_WORDS = ("shipping", "delivery")


def square_money(order: dict[str, Any], currency: str) -> OrderMoney:
    """The discounts, service charges, taxes and total of a Square order in ``currency``.

    Raises:
        PayloadError: an amount is not an integer of minor units.
    """
    entries = [mapping(item, f"order.taxes[{i}]") for i, item in enumerate(array(order, "taxes"))]
    taxes = {optional_text(tax.get("uid")): _tax(tax, index, currency) for index, tax in enumerate(entries)}
    charges = [_charge(item, index, currency, taxes) for index, item in enumerate(array(order, "service_charges"))]
    total = order.get("total_money")
    return OrderMoney(
        discounts=_discounts(order, currency),
        shipping=tuple(charge for charge in charges if _is_shipping(charge)),
        fees=tuple(charge for charge in charges if not _is_shipping(charge)),
        taxes=tuple(taxes.values()),
        taxes_included=bool(entries) and all(tax.get("type") == "INCLUSIVE" for tax in entries),
        total=None if total is None else money_of(total, currency, "order.total_money"),
    )


def money_of(value: object, currency: str, what: str) -> Decimal:
    """A Square ``Money`` object as major units of ``currency``."""
    return from_minor_units(mapping(value, what).get("amount"), currency, f"{what}.amount")


def _discounts(order: dict[str, Any], currency: str) -> tuple[Discount, ...]:
    discounts = []
    for index, item in enumerate(array(order, "discounts")):
        where = f"order.discounts[{index}]"
        entry = mapping(item, where)
        applied = entry.get("applied_money")
        amount = Decimal(0) if applied is None else money_of(applied, currency, f"{where}.applied_money")
        title = optional_text(entry.get("name")) or "Discount"
        discounts.append(Discount(title=title, amount=amount, allocated=True))
    return tuple(discounts)


def _tax(tax: dict[str, Any], index: int, currency: str) -> TaxLine:
    where = f"order.taxes[{index}]"
    percent = optional_decimal(tax.get("percentage"), f"{where}.percentage")
    applied = tax.get("applied_money")
    return TaxLine(
        title=optional_text(tax.get("name")) or "Tax",
        rate=None if percent is None else percent / 100,
        amount=Decimal(0) if applied is None else money_of(applied, currency, f"{where}.applied_money"),
    )


def _charge(item: object, index: int, currency: str, taxes: dict[str | None, TaxLine]) -> Charge:
    where = f"order.service_charges[{index}]"
    entry = mapping(item, where)
    applied = entry.get("applied_money") or field(entry, "amount_money", where)
    charged = []
    for at, tax in enumerate(array(entry, "applied_taxes")):
        applied_tax = mapping(tax, f"{where}.applied_taxes[{at}]")
        known = taxes.get(optional_text(applied_tax.get("tax_uid")), TaxLine(title="Tax", amount=Decimal(0)))
        amount = money_of(field(applied_tax, "applied_money", where), currency, f"{where}.applied_taxes[{at}]")
        charged.append(known.model_copy(update={"amount": amount}))
    return Charge(
        title=optional_text(entry.get("name")) or "Service charge",
        amount=money_of(applied, currency, f"{where}.applied_money"),
        taxes=tuple(charged),
    )


def _is_shipping(charge: Charge) -> bool:
    return any(word in charge.title.lower() for word in _SHIPPING_WORDS)
