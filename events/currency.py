"""Currencies' minor units: how many decimals an amount in each currency has (ISO 4217)."""

from __future__ import annotations

from decimal import Decimal

__all__ = ["minor_unit", "minor_unit_exponent"]

# ISO 4217 currencies whose minor unit is not a hundredth (the rest have two decimals).
_EXPONENTS = {
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0,
    "RWF": 0, "UGX": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
    "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
}  # fmt: skip


def minor_unit_exponent(currency: str) -> int:
    """The number of decimals of ``currency``'s minor unit: 2 for USD (cents), 0 for JPY."""
    return _EXPONENTS.get(currency.upper(), 2)


def minor_unit(currency: str) -> Decimal:
    """``currency``'s minor unit in major units: ``Decimal("0.01")`` for USD, ``Decimal("1")`` for JPY."""
    return Decimal(1).scaleb(-minor_unit_exponent(currency))
