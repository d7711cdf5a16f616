"""Shopify payloads as canonical events, and clear reasons when they are not."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from events import (
    CustomerUpdated,
    FulfillmentCreated,
    InventoryUpdated,
    OrderCancelled,
    OrderCreated,
    OrderUpdated,
    PayloadError,
    RefundCreated,
)
from events.mapping import ShopifyResource, canonical_events, thin_resource
from samples.payloads import shopify_order
from tests.events.mapping.envelopes import VERSION, envelope


def mapped(payload: object, topic: str = "order.created", source_topic: str = "orders/create") -> Any:
    (event,) = canonical_events(envelope(payload, provider="shopify", topic=topic, source_topic=source_topic))
    return event


def test_an_order_maps_with_exact_ids_money_and_its_source_version() -> None:
    event = mapped(shopify_order(820982911946154508, customer_id=115310627314723954))

    assert isinstance(event, OrderCreated)
    assert event.source_version == VERSION
    order = event.order
    assert (order.id, order.currency, order.number) == ("820982911946154508", "USD", "#54508")
    assert order.customer.id == "115310627314723954"
    assert [(line.sku, line.quantity, line.unit_price) for line in order.lines] == [
        ("SKU-0001", Decimal(2), Decimal("11.00")),
        ("SKU-0002", Decimal(1), Decimal("12.00")),
    ]
    assert order.lines_total == Decimal("34.00")
    assert order.shipping_address is not None and order.shipping_address.city == "Springfield"


def test_a_price_sent_as_a_json_number_stays_exact() -> None:
    payload = (
        '{"id": 1, "currency": "USD", "customer": {"id": 2}, "line_items": [{"sku": "A", "quantity": 3, "price": 0.1}]}'
    )

    order = mapped(payload).order

    assert order.lines[0].unit_price == Decimal("0.1")
    assert order.lines_total == Decimal("0.3")


def test_a_guest_checkout_is_identified_by_its_email() -> None:
    payload = shopify_order(5)
    del payload["customer"]

    assert mapped(payload).order.customer.id == "guest:jane@example.com"


def test_an_update_carries_the_whole_order() -> None:
    payload = {**shopify_order(7), "note": "gift wrap"}

    event = mapped(payload, "order.updated", "orders/updated")

    assert isinstance(event, OrderUpdated)
    assert event.order.id == "7"


def test_an_update_of_a_cancelled_order_is_a_cancellation_carrying_the_order() -> None:
    payload = {**shopify_order(8), "cancelled_at": "2026-11-23T11:00:00-05:00", "cancel_reason": "customer"}

    event = mapped(payload, "order.updated", "orders/updated")

    assert isinstance(event, OrderCancelled)
    assert (event.cancellation.order_id, event.cancellation.reason) == ("8", "customer")
    assert event.cancellation.order is not None


def test_a_refund_names_its_order_lines_and_the_money_given_back() -> None:
    payload = {
        "id": 890088186047892319,
        "order_id": 820982911946154508,
        "note": "damaged",
        "refund_line_items": [
            {"quantity": 1, "line_item_id": 1, "subtotal": 11.0, "line_item": {"sku": "SKU-0001", "price": "11.00"}}
        ],
        "transactions": [
            {"kind": "refund", "status": "success", "amount": "11.00", "currency": "USD"},
            {"kind": "refund", "status": "failure", "amount": "99.00", "currency": "USD"},
        ],
    }

    event = mapped(payload, "refund.created", "refunds/create")

    assert isinstance(event, RefundCreated)
    refund = event.refund
    assert (refund.order_id, refund.refund_id, refund.reason) == ("820982911946154508", "890088186047892319", "damaged")
    assert (refund.amount, refund.currency) == (Decimal("11.00"), "USD")
    assert [(line.sku, line.quantity, line.amount) for line in refund.lines] == [
        ("SKU-0001", Decimal(1), Decimal("11.0"))
    ]


@pytest.mark.parametrize(
    "shipping",
    [
        # API 2024-10 on: the refund's shipping lines, in the currency the customer paid in
        {"refund_shipping_lines": [{"id": 1, "subtotal_amount_set": {
            "shop_money": {"amount": "4.60", "currency_code": "USD"},
            "presentment_money": {"amount": "5.00", "currency_code": "EUR"}}}]},
        # Before it: an order adjustment of kind shipping_refund, at a negative amount
        {"order_adjustments": [
            {"id": 2, "kind": "shipping_refund", "amount": "-5.00", "tax_amount": "-0.30"},
            {"id": 3, "kind": "refund_discrepancy", "amount": "-1.00", "tax_amount": "0.00"}]},
    ],
    ids=["refund_shipping_lines", "order_adjustments"],
)  # fmt: skip
def test_a_refund_of_shipping_says_how_much_of_it_was_shipping(shipping: dict[str, object]) -> None:
    payload = {
        "id": 9,
        "order_id": 8,
        "refund_line_items": [],
        "transactions": [{"kind": "refund", "status": "success", "amount": "5.30", "currency": "EUR"}],
        **shipping,
    }

    event = mapped(payload, "refund.created", "refunds/create")

    assert isinstance(event, RefundCreated)
    assert (event.refund.amount, event.refund.shipping) == (Decimal("5.30"), Decimal("5.00"))


def test_a_refund_naming_no_shipping_says_none() -> None:
    payload = {"id": 9, "order_id": 8, "transactions": [{"kind": "refund", "amount": "1.00", "currency": "USD"}]}

    event = mapped(payload, "refund.created", "refunds/create")

    assert isinstance(event, RefundCreated) and event.refund.shipping is None


def test_a_fulfillment_names_what_shipped() -> None:
    payload = {
        "id": 255858046,
        "order_id": 450789469,
        "status": "success",
        "tracking_company": "UPS",
        "tracking_number": "1Z2345",
        "line_items": [{"sku": "SKU-0001", "quantity": 2}],
    }

    event = mapped(payload, "fulfillment.created", "fulfillments/create")

    assert isinstance(event, FulfillmentCreated)
    fulfillment = event.fulfillment
    assert (fulfillment.order_id, fulfillment.fulfillment_id, fulfillment.tracking_number) == (
        "450789469",
        "255858046",
        "1Z2345",
    )
    assert [(line.sku, line.quantity) for line in fulfillment.lines] == [("SKU-0001", Decimal(2))]


def test_a_cancelled_fulfillment_fails_permanently_since_nothing_shipped() -> None:
    payload = {"id": 1, "order_id": 2, "status": "cancelled", "line_items": []}

    with pytest.raises(PayloadError, match="nothing shipped"):
        mapped(payload, "fulfillment.updated", "fulfillments/update")


def test_a_customer_maps() -> None:
    event = mapped(
        {"id": 7, "first_name": "Ada", "last_name": "L", "email": "a@x"}, "customer.updated", "customers/update"
    )

    assert isinstance(event, CustomerUpdated)
    assert (event.customer.id, event.customer.name, event.customer.email) == ("7", "Ada L", "a@x")


def test_a_product_reports_the_stock_of_each_variant_with_a_sku() -> None:
    payload = {
        "id": 632910392,
        "variants": [
            {"sku": "SKU-0001", "inventory_item_id": 1, "inventory_quantity": 10},
            {"sku": "SKU-0002", "inventory_item_id": 2, "inventory_quantity": -1},
            {"sku": "", "inventory_item_id": 3, "inventory_quantity": 5},
        ],
    }

    event = mapped(payload, "product.updated", "products/update")

    assert isinstance(event, InventoryUpdated)
    assert [(level.sku, level.available) for level in event.levels] == [
        ("SKU-0001", Decimal(10)),
        ("SKU-0002", Decimal(-1)),
    ]


LEVEL = {
    "inventory_item_id": 271878346596884015,
    "location_id": 24826418,
    "available": 42,
    "updated_at": "2026-11-23T09:15:00-05:00",
}


def looked_up(payload: object, topic: str, source_topic: str, resource: dict[str, Any] | None) -> Any:
    event = envelope(payload, provider="shopify", topic=topic, source_topic=source_topic)
    return canonical_events(event, resource)


def test_an_inventory_level_names_its_item_to_look_up() -> None:
    event = envelope(LEVEL, provider="shopify", topic="inventory.updated", source_topic="inventory_levels/update")

    assert thin_resource(event) == ShopifyResource("inventory_item", "271878346596884015")


def test_an_inventory_level_sets_the_stock_of_its_item_s_sku_at_its_location() -> None:
    found = {"inventory_item": {"id": 271878346596884015, "sku": "SKU-0001", "tracked": True}}

    (event,) = looked_up(LEVEL, "inventory.updated", "inventory_levels/update", found)

    assert isinstance(event, InventoryUpdated)
    assert [(level.sku, level.available, level.location) for level in event.levels] == [
        ("SKU-0001", Decimal(42), "24826418")
    ]


def test_an_inventory_level_without_a_figure_looks_nothing_up_and_sets_nothing() -> None:
    # Shopify's own test notification sends "available": null.
    payload = {**LEVEL, "available": None}
    event = envelope(payload, provider="shopify", topic="inventory.updated", source_topic="inventory_levels/update")

    assert thin_resource(event) is None
    assert canonical_events(event) == ()


@pytest.mark.parametrize(
    ("found", "reason"),
    [
        (None, "inventory item 271878346596884015, not a SKU, and the item was not looked up"),
        ({"inventory_item": {"id": 271878346596884015, "sku": None}}, "has no SKU"),
        ({}, "inventory_item is missing"),
    ],
    ids=["not-looked-up", "no-sku", "no-item"],
)
def test_an_inventory_level_whose_sku_is_not_known_fails_permanently_with_its_reason(
    found: dict[str, Any] | None, reason: str
) -> None:
    with pytest.raises(PayloadError, match=reason) as caught:
        looked_up(LEVEL, "inventory.updated", "inventory_levels/update", found)

    assert caught.value.permanent


BARE_REFUND = {
    "id": 890088186047892319,
    "order_id": 820982911946154508,
    "refund_line_items": [
        {"id": 1, "line_item_id": 866550311766439020, "quantity": 2, "subtotal": 22.0},
        {"id": 2, "line_item_id": 866550311766439021, "quantity": 1, "subtotal": 12.0},
    ],
    "transactions": [{"kind": "refund", "status": "success", "amount": "34.00", "currency": "USD"}],
}
ORDER_LINES = {
    "order": {
        "id": 820982911946154508,
        "line_items": [{"id": 866550311766439020, "sku": "SKU-0001"}, {"id": 866550311766439021, "sku": "SKU-0002"}],
    }
}


def test_a_refund_whose_lines_name_only_line_item_ids_names_its_order_to_look_up() -> None:
    event = envelope(BARE_REFUND, provider="shopify", topic="refund.created", source_topic="refunds/create")

    assert thin_resource(event) == ShopifyResource(
        "order", "820982911946154508", ("866550311766439020", "866550311766439021")
    )


def test_a_refund_line_with_neither_a_sku_nor_a_line_item_id_fails_permanently_saying_so() -> None:
    payload = {**BARE_REFUND, "refund_line_items": [{"id": 1, "quantity": 1}]}
    event = envelope(payload, provider="shopify", topic="refund.created", source_topic="refunds/create")

    with pytest.raises(PayloadError, match=r"refund_line_items\[0\].line_item_id is missing"):
        thin_resource(event)


def test_a_refund_whose_lines_carry_their_skus_looks_nothing_up() -> None:
    payload = {
        **BARE_REFUND,
        "refund_line_items": [{"line_item_id": 5, "quantity": 1, "line_item": {"id": 5, "sku": "SKU-0001"}}],
    }
    event = envelope(payload, provider="shopify", topic="refund.created", source_topic="refunds/create")

    assert thin_resource(event) is None


def test_a_refund_s_line_item_ids_become_the_skus_of_the_order_s_lines() -> None:
    (event,) = looked_up(BARE_REFUND, "refund.created", "refunds/create", ORDER_LINES)

    assert isinstance(event, RefundCreated)
    assert [(line.sku, line.quantity, line.amount) for line in event.refund.lines] == [
        ("SKU-0001", Decimal(2), Decimal("22.00")),
        ("SKU-0002", Decimal(1), Decimal("12.00")),
    ]
    assert (event.refund.order_id, event.refund.amount) == ("820982911946154508", Decimal("34.00"))


@pytest.mark.parametrize(
    ("order", "reason"),
    [
        (None, "line item 866550311766439020 without its SKU, and order 820982911946154508's line items were not"),
        (
            {"order": {"id": 1, "line_items": []}},
            "line item 866550311766439020, which order 820982911946154508 does not",
        ),
        (
            {"order": {"id": 1, "line_items": [{"id": 866550311766439020, "sku": None}, {"id": 866550311766439021}]}},
            "line item 866550311766439020 of order 820982911946154508 has no SKU",
        ),
    ],
    ids=["not-looked-up", "not-a-line-of-the-order", "line-without-a-sku"],
)
def test_a_refund_line_whose_sku_cannot_be_found_fails_permanently_with_its_reason(
    order: dict[str, Any] | None, reason: str
) -> None:
    with pytest.raises(PayloadError, match=reason) as caught:
        looked_up(BARE_REFUND, "refund.created", "refunds/create", order)

    assert caught.value.permanent


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda p: p["line_items"][0].pop("sku"), r"line_items\[0\].sku"),
        (lambda p: p["line_items"][1].update(quantity=0), "quantity"),
        (lambda p: p["line_items"][0].update(price="free"), r"line_items\[0\].price"),
        (lambda p: p.pop("currency"), "currency"),
        (lambda p: p.update(line_items=[]), "line_items"),
        (lambda p: p.update(line_items="none"), "line_items"),
        (lambda p: p["line_items"][0].update(quantity=[1]), r"line_items\[0\].quantity"),
    ],
    ids=["no-sku", "zero-quantity", "bad-price", "no-currency", "no-lines", "lines-not-a-list", "quantity-a-list"],
)
def test_a_payload_that_is_not_an_order_fails_permanently_with_its_reason(change, reason: str) -> None:  # type: ignore[no-untyped-def]
    payload = shopify_order(6)
    change(payload)

    with pytest.raises(PayloadError, match=reason) as failure:
        mapped(payload)
    assert failure.value.permanent
