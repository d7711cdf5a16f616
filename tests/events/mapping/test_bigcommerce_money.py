"""What a BigCommerce order charges, from the fetched v2 order and its products: applied
discounts, coupon and order discounts, shipping, handling, wrapping and fees excluding tax,
``total_tax`` and ``total_inc_tax``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from events import Order, OrderCreated
from events.mapping import canonical_events
from events.order import Charge, Discount, TaxLine
from tests.events.mapping.envelopes import envelope

D = Decimal

ORDER = {
    "id": 251,
    "customer_id": 32,
    "status_id": 11,
    "currency_code": "USD",
    "billing_address": {"first_name": "Jane", "last_name": "Doe", "email": "j@x"},
    "subtotal_ex_tax": "80.0000",
    "subtotal_inc_tax": "88.0000",
    "subtotal_tax": "8.0000",
    "base_shipping_cost": "9.0000",
    "shipping_cost_ex_tax": "9.0000",
    "shipping_cost_inc_tax": "9.9000",
    "shipping_cost_tax": "0.9000",
    "base_handling_cost": "2.0000",
    "handling_cost_ex_tax": "2.0000",
    "handling_cost_inc_tax": "2.2000",
    "handling_cost_tax": "0.2000",
    "wrapping_cost_ex_tax": "0.0000",
    "wrapping_cost_inc_tax": "0.0000",
    "wrapping_cost_tax": "0.0000",
    "total_ex_tax": "81.0000",
    "total_inc_tax": "89.1000",
    "total_tax": "8.1000",
    "coupon_discount": "8.0000",
    "discount_amount": "2.0000",
}
COUPON = {"id": "total-coupon", "name": "SAVE10", "code": "SAVE10", "target": "order"}
PRODUCTS = [
    {
        "id": 7,
        "sku": "SKU-0001",
        "name": "One",
        "quantity": 2,
        "base_price": "25.0000",
        "price_ex_tax": "25.0000",
        "price_inc_tax": "27.5000",
        "applied_discounts": [{**COUPON, "amount": "5.0000"}],
    },
    {
        "id": 8,
        "sku": "SKU-0002",
        "name": "Two",
        "quantity": 1,
        "base_price": "30.0000",
        "price_ex_tax": "30.0000",
        "price_inc_tax": "33.0000",
        "applied_discounts": [
            {**COUPON, "amount": "3.0000"},
            {"id": 12, "name": "Spring sale", "code": None, "target": "product", "amount": "2.0000"},
        ],
    },
]


def mapped(order: dict[str, Any], products: list[dict[str, Any]]) -> Order:
    thin = {"scope": "store/order/created", "data": {"type": "order", "id": 251}, "created_at": 1795425300}
    resource = {"order": order, "products": products, "shipping_addresses": [{"shipping_method": "UPS Ground"}]}
    (event,) = canonical_events(envelope(thin, provider="bigcommerce", topic="order.created"), resource)
    assert isinstance(event, OrderCreated)
    return event.order


def test_a_coupon_and_a_promotion_shipping_handling_and_tax_add_up_to_the_total_including_tax() -> None:
    order = mapped(ORDER, PRODUCTS)

    assert [(line.sku, line.unit_price, line.discount) for line in order.lines] == [
        ("SKU-0001", D("25.0000"), D("5.0000")),
        ("SKU-0002", D("30.0000"), D("5.0000")),
    ]
    assert order.discounts == (
        Discount(title="SAVE10", code="SAVE10", amount=D("8.0000"), allocated=True),
        Discount(title="Spring sale", amount=D("2.0000"), allocated=True),
    )
    tax = TaxLine(title="Tax", amount=D("0.9000"))
    assert order.shipping == (Charge(title="UPS Ground", amount=D("9.0000"), taxes=(tax,)),)
    assert order.fees == (
        Charge(title="Handling", amount=D("2.0000"), taxes=(TaxLine(title="Tax", amount=D("0.2000")),)),
    )
    assert (order.taxes, order.taxes_included) == ((TaxLine(title="Tax", amount=D("8.1000")),), False)
    assert order.total == D("89.1000")
    assert order.reconciles() and order.computed_total == D("89.1000")


def test_a_discount_beyond_the_products_applied_discounts_comes_off_the_whole_order() -> None:
    # A 1.00 discount added by hand in the control panel reaches no product.
    order = {**ORDER, "discount_amount": "3.0000", "total_ex_tax": "80.0000", "total_tax": "8.0000"}
    order |= {"total_inc_tax": "88.0000"}

    mapped_order = mapped(order, PRODUCTS)

    assert mapped_order.discounts[-1] == Discount(title="Order discount", amount=D("1.0000"))
    assert mapped_order.reconciles() and mapped_order.computed_total == D("88.0000")


def test_a_store_entering_prices_with_tax_still_prices_lines_excluding_it() -> None:
    products = [{**product, "base_price": product["price_inc_tax"]} for product in PRODUCTS]

    order = mapped(ORDER, products)

    assert [line.unit_price for line in order.lines] == [D("25.0000"), D("30.0000")]
    assert order.reconciles()
