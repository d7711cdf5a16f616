"""The money lines of a sale and the total an ERP makes of them, from the canonical order."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp.errors import TotalMismatch
from erp.money import MoneyLine, money_lines, require_total, sale_total
from events.order import Charge, Customer, Discount, Order, OrderLine, TaxLine

D = Decimal


def order(**values: object) -> Order:
    lines = (
        OrderLine(sku="SKU-0001", quantity=D(2), unit_price=D("20.00"), discount=D("4.00")),
        OrderLine(sku="SKU-0002", quantity=D(1), unit_price=D("15.00")),
    )
    return Order(id="1001", currency="USD", customer=Customer(id="c", name="Jane"), lines=lines, **values)


def test_discounts_shipping_fees_and_taxes_on_top_are_one_line_each_after_the_goods() -> None:
    placed = order(
        discounts=(Discount(title="Spring", code="SPRING", amount=D("2.00")),),
        shipping=(Charge(title="Standard", amount=D("5.99")),),
        fees=(Charge(title="Gift wrap", amount=D("3.00")),),
        taxes=(TaxLine(title="CA State Tax", rate=D("0.0825"), amount=D("4.21")),),
        total=D("62.20"),
    )

    assert money_lines(placed) == (
        MoneyLine("DISCOUNT", "Discount on SKU-0001", D("-4.00")),
        MoneyLine("DISCOUNT", "Spring (SPRING)", D("-2.00")),
        MoneyLine("SHIPPING", "Standard", D("5.99")),
        MoneyLine("FEE", "Gift wrap", D("3.00")),
        MoneyLine("TAX", "CA State Tax 8.25 %", D("4.21")),
    )
    assert sale_total(placed) == D("62.20")
    require_total(placed)


def test_allocated_discounts_and_included_taxes_are_listed_at_zero() -> None:
    placed = order(
        discounts=(Discount(title="SAVE4", amount=D("4.00"), allocated=True),),
        taxes=(TaxLine(title="VAT", rate=D("0.2"), amount=D("8.50")),),
        taxes_included=True,
        total=D("51.00"),
    )

    assert money_lines(placed)[1:] == (
        MoneyLine("DISCOUNT", "SAVE4: 4.00, taken off the lines", D(0)),
        MoneyLine("TAX", "VAT 20 %: 8.50, included in the prices", D(0)),
    )
    assert sale_total(placed) == D("51.00")


def test_each_line_is_rounded_to_the_currencys_minor_unit_half_to_even_before_adding_up() -> None:
    # 3 x 0.125 is 0.375, which the ERP keeps as 0.38; 0.005 tax rounds to 0.00 (half to even).
    placed = Order(
        id="1",
        currency="USD",
        customer=Customer(id="c", name="Jane"),
        lines=(OrderLine(sku="SKU-0001", quantity=D(3), unit_price=D("0.125")),),
        taxes=(TaxLine(title="Tax", amount=D("0.005")),),
    )

    assert sale_total(placed) == D("0.38")


def test_a_total_the_parts_do_not_add_up_to_is_refused_naming_both_figures() -> None:
    placed = order(shipping=(Charge(title="Standard", amount=D("5.00")),), total=D("56.34"))

    with pytest.raises(
        TotalMismatch, match=r"order 1001's total does not reconcile: channel 56.34 USD, computed 56.00 USD"
    ):
        require_total(placed)


def test_a_total_the_parts_add_up_to_but_the_rounded_lines_do_not_is_refused() -> None:
    # 0.3649 + 0.0149 is 0.3798, the channel's 0.38 to the cent; the ERP rounds each line first,
    # 0.36 + 0.01, and comes a cent short.
    placed = Order(
        id="2",
        currency="USD",
        customer=Customer(id="c", name="Jane"),
        lines=(OrderLine(sku="SKU-0001", quantity=D(1), unit_price=D("0.3649")),),
        taxes=(TaxLine(title="Tax", amount=D("0.0149")),),
        total=D("0.38"),
    )

    with pytest.raises(TotalMismatch, match=r"channel 0\.38 USD, computed 0\.37 USD"):
        require_total(placed)


def test_an_order_without_a_channel_total_has_nothing_to_disagree_with() -> None:
    require_total(order(shipping=(Charge(title="Standard", amount=D("5.00")),)))
