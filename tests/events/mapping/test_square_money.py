"""What a Square order charges, from the order fetched with RetrieveOrder: line items'
``total_discount_money``, order ``discounts``, ``taxes`` (additive or inclusive), service
charges and ``total_money``, all in minor units."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from events import Order, OrderCreated
from events.mapping import canonical_events
from events.order import Charge, Discount, TaxLine
from tests.events.mapping.envelopes import envelope

D = Decimal


def cents(amount: int, currency: str = "USD") -> dict[str, Any]:
    return {"amount": amount, "currency": currency}


def mapped(order: dict[str, Any]) -> Order:
    summary = {
        "type": "order.created",
        "data": {"object": {"order_created": {"order_id": order["id"], "state": "OPEN"}}},
    }
    event = envelope(summary, provider="square", topic="order.created", source_topic="order.created")
    (mapped_event,) = canonical_events(event, {"order": order})
    assert isinstance(mapped_event, OrderCreated)
    return mapped_event.order


def line(variation: str, quantity: str, price: int, discount: int, tax: int, currency: str = "USD") -> dict[str, Any]:
    gross = price * int(quantity)
    return {
        "uid": f"uid-{variation}",
        "catalog_object_id": variation,
        "quantity": quantity,
        "base_price_money": cents(price, currency),
        "gross_sales_money": cents(gross, currency),
        "total_discount_money": cents(discount, currency),
        "total_tax_money": cents(tax, currency),
        "total_money": cents(gross - discount + tax, currency),
    }


def test_an_order_discount_spread_over_the_lines_sales_tax_on_top_and_a_shipping_charge() -> None:
    # 10 % off the whole order (Square apportions it to the lines), 9 % state tax added, and the
    # 5.00 shipping Square Online adds as a service charge.
    order = {
        "id": "O-7",
        "location_id": "L1",
        "state": "OPEN",
        "line_items": [
            {
                **line("VAR-1", "2", 1500, 300, 243),
                "applied_taxes": [{"uid": "t1", "tax_uid": "state-tax", "applied_money": cents(243)}],
                "applied_discounts": [{"uid": "d1", "discount_uid": "ten-off", "applied_money": cents(300)}],
            },
            {
                **line("VAR-2", "1", 1000, 100, 81),
                "applied_taxes": [{"uid": "t2", "tax_uid": "state-tax", "applied_money": cents(81)}],
                "applied_discounts": [{"uid": "d2", "discount_uid": "ten-off", "applied_money": cents(100)}],
            },
        ],
        "discounts": [
            {
                "uid": "ten-off",
                "name": "10% off",
                "percentage": "10",
                "type": "FIXED_PERCENTAGE",
                "applied_money": cents(400),
                "scope": "ORDER",
            }
        ],
        "taxes": [
            {
                "uid": "state-tax",
                "name": "State Sales Tax",
                "percentage": "9",
                "type": "ADDITIVE",
                "applied_money": cents(324),
                "scope": "ORDER",
            }
        ],
        "service_charges": [
            {
                "uid": "ship",
                "name": "Shipping",
                "amount_money": cents(500),
                "applied_money": cents(500),
                "calculation_phase": "TOTAL_PHASE",
                "taxable": False,
                "total_money": cents(500),
                "total_tax_money": cents(0),
            }
        ],
        "total_money": cents(4424),
        "total_tax_money": cents(324),
        "total_discount_money": cents(400),
        "total_service_charge_money": cents(500),
    }

    mapped_order = mapped(order)

    assert [(item.unit_price, item.discount) for item in mapped_order.lines] == [
        (D("15.00"), D("3.00")),
        (D("10.00"), D("1.00")),
    ]
    assert mapped_order.discounts == (Discount(title="10% off", amount=D("4.00"), allocated=True),)
    assert mapped_order.taxes == (TaxLine(title="State Sales Tax", rate=D("0.09"), amount=D("3.24")),)
    assert mapped_order.shipping == (Charge(title="Shipping", amount=D("5.00")),)
    assert (mapped_order.fees, mapped_order.taxes_included, mapped_order.total) == ((), False, D("44.24"))
    assert mapped_order.reconciles() and mapped_order.computed_total == D("44.24")


def test_vat_included_in_the_prices_and_a_taxed_service_charge_that_is_a_fee() -> None:
    vat = {"uid": "vat", "name": "VAT", "percentage": "20", "type": "INCLUSIVE", "applied_money": cents(250, "GBP")}
    order = {
        "id": "O-8",
        "line_items": [{**line("VAR-3", "1", 1200, 0, 200, "GBP"), "total_money": cents(1200, "GBP")}],
        "taxes": [vat],
        "service_charges": [
            {
                "uid": "wrap",
                "name": "Gift wrapping",
                "amount_money": cents(300, "GBP"),
                "applied_money": cents(300, "GBP"),
                "taxable": True,
                "applied_taxes": [{"uid": "a", "tax_uid": "vat", "applied_money": cents(50, "GBP")}],
                "total_money": cents(300, "GBP"),
                "total_tax_money": cents(50, "GBP"),
            }
        ],
        "total_money": cents(1500, "GBP"),
        "total_tax_money": cents(250, "GBP"),
    }

    mapped_order = mapped(order)

    assert mapped_order.taxes_included
    assert mapped_order.taxes == (TaxLine(title="VAT", rate=D("0.2"), amount=D("2.50")),)
    assert mapped_order.shipping == ()
    assert mapped_order.fees == (
        Charge(title="Gift wrapping", amount=D("3.00"), taxes=(TaxLine(title="VAT", rate=D("0.2"), amount=D("0.50")),)),
    )
    assert mapped_order.reconciles() and mapped_order.computed_total == D("15.00")


def test_an_order_without_money_fields_maps_as_before_with_nothing_to_disagree_with() -> None:
    order = {"id": "O-9", "line_items": [{"quantity": "1", "catalog_object_id": "V", "base_price_money": cents(100)}]}

    mapped_order = mapped(order)

    assert (mapped_order.total, mapped_order.lines[0].discount, mapped_order.taxes) == (None, D(0), ())
    assert mapped_order.reconciles()
