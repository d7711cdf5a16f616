"""What an SP-API order charges beside its items' prices.

Every amount is per item, as ``Money`` (``{"CurrencyCode", "Amount"}``): ``ItemTax``,
``PromotionDiscount`` (and the tax it takes back, ``PromotionDiscountTax``), ``ShippingPrice``
less ``ShippingDiscount`` with ``ShippingTax`` less ``ShippingDiscountTax``, ``GiftWrapPrice``
with ``GiftWrapTax``, and ``CODFee`` less ``CODFeeDiscount``. The order's ``OrderTotal`` is what
the buyer pays. Amazon does not say whether prices include tax: they do in marketplaces that
show prices with VAT or GST (Europe, Japan, Australia, India...), and not in the Americas'.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from events.mapping.fields import decimal_of, field, mapping, object_or_empty, optional_text
from events.mapping.money import OrderMoney
from events.order import Charge, TaxLine

__all__ = ["amazon_money", "money"]

#: Marketplaces whose prices exclude tax: the United States, Canada, Mexico and Brazil.
_TAX_EXCLUSIVE = frozenset({"ATVPDKIKX0DER", "A2EUQ1WTGCTBG2", "A1AM78C64UM0Y8", "A2Q3Y263D00KWC"})


def amazon_money(order: dict[str, Any], items: Sequence[tuple[dict[str, Any], str]]) -> OrderMoney:
    """The shipping, fees, taxes and total of an SP-API ``order`` and its still-ordered ``items``
    (each with where it is in the payload).

    Raises:
        PayloadError: an amount is not a number.
    """
    shipping = _sum(items, "ShippingPrice") - _sum(items, "ShippingDiscount")
    shipping_tax = _sum(items, "ShippingTax") - _sum(items, "ShippingDiscountTax")
    wrapping, wrapping_tax = _sum(items, "GiftWrapPrice"), _sum(items, "GiftWrapTax")
    cash_on_delivery = _sum(items, "CODFee") - _sum(items, "CODFeeDiscount")
    tax = _sum(items, "ItemTax") - _sum(items, "PromotionDiscountTax") + shipping_tax + wrapping_tax
    fees = (_charge("Gift wrapping", wrapping, wrapping_tax), _charge("Cash on delivery", cash_on_delivery))
    total = object_or_empty(order.get("OrderTotal"))
    service = optional_text(order.get("ShipmentServiceLevelCategory"))
    return OrderMoney(
        discounts=(),
        shipping=tuple(charge for charge in (_charge(service or "Shipping", shipping, shipping_tax),) if charge),
        fees=tuple(fee for fee in fees if fee),
        taxes=(TaxLine(title="Tax", amount=tax),) if tax else (),
        taxes_included=order.get("MarketplaceId") not in _TAX_EXCLUSIVE,
        total=decimal_of(total["Amount"], "OrderTotal.Amount") if total.get("Amount") is not None else None,
    )


def money(entry: dict[str, Any], key: str, where: str) -> Decimal:
    """An item's ``key`` amount, nothing when absent."""
    value = entry.get(key)
    if value is None:
        return Decimal(0)
    return decimal_of(field(mapping(value, f"{where}.{key}"), "Amount", f"{where}.{key}"), f"{where}.{key}.Amount")


def _sum(items: Sequence[tuple[dict[str, Any], str]], key: str) -> Decimal:
    return sum((money(entry, key, where) for entry, where in items), Decimal(0))


def _charge(title: str, amount: Decimal, tax: Decimal = Decimal(0)) -> Charge | None:
    if not amount:
        return None
    return Charge(title=title, amount=amount, taxes=(TaxLine(title="Tax", amount=tax),) if tax else ())
