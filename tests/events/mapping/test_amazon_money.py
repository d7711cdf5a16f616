"""What an Amazon order charges, from getOrder's order and getOrderItems' items: item tax,
promotion discounts, shipping and its discounts and tax, gift wrapping, and ``OrderTotal``;
prices exclude tax in the Americas' marketplaces and include it elsewhere."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from events import Order, OrderUpdated
from events.mapping import canonical_events
from events.order import Charge, TaxLine
from samples.payloads import amazon_order_change, sp_api_order, sp_api_order_item
from tests.events.mapping.envelopes import envelope

D = Decimal

UK = "A1F83G8C2ARO7P"


def mapped(order: dict[str, Any], *items: dict[str, Any]) -> Order:
    notification = envelope(
        amazon_order_change(order["AmazonOrderId"]),
        provider="amazon",
        topic="order.updated",
        source_topic="ORDER_CHANGE",
    )
    (event,) = canonical_events(notification, {"order": order, "items": list(items)})
    assert isinstance(event, OrderUpdated)
    return event.order


def test_a_us_order_has_its_promotion_off_the_line_and_sales_tax_and_shipping_on_top() -> None:
    # 2 x 20.00 less a 4.00 promotion (and the 0.33 tax it saves), 8.25 % tax, 5.99 shipping.
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
    order = sp_api_order(
        "903-20", OrderTotal={"CurrencyCode": "USD", "Amount": "61.20"}, ShipmentServiceLevelCategory="Standard"
    )

    mapped_order = mapped(order, *items)

    assert [(line.sku, line.unit_price, line.discount) for line in mapped_order.lines] == [
        ("SKU-0001", D("20.00"), D("4.00")),
        ("SKU-0002", D("15.00"), D(0)),
    ]
    assert mapped_order.shipping == (Charge(title="Standard", amount=D("5.99")),)
    assert mapped_order.taxes == (TaxLine(title="Tax", amount=D("4.21")),)
    assert (mapped_order.taxes_included, mapped_order.total) == (False, D("61.20"))
    assert mapped_order.reconciles() and mapped_order.computed_total == D("61.20")


def test_a_uk_order_includes_vat_in_its_prices_and_free_shipping_charges_nothing() -> None:
    item = sp_api_order_item(
        "SKU-0001",
        1,
        "24.00",
        currency="GBP",
        ItemTax="4.00",
        ShippingPrice="3.60",
        ShippingTax="0.60",
        ShippingDiscount="3.60",
        ShippingDiscountTax="0.60",
        GiftWrapPrice="2.40",
        GiftWrapTax="0.40",
    )
    order = sp_api_order("203-21", MarketplaceId=UK, OrderTotal={"CurrencyCode": "GBP", "Amount": "26.40"})

    mapped_order = mapped(order, item)

    assert mapped_order.taxes_included
    assert mapped_order.shipping == ()
    assert mapped_order.fees == (
        Charge(title="Gift wrapping", amount=D("2.40"), taxes=(TaxLine(title="Tax", amount=D("0.40")),)),
    )
    assert mapped_order.taxes == (TaxLine(title="Tax", amount=D("4.40")),)
    assert mapped_order.reconciles() and mapped_order.computed_total == D("26.40")


def test_a_promotion_on_a_line_spread_over_two_prices_is_shared_between_them() -> None:
    item = sp_api_order_item("SKU-0001", 3, "25.99", PromotionDiscount="3.00")
    order = sp_api_order("903-22", OrderTotal={"CurrencyCode": "USD", "Amount": "22.99"})

    mapped_order = mapped(order, item)

    assert [(line.quantity, line.unit_price, line.discount) for line in mapped_order.lines] == [
        (D(2), D("8.66"), D("2.00")),
        (D(1), D("8.67"), D("1.00")),
    ]
    assert mapped_order.reconciles()


def test_an_order_without_its_total_has_nothing_to_disagree_with() -> None:
    mapped_order = mapped(sp_api_order("903-23"), sp_api_order_item("SKU-0001", 1, "5.00"))

    assert (mapped_order.total, mapped_order.shipping, mapped_order.taxes) == (None, (), ())
    assert mapped_order.reconciles()
