"""Amounts and currencies' minor units: a line total spread over its units, with its discount."""

from __future__ import annotations

from decimal import Decimal

import pytest

from events.mapping.money import priced_lines, unit_prices


@pytest.mark.parametrize(
    ("total", "quantity", "currency", "spread"),
    [
        ("22.00", 2, "USD", ((2, "11.00"),)),
        ("25.99", 3, "USD", ((2, "8.66"), (1, "8.67"))),
        ("1.00", 8, "EUR", ((4, "0.12"), (4, "0.13"))),
        ("100", 3, "JPY", ((2, "33"), (1, "34"))),
        ("10.005", 2, "USD", ((1, "5.002"), (1, "5.003"))),
    ],
    ids=["even", "uneven", "half-a-minor-unit", "no-minor-unit", "finer-than-the-currency"],
)
def test_a_total_is_spread_over_its_units_in_minor_units_adding_up_exactly(
    total: str, quantity: int, currency: str, spread: tuple[tuple[int, str], ...]
) -> None:
    pairs = unit_prices(Decimal(total), quantity, currency)

    assert pairs == tuple((units, Decimal(price)) for units, price in spread)
    assert sum(units for units, _ in pairs) == quantity
    assert sum(units * price for units, price in pairs) == Decimal(total)


def test_a_total_cannot_be_spread_over_no_units() -> None:
    with pytest.raises(ValueError, match="0 units"):
        unit_prices(Decimal("1.00"), 0, "USD")


@pytest.mark.parametrize(
    ("total", "quantity", "discount", "parts"),
    [
        ("22.00", 2, "3.00", ((2, "11.00", "3.00"),)),
        ("25.99", 3, "3.00", ((2, "8.66", "2.00"), (1, "8.67", "1.00"))),
        ("25.99", 3, "1.00", ((2, "8.66", "0.67"), (1, "8.67", "0.33"))),
        ("10.00", 3, "0", ((2, "3.33", "0.00"), (1, "3.34", "0.00"))),
    ],
    ids=["even", "uneven", "uneven-discount", "no-discount"],
)
def test_a_discounted_line_is_spread_with_its_discount_shared_by_units_adding_up_exactly(
    total: str, quantity: int, discount: str, parts: tuple[tuple[int, str, str], ...]
) -> None:
    priced = priced_lines(Decimal(total), quantity, Decimal(discount), "USD")

    assert priced == tuple((units, Decimal(price), Decimal(share)) for units, price, share in parts)
    assert sum(units * price - share for units, price, share in priced) == Decimal(total) - Decimal(discount)
