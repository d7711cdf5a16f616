"""Amounts that providers send in minor units (cents): Square's ``amount_money``, Stripe's ``amount``."""

from __future__ import annotations

from decimal import Decimal

from events.errors import PayloadError

__all__ = ["from_minor_units"]

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
