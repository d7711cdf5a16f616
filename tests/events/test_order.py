"""The canonical order's money: what the customer pays, built from the parts, against the channel's total."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from events import Order

D = Decimal


def order(**money: Any) -> Order:
    lines = [
        {"sku": "SKU-0001", "quantity": 2, "unit_price": "11.00", "discount": "2.00"},
        {"sku": "SKU-0002", "quantity": 1, "unit_price": "12.00"},
    ]
    return Order.model_validate(
        {"id": "1", "currency": "USD", "customer": {"id": "c", "name": "Ada"}, "lines": lines, **money}
    )


def test_an_order_without_money_fields_is_its_lines_and_has_nothing_to_disagree_with() -> None:
    plain = order()

    assert (plain.discounts, plain.shipping, plain.fees, plain.taxes, plain.total) == ((), (), (), (), None)
    assert plain.lines_total == D("34.00")
    assert plain.computed_total == D("32.00")
    assert plain.reconciles()


def test_the_total_is_the_lines_after_discounts_plus_shipping_fees_and_taxes_on_top() -> None:
    taxed = order(
        shipping=[{"title": "Standard", "amount": "5.00", "taxes": [{"title": "Tax", "amount": "0.30"}]}],
        fees=[{"title": "Gift wrapping", "amount": "2.50"}],
        taxes=[{"title": "Tax", "rate": "0.06", "amount": "2.22"}],
        total="41.72",
    )

    assert taxed.tax_total == D("2.22")
    assert taxed.computed_total == D("32.00") + D("5.00") + D("2.50") + D("2.22")
    assert taxed.reconciles()


def test_taxes_included_in_the_prices_are_not_added_again() -> None:
    included = order(taxes=[{"title": "VAT", "rate": "0.2", "amount": "5.33"}], taxes_included=True, total="32.00")

    assert included.computed_total == D("32.00")
    assert included.reconciles()


def test_an_allocated_discount_is_listed_but_only_an_unallocated_one_comes_off_again() -> None:
    discounted = order(
        discounts=[
            {"title": "SAVE2", "code": "SAVE2", "amount": "2.00", "allocated": True},
            {"title": "Loyalty", "amount": "3.00"},
        ],
        total="29.00",
    )

    assert discounted.computed_total == D("29.00")
    assert discounted.reconciles()


@pytest.mark.parametrize(
    ("currency", "total", "reconciles"),
    [("USD", "32.004", True), ("USD", "32.01", False), ("JPY", "32.4", True), ("JPY", "33", False)],
)
def test_the_channel_total_reconciles_to_less_than_half_the_currency_minor_unit(
    currency: str, total: str, reconciles: bool
) -> None:
    priced = order(currency=currency, total=total)

    assert priced.reconciles() is reconciles


def test_a_negative_discount_or_charge_is_refused() -> None:
    with pytest.raises(ValidationError, match="discount"):
        order(lines=[{"sku": "S", "quantity": 1, "unit_price": "1.00", "discount": "-1.00"}])
    with pytest.raises(ValidationError, match="shipping"):
        order(shipping=[{"title": "Standard", "amount": "-5.00"}])
