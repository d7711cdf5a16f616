"""Amounts in a currency's minor units (cents): Square's ``amount_money`` and Stripe's ``amount``
in, a line total spread over its units (Amazon prices a line, not a unit), and the money fields
of an order that each provider's mapping fills (:class:`OrderMoney`)."""

from __future__ import annotations

from decimal import Decimal
from typing import TypedDict

from events.currency import minor_unit_exponent
from events.errors import PayloadError
from events.order import Charge, Discount, TaxLine

__all__ = ["OrderMoney", "from_minor_units", "priced_lines", "unit_prices"]


class OrderMoney(TypedDict):
    """What an order charges beside its lines, as :class:`~events.order.Order` takes it."""

    discounts: tuple[Discount, ...]
    shipping: tuple[Charge, ...]
    fees: tuple[Charge, ...]
    taxes: tuple[TaxLine, ...]
    taxes_included: bool
    total: Decimal | None


def from_minor_units(amount: object, currency: str, what: str) -> Decimal:
    """``amount`` minor units of ``currency`` (an integer) as a Decimal of major units.

    Raises:
        PayloadError: the amount is not an integer.
    """
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise PayloadError(f"{what} must be an integer of minor units")
    return Decimal(amount).scaleb(-minor_unit_exponent(currency))


def unit_prices(total: Decimal, quantity: int, currency: str) -> tuple[tuple[int, Decimal], ...]:
    """``total`` (major units of ``currency``) spread over ``quantity`` units, as
    ``(units, unit price)`` pairs whose units add up to ``quantity`` and whose amounts add up to
    ``total`` exactly.

    One pair, ``total / quantity``, when that is a whole number of minor units; else two,
    one minor unit apart (25.99 over 3 units: 2 at 8.66 and 1 at 8.67), since no price in
    minor units, which every ERP can hold, would add up to the total.

    >>> unit_prices(Decimal("22.00"), 2, "USD")
    ((2, Decimal('11.00')),)

    Raises:
        ValueError: ``quantity`` is below 1.
    """
    if quantity < 1:
        raise ValueError(f"cannot spread {total} over {quantity} units")
    unit = total / quantity
    # The currency's minor unit, or the total's own precision where it is finer.
    places = max(minor_unit_exponent(currency), -int(total.as_tuple().exponent))
    if unit == unit.quantize(Decimal(1).scaleb(-places)):
        return ((quantity, unit),)
    low, extra = divmod(int(total.scaleb(places)), quantity)
    return ((quantity - extra, Decimal(low).scaleb(-places)), (extra, Decimal(low + 1).scaleb(-places)))


def priced_lines(
    total: Decimal, quantity: int, discount: Decimal, currency: str
) -> tuple[tuple[int, Decimal, Decimal], ...]:
    """``quantity`` units for ``total`` less ``discount``, as ``(units, unit price, discount)``
    parts: :func:`unit_prices`' parts, the discount shared between them by their units (to the
    minor unit, or the discount's own precision where finer), so the parts add up exactly.

    >>> priced_lines(Decimal("25.99"), 3, Decimal("3.00"), "USD")
    ((2, Decimal('8.66'), Decimal('2.00')), (1, Decimal('8.67'), Decimal('1.00')))

    Raises:
        ValueError: ``quantity`` is below 1.
    """
    parts = unit_prices(total, quantity, currency)
    if len(parts) == 1:
        return ((quantity, parts[0][1], discount),)
    (units, price), (rest, rest_price) = parts
    places = max(minor_unit_exponent(currency), -int(discount.as_tuple().exponent))
    share = (discount * units / quantity).quantize(Decimal(1).scaleb(-places))
    return ((units, price, share), (rest, rest_price, discount - share))
