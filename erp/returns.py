"""What a refund returns, whatever the ERP: the refunded lines back at negative quantities, the
shipping refunded back on the shipping service product, and a credit line (no SKU) for money
refunded beyond them (taxes, a goodwill credit), or for what the channel kept of the lines'
price when it refunded less than they come to (a partial refund). So a return sale totals what
the channel refunded, when it says. Both adapters build their returns here."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from erp.adapter import SaleLine
from erp.errors import ErpRejected
from erp.money import SHIPPING_SKU
from events.refund import Refund

__all__ = ["CREDIT_SKU", "return_lines"]

#: The SKU of a credit line: it returns money, not goods.
CREDIT_SKU = ""

_CENTS = Decimal("0.0001")
# Per-unit prices rounded to _CENTS can come to a little more than the refund: that is no
# partial refund, and the ERP rounds it away.
_OVERSHOOT = Decimal("0.01")


def return_lines(refund: Refund, sold: Iterable[SaleLine], reference: str) -> tuple[SaleLine, ...]:
    """The lines of ``refund``'s return of the sale ``reference`` that sold ``sold``.

    A refunded line is priced at what the channel refunded for it per unit, else at the price it
    was sold for. Shipping refunded is a line of quantity -1 on the shipping product. Money
    beyond those (tax, a goodwill credit, a refund naming no lines) is one credit line of
    quantity -1; a refund of less than its lines come to at those prices
    (part of a line's price) has a credit line of quantity -1 at the negative difference, which
    takes back what was not refunded.

    Raises:
        ErpRejected: the refund returns a SKU the sale did not sell, or returns nothing.
    """
    prices = {line.sku: line.unit_price for line in sold}
    lines, covered = [], Decimal(0)
    for line in refund.lines:
        if line.amount is not None:
            price = (line.amount / line.quantity).quantize(_CENTS)
        elif line.sku in prices:
            price = prices[line.sku]
        else:
            raise ErpRejected(f"refund {refund.refund_id} returns {line.sku}, which {reference} did not sell")
        covered += price * line.quantity
        lines.append(SaleLine(sku=line.sku, quantity=-line.quantity, unit_price=price))
    if refund.shipping:
        covered += refund.shipping
        lines.append(SaleLine(sku=SHIPPING_SKU, quantity=Decimal(-1), unit_price=refund.shipping))
    rest = (refund.amount - covered) if refund.amount is not None else Decimal(0)
    if rest > 0 or rest <= -_OVERSHOOT:
        lines.append(SaleLine(sku=CREDIT_SKU, quantity=Decimal(-1), unit_price=rest))
    if not lines:
        raise ErpRejected(f"refund {refund.refund_id} of {reference} names neither lines nor an amount")
    return tuple(lines)
