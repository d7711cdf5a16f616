"""What a Shopify order charges: discount allocations, discount applications, shipping lines,
tax lines, ``taxes_included`` and ``total_price``, from payloads shaped as Shopify sends them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from events import Order, OrderCreated
from events.mapping import canonical_events
from events.order import Charge, Discount, TaxLine
from samples.payloads import shopify_order
from tests.events.mapping.envelopes import envelope

D = Decimal


def mapped(payload: dict[str, Any]) -> Order:
    (event,) = canonical_events(
        envelope(payload, provider="shopify", topic="order.created", source_topic="orders/create")
    )
    assert isinstance(event, OrderCreated)
    return event.order


def money(amount: str, currency: str) -> dict[str, Any]:
    return {"shop_money": {"amount": amount, "currency_code": currency}}


def allocation(amount: str, index: int, currency: str = "HKD") -> dict[str, Any]:
    return {"amount": amount, "amount_set": money(amount, currency), "discount_application_index": index}


def test_a_percentage_code_across_the_order_and_a_line_discount_come_off_the_lines_they_were_allocated_to() -> None:
    # An order as Shopify sent it (abbreviated): a 15 % manual discount across every line and a
    # 5.00 automatic discount on one line, both allocated to the lines; 22.00 shipping; no tax.
    payload = {
        "id": 6200407294252,
        "name": "#1071",
        "currency": "HKD",
        "email": "buyer@example.com",
        "subtotal_price": "164.90",
        "total_discounts": "34.10",
        "total_line_items_price": "199.00",
        "total_tax": "0.00",
        "taxes_included": False,
        "total_price": "186.90",
        "tax_lines": [],
        "discount_codes": [{"code": "0124D", "amount": "29.10", "type": "percentage"}],
        "discount_applications": [
            {
                "target_type": "line_item",
                "type": "manual",
                "value": "15.0",
                "value_type": "percentage",
                "allocation_method": "across",
                "target_selection": "all",
                "title": "0124D",
                "description": "0124D",
            },
            {
                "target_type": "line_item",
                "type": "automatic",
                "value": "5.0",
                "value_type": "fixed_amount",
                "allocation_method": "across",
                "target_selection": "entitled",
                "title": "Five off boards",
            },
        ],
        "line_items": [
            {
                "id": 15518907892012,
                "sku": "BOARD-11",
                "quantity": 1,
                "price": "99.00",
                "title": "Board 11",
                "total_discount": "0.00",
                "tax_lines": [],
                "discount_allocations": [allocation("14.10", 0), allocation("5.00", 1)],
            },
            {
                "id": 15518907924780,
                "sku": "BOARD-GREEN",
                "quantity": 1,
                "price": "100.00",
                "title": "Green Snowboard",
                "total_discount": "0.00",
                "tax_lines": [],
                "discount_allocations": [allocation("15.00", 0)],
            },
        ],
        "shipping_lines": [
            {
                "id": 4946484101420,
                "code": "custom",
                "title": "Tran",
                "price": "22.00",
                "discounted_price": "22.00",
                "tax_lines": [],
                "discount_allocations": [],
            }
        ],
    }

    order = mapped(payload)

    assert [(line.unit_price, line.discount) for line in order.lines] == [
        (D("99.00"), D("19.10")),
        (D("100.00"), D("15.00")),
    ]
    assert order.discounts == (
        Discount(title="0124D", amount=D("29.10"), allocated=True),
        Discount(title="Five off boards", amount=D("5.00"), allocated=True),
    )
    assert order.shipping == (Charge(title="Tran", amount=D("22.00")),)
    assert (order.taxes, order.taxes_included, order.total) == ((), False, D("186.90"))
    assert order.computed_total == D("186.90")
    assert order.reconciles()


def test_sales_tax_on_top_and_a_free_shipping_code_allocated_to_the_shipping_line() -> None:
    # 2 x 25.00 and 8.25 % sales tax on top; a FREESHIP code takes the 7.99 shipping off.
    tax = {"price": "4.13", "rate": 0.0825, "title": "CA State Tax"}
    payload = {
        "id": 820982911946154508,
        "currency": "USD",
        "customer": {"id": 115310627314723954, "first_name": "Jane"},
        "total_price": "54.13",
        "subtotal_price": "50.00",
        "total_tax": "4.13",
        "taxes_included": False,
        "tax_lines": [tax],
        "discount_applications": [
            {
                "target_type": "shipping_line",
                "type": "discount_code",
                "value": "100.0",
                "value_type": "percentage",
                "allocation_method": "each",
                "target_selection": "all",
                "code": "FREESHIP",
            }
        ],
        "line_items": [
            {
                "sku": "SKU-0001",
                "quantity": 2,
                "price": "25.00",
                "total_discount": "0.00",
                "tax_lines": [tax],
                "discount_allocations": [],
            }
        ],
        "shipping_lines": [
            {
                "title": "Standard",
                "price": "7.99",
                "discounted_price": "0.00",
                "tax_lines": [],
                "discount_allocations": [allocation("7.99", 0, "USD")],
            }
        ],
    }

    order = mapped(payload)

    assert order.lines[0].discount == D(0)
    assert order.discounts == (Discount(title="FREESHIP", code="FREESHIP", amount=D("7.99"), allocated=True),)
    assert order.shipping == (Charge(title="Standard", amount=D("0.00")),)
    assert order.taxes == (TaxLine(title="CA State Tax", rate=D("0.0825"), amount=D("4.13")),)
    assert not order.taxes_included
    assert order.reconciles() and order.computed_total == D("54.13")


def test_vat_included_in_the_prices_is_listed_and_not_added_again() -> None:
    # 120.00 with 20 % VAT in it, a WELCOME10 code for 12.00, 6.00 shipping with its 1.00 VAT.
    payload = {
        "id": 5,
        "currency": "GBP",
        "email": "jo@example.co.uk",
        "total_price": "114.00",
        "subtotal_price": "108.00",
        "total_tax": "19.00",
        "taxes_included": True,
        "tax_lines": [{"price": "19.00", "rate": 0.2, "title": "GB VAT"}],
        "discount_applications": [
            {"target_type": "line_item", "type": "discount_code", "code": "WELCOME10", "allocation_method": "across"}
        ],
        "line_items": [
            {
                "sku": "COAT-M",
                "quantity": 1,
                "price": "120.00",
                "tax_lines": [{"price": "18.00", "rate": 0.2, "title": "GB VAT"}],
                "discount_allocations": [allocation("12.00", 0, "GBP")],
            }
        ],
        "shipping_lines": [
            {
                "title": "Royal Mail",
                "price": "6.00",
                "tax_lines": [{"price": "1.00", "rate": 0.2, "title": "GB VAT"}],
                "discount_allocations": [],
            }
        ],
    }

    order = mapped(payload)

    assert order.taxes_included
    assert order.taxes == (TaxLine(title="GB VAT", rate=D("0.2"), amount=D("19.00")),)
    assert order.shipping == (
        Charge(title="Royal Mail", amount=D("6.00"), taxes=(TaxLine(title="GB VAT", rate=D("0.2"), amount=D("1.00")),)),
    )
    assert order.discounts == (Discount(title="WELCOME10", code="WELCOME10", amount=D("12.00"), allocated=True),)
    assert order.lines[0].discount == D("12.00")
    assert order.reconciles() and order.computed_total == D("114.00")


def test_a_payload_older_than_discount_allocations_takes_its_lines_total_discount() -> None:
    payload = {**shopify_order(9), "total_price": "32.00", "tax_lines": [], "total_tax": "0.00", "shipping_lines": []}
    for item in payload["line_items"]:
        del item["discount_allocations"]
    payload["line_items"][0]["total_discount"] = "2.00"

    order = mapped(payload)

    assert [line.discount for line in order.lines] == [D("2.00"), D("0.00")]
    assert order.reconciles() and order.computed_total == D("32.00")


def test_a_total_the_parts_do_not_add_up_to_is_told_apart() -> None:
    # Duties, tips or a rounding the mapping does not know of: the order says so, it is not hidden.
    order = mapped({**shopify_order(12), "total_price": "43.34"})

    assert order.computed_total == D("41.34")
    assert not order.reconciles()


def test_a_tax_given_only_as_total_tax_is_one_tax_line() -> None:
    payload = {**shopify_order(10), "tax_lines": [], "total_tax": "2.34"}

    order = mapped(payload)

    assert order.taxes == (TaxLine(title="Tax", amount=D("2.34")),)
    assert order.reconciles()


def test_the_sample_order_carries_shipping_and_tax_and_reconciles() -> None:
    order = mapped(shopify_order(11))

    assert order.shipping == (
        Charge(
            title="Standard", amount=D("5.00"), taxes=(TaxLine(title="State Tax", rate=D("0.06"), amount=D("0.30")),)
        ),
    )
    assert order.taxes == (TaxLine(title="State Tax", rate=D("0.06"), amount=D("2.34")),)
    assert order.total == D("41.34")
    assert order.reconciles()
