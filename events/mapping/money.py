"""Amounts in a currency's minor units (cents): Square's ``amount_money`` and Stripe's ``amount``
in, and a line total spread over its units (Amazon prices a line, not a unit)."""

from __future__ import annotations

from decimal import Decimal

from events.errors import PayloadError

__all__ = ["from_minor_units", "unit_prices"]

# ISO 4217 currencies whose minor unit is not a hundredth (the rest have two decimals).
_EXPONENTS = {
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0,
    "RWF": 0, "UGX": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
    "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
}  # fmt: skip


def from_minor_units(amount: object, currency: str, what: str) -> Decimal:
    """``amount`` minor units of ``currency`` (an integer) as a Decimal of major units.

    Raises:
        PayloadError: the amount is not an integer.
    """
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise PayloadError(f"{what} must be an integer of minor units")
    return Decimal(amount).scaleb(-_EXPONENTS.get(currency.upper(), 2))


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
    places = max(_EXPONENTS.get(currency.upper(), 2), -int(total.as_tuple().exponent))
    if unit == unit.quantize(Decimal(1).scaleb(-places)):
        return ((quantity, unit),)
    low, extra = divmod(int(total.scaleb(places)), quantity)
    return ((quantity - extra, Decimal(low).scaleb(-places)), (extra, Decimal(low + 1).scaleb(-places)))
