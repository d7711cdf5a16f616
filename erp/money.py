"""What the customer pays, as lines of the order's sale, whatever the ERP.

A sale holds the order's goods at the channel's prices, then, after them, one line of quantity 1
for each other part of the money, on a service product of its own:

=============  ==============================================================================
``DISCOUNT``   a line's discount (negative, naming the line's SKU), and each discount off the whole
               order that the channel did not spread over the lines
``SHIPPING``   each shipping method, after its own discounts
``FEE``        each fee (handling, gift wrapping, a service charge)
``TAX``        each tax, unless the prices include it: then it is listed at 0 for the record
=============  ==============================================================================

Discounts the channel already took off the lines are listed at 0 too, for their code. The
ERP rounds each line to the currency's minor unit (half to even, as Tryton's ``Currency.round``)
and adds them up: :func:`sale_total` does the same, so :func:`require_total` can refuse an order
whose sale would not total the channel's figure before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from erp.errors import TotalMismatch
from events.currency import minor_unit
from events.order import Order, TaxLine

__all__ = [
    "DISCOUNT_SKU",
    "FEE_SKU",
    "MONEY_SKUS",
    "SHIPPING_SKU",
    "TAX_SKU",
    "MoneyLine",
    "money_lines",
    "require_total",
    "sale_total",
]

SHIPPING_SKU = "SHIPPING"
FEE_SKU = "FEE"
TAX_SKU = "TAX"
DISCOUNT_SKU = "DISCOUNT"
#: The codes of the service products money lines are sold as.
MONEY_SKUS = frozenset({SHIPPING_SKU, FEE_SKU, TAX_SKU, DISCOUNT_SKU})


@dataclass(frozen=True)
class MoneyLine:
    """One part of the money beside the goods: ``amount`` (in the order's currency, negative
    for a discount) on the service product ``sku``, described for a person reading the sale."""

    sku: str
    description: str
    amount: Decimal


def money_lines(order: Order) -> tuple[MoneyLine, ...]:
    """The money lines of ``order``'s sale, in the order the sale lists them."""
    lines = [
        MoneyLine(DISCOUNT_SKU, f"Discount on {line.sku}", -line.discount) for line in order.lines if line.discount
    ]
    for discount in order.discounts:
        name = discount.title + (f" ({discount.code})" if discount.code and discount.code != discount.title else "")
        if discount.allocated:
            lines.append(MoneyLine(DISCOUNT_SKU, f"{name}: {discount.amount}, taken off the lines", Decimal(0)))
        else:
            lines.append(MoneyLine(DISCOUNT_SKU, name, -discount.amount))
    lines += [MoneyLine(SHIPPING_SKU, charge.title, charge.amount) for charge in order.shipping]
    lines += [MoneyLine(FEE_SKU, charge.title, charge.amount) for charge in order.fees]
    for tax in order.taxes:
        if order.taxes_included:
            lines.append(MoneyLine(TAX_SKU, f"{_tax_name(tax)}: {tax.amount}, included in the prices", Decimal(0)))
        else:
            lines.append(MoneyLine(TAX_SKU, _tax_name(tax), tax.amount))
    return tuple(lines)


def sale_total(order: Order) -> Decimal:
    """What the ERP's sale of ``order`` totals: every line (goods and money) rounded to the
    currency's minor unit, then added up, in the order's currency."""
    unit = minor_unit(order.currency)
    goods = (line.quantity * line.unit_price for line in order.lines)
    money = (line.amount for line in money_lines(order))
    return sum((amount.quantize(unit, ROUND_HALF_EVEN) for amount in (*goods, *money)), Decimal(0)).quantize(unit)


def require_total(order: Order) -> None:
    """Refuse ``order`` unless its sale will total what the channel says the customer pays.

    An order whose channel gave no total has nothing to disagree with.

    Raises:
        TotalMismatch: the channel's total differs from the parts (:meth:`Order.reconciles`),
            or from what the ERP makes of them once each line is rounded.
    """
    if order.total is None:
        return
    computed = sale_total(order)
    if not order.reconciles() or computed != order.total.quantize(minor_unit(order.currency), ROUND_HALF_EVEN):
        raise TotalMismatch(
            order.number or order.id, channel_total=order.total, computed=computed, currency=order.currency
        )


def _tax_name(tax: TaxLine) -> str:
    return tax.title if tax.rate is None else f"{tax.title} {(tax.rate * 100).normalize():f} %"
