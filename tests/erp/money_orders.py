"""Orders with discounts, shipping and tax, mapped from each provider's payload shape (those of
tests/events/mapping), then given a fresh id and the demo catalogue's SKUs so an ERP can take them."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal

from events.order import Order
from samples.payloads import sp_api_order, sp_api_order_item, woocommerce_order
from tests.events.mapping import test_amazon_money as amazon
from tests.events.mapping import test_bigcommerce_money as bigcommerce
from tests.events.mapping import test_shopify_money as shopify
from tests.events.mapping import test_square_money as square
from tests.events.mapping import test_woocommerce_money as woocommerce

__all__ = ["PROVIDER_ORDERS", "for_the_erp"]


def for_the_erp(order: Order, *, currency: str = "USD") -> Order:
    """``order`` under a fresh id and customer, selling SKU-0001, SKU-0002... in ``currency``."""
    lines = tuple(line.model_copy(update={"sku": f"SKU-{n:04d}"}) for n, line in enumerate(order.lines, start=1))
    unique = uuid.uuid4().hex[:12]
    customer = order.customer.model_copy(update={"id": f"cust-{unique}"})
    return order.model_copy(
        update={"id": f"order-{unique}", "lines": lines, "customer": customer, "currency": currency}
    )


def shopify_order() -> Order:
    """2 x 25.00 with a 5.00 line discount, FREESHIP taking the 7.99 shipping off, 8.25 % tax on top."""
    tax = {"price": "3.71", "rate": 0.0825, "title": "CA State Tax"}
    return shopify.mapped(
        {
            "id": 820982911946154508,
            "name": "#1072",
            "currency": "USD",
            "customer": {"id": 115310627314723954, "first_name": "Jane"},
            "total_price": "48.71",
            "subtotal_price": "45.00",
            "total_tax": "3.71",
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
                },
                {
                    "target_type": "line_item",
                    "type": "automatic",
                    "value": "5.0",
                    "value_type": "fixed_amount",
                    "allocation_method": "across",
                    "target_selection": "entitled",
                    "title": "Spring",
                },
            ],
            "line_items": [
                {
                    "sku": "SKU-0001",
                    "quantity": 2,
                    "price": "25.00",
                    "total_discount": "0.00",
                    "tax_lines": [tax],
                    "discount_allocations": [shopify.allocation("5.00", 1, "USD")],
                }
            ],
            "shipping_lines": [
                {
                    "title": "Standard",
                    "price": "7.99",
                    "discounted_price": "0.00",
                    "tax_lines": [],
                    "discount_allocations": [shopify.allocation("7.99", 0, "USD")],
                }
            ],
        }
    )


def woocommerce_order_with_money() -> Order:
    """A 10 % coupon over two lines, 8.25 % tax on the goods and on 5.00 shipping."""
    line = woocommerce.line
    return woocommerce.mapped(
        {
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
            "line_items": [
                line("SKU-0001", 2, "40.00", "36.00", "2.97"),
                line("SKU-0002", 1, "15.00", "13.50", "1.11375"),
            ],
            "tax_lines": [
                {"id": 3, "label": "State Tax", "compound": False, "tax_total": "4.08", "shipping_tax_total": "0.41"}
            ],
            "shipping_lines": [
                {"id": 4, "method_title": "Flat rate", "total": "5.00", "total_tax": "0.41", "taxes": []}
            ],
            "coupon_lines": [{"id": 5, "code": "save10", "discount": "5.50", "discount_tax": "0.45"}],
        }
    )


def bigcommerce_order() -> Order:
    """A coupon and a promotion off the products, shipping and handling with their tax."""
    return bigcommerce.mapped(bigcommerce.ORDER, bigcommerce.PRODUCTS)


def square_order() -> Order:
    """10 % off the order spread over the lines, 9 % tax added, 5.00 shipping as a service charge."""
    cents, line = square.cents, square.line
    return square.mapped(
        {
            "id": "O-7",
            "location_id": "L1",
            "state": "OPEN",
            "line_items": [
                {
                    **line("VAR-1", "2", 1500, 300, 243),
                    "applied_discounts": [{"uid": "d1", "discount_uid": "ten-off", "applied_money": cents(300)}],
                },
                {
                    **line("VAR-2", "1", 1000, 100, 81),
                    "applied_discounts": [{"uid": "d2", "discount_uid": "ten-off", "applied_money": cents(100)}],
                },
            ],
            "discounts": [
                {"uid": "ten-off", "name": "10% off", "applied_money": cents(400), "scope": "ORDER"},
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
                {"uid": "ship", "name": "Shipping", "applied_money": cents(500), "total_money": cents(500)}
            ],
            "total_money": cents(4424),
            "total_tax_money": cents(324),
        }
    )


def amazon_order() -> Order:
    """2 x 20.00 less a 4.00 promotion, 8.25 % tax, 5.99 shipping."""
    items = (
        sp_api_order_item(
            "SKU-0001",
            2,
            "40.00",
            ItemTax="3.30",
            PromotionDiscount="4.00",
            PromotionDiscountTax="0.33",
            ShippingPrice="5.99",
            ShippingTax="0.00",
        ),
        sp_api_order_item("SKU-0002", 1, "15.00", ItemTax="1.24", ShippingPrice="0.00"),
    )
    order = sp_api_order("903-20", OrderTotal={"CurrencyCode": "USD", "Amount": "61.20"})
    return amazon.mapped(order, *items)


#: Each provider's order with discounts, shipping and tax, and the total its channel gives.
PROVIDER_ORDERS: dict[str, tuple[Callable[[], Order], Decimal]] = {
    "shopify": (shopify_order, Decimal("48.71")),
    "woocommerce": (woocommerce_order_with_money, Decimal("58.99")),
    "bigcommerce": (bigcommerce_order, Decimal("89.10")),
    "square": (square_order, Decimal("44.24")),
    "amazon": (amazon_order, Decimal("61.20")),
}
