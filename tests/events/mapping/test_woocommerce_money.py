"""What a WooCommerce order charges: lines' subtotals and totals, coupons, shipping and fee
lines, tax lines per rate and ``total``, with prices excluding or including tax."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from events import Order, OrderCreated
from events.mapping import canonical_events
from events.order import Charge, Discount, TaxLine
from samples.payloads import woocommerce_order
from tests.events.mapping.envelopes import envelope

D = Decimal


def mapped(payload: dict[str, Any]) -> Order:
    (event,) = canonical_events(envelope(payload, provider="woocommerce", topic="order.created"))
    assert isinstance(event, OrderCreated)
    return event.order


def line(
    sku: str, quantity: int, subtotal: str, total: str, tax: str, subtotal_tax: str | None = None
) -> dict[str, Any]:
    return {
        "id": 1,
        "sku": sku,
        "name": sku,
        "quantity": quantity,
        "subtotal": subtotal,
        "subtotal_tax": subtotal_tax or tax,
        "total": total,
        "total_tax": tax,
        "taxes": [{"id": 1, "total": tax, "subtotal": subtotal_tax or tax}],
        # Woo's price is the line's total over its quantity: after coupons.
        "price": float(D(total) / quantity),
    }


def test_a_coupon_spread_over_the_lines_shipping_and_sales_tax_on_top_add_up_to_the_total() -> None:
    # A "save10" coupon takes 10 % off both lines; 8.25 % sales tax on the goods and on 5.00 shipping.
    payload = {
        **woocommerce_order(2001),
        "currency": "USD",
        "prices_include_tax": False,
        "discount_total": "5.50",
        "discount_tax": "0.45",
        "shipping_total": "5.00",
        "shipping_tax": "0.41",
        "cart_tax": "4.08",
        "total_tax": "4.49",
        "total": "58.99",
        "line_items": [line("SKU-0001", 2, "40.00", "36.00", "2.97"), line("SKU-0002", 1, "15.00", "13.50", "1.11375")],
        "tax_lines": [
            {
                "id": 3,
                "rate_code": "US-CA-STATE TAX-1",
                "rate_id": 1,
                "label": "State Tax",
                "compound": False,
                "tax_total": "4.08",
                "shipping_tax_total": "0.41",
                "rate_percent": 8.25,
            }
        ],
        "shipping_lines": [
            {
                "id": 4,
                "method_title": "Flat rate",
                "method_id": "flat_rate",
                "total": "5.00",
                "total_tax": "0.41",
                "taxes": [{"id": 1, "total": "0.4125", "subtotal": ""}],
            }
        ],
        "coupon_lines": [{"id": 5, "code": "save10", "discount": "5.50", "discount_tax": "0.45"}],
    }

    order = mapped(payload)

    assert [(ln.sku, ln.quantity, ln.unit_price, ln.discount) for ln in order.lines] == [
        ("SKU-0001", D(2), D("20.00"), D("4.00")),
        ("SKU-0002", D(1), D("15.00"), D("1.50")),
    ]
    assert order.discounts == (Discount(title="save10", code="save10", amount=D("5.50"), allocated=True),)
    state_tax = TaxLine(title="State Tax", rate=D("0.0825"), amount=D("4.49"))
    assert order.taxes == (state_tax,)
    assert order.shipping == (
        Charge(title="Flat rate", amount=D("5.00"), taxes=(state_tax.model_copy(update={"amount": D("0.4125")}),)),
    )
    assert (order.taxes_included, order.total) == (False, D("58.99"))
    assert order.reconciles() and order.computed_total == D("58.99")


def test_prices_including_vat_are_given_with_their_vat_and_add_up_to_the_total() -> None:
    # 3 x 9.99 with 19 % VAT in it, which Woo keeps as 25.184874 and 4.785126; 4.20 shipping and
    # its 0.80 VAT; a gift-wrapping fee of 2.00 and a negative fee of 1.00 off the whole order.
    payload = {
        **woocommerce_order(2002),
        "prices_include_tax": True,
        "total": "35.97",
        "line_items": [line("SKU-0001", 3, "25.184874", "25.184874", "4.785126")],
        "tax_lines": [
            {"rate_id": 7, "label": "MwSt.", "tax_total": "4.79", "shipping_tax_total": "0.80", "rate_percent": 19}
        ],
        "shipping_lines": [
            {"method_title": "DHL", "total": "4.20", "total_tax": "0.80", "taxes": [{"id": 7, "total": "0.798"}]}
        ],
        "fee_lines": [
            {"name": "Gift wrapping", "total": "2.00", "total_tax": "0.00", "taxes": []},
            {"name": "Loyalty", "total": "-1.00", "total_tax": "0.00", "taxes": []},
        ],
        "coupon_lines": [],
    }

    order = mapped(payload)

    assert [(ln.quantity, ln.unit_price, ln.discount) for ln in order.lines] == [(D(3), D("9.990000"), D(0))]
    assert order.taxes_included
    assert order.taxes == (TaxLine(title="MwSt.", rate=D("0.19"), amount=D("5.59")),)
    assert [(charge.title, charge.amount) for charge in order.shipping] == [("DHL", D("5.00"))]
    assert order.fees == (Charge(title="Gift wrapping", amount=D("2.00")),)
    assert order.discounts == (Discount(title="Loyalty", amount=D("1.00")),)
    assert order.reconciles() and order.computed_total == D("35.970000")


def test_a_subtotal_that_does_not_divide_evenly_is_two_lines_a_cent_apart_with_the_discount_shared() -> None:
    payload = {
        **woocommerce_order(2003),
        "line_items": [line("SKU-0001", 3, "10.00", "9.00", "0.00")],
        "tax_lines": [],
        "shipping_lines": [],
        "total": "9.00",
    }

    order = mapped(payload)

    assert [(ln.quantity, ln.unit_price, ln.discount) for ln in order.lines] == [
        (D(2), D("3.33"), D("0.67")),
        (D(1), D("3.34"), D("0.33")),
    ]
    assert order.reconciles()


def test_the_sample_order_carries_shipping_and_vat_and_reconciles() -> None:
    order = mapped(woocommerce_order(2004))

    assert [(charge.title, charge.amount) for charge in order.shipping] == [("Flat rate", D("4.90"))]
    assert order.taxes == (TaxLine(title="MwSt.", rate=D("0.19"), amount=D("7.39")),)
    assert order.total == D("46.29")
    assert order.reconciles()
