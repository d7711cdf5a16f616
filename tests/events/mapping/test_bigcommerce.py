"""BigCommerce's thin payloads: what they name, and the canonical events of what was fetched."""

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
    PayloadError,
    RefundCreated,
)
from events.mapping import BigCommerceResource, canonical_events, thin_resource
from tests.events.mapping.envelopes import envelope

ORDER = {
    "id": 250,
    "customer_id": 32,
    "status_id": 11,
    "currency_code": "USD",
    "date_created": "Tue, 20 Nov 2012 00:00:00 +0000",
    "billing_address": {
        "first_name": "Jane",
        "last_name": "Doe",
        "city": "Austin",
        "country_iso2": "US",
        "email": "j@x",
    },
}
PRODUCTS = [
    {"id": 7, "sku": "SKU-0001", "quantity": 2, "base_price": "11.0000", "name": "One"},
    {"id": 8, "sku": "SKU-0002", "quantity": 1, "base_price": "12.0000", "name": "Two"},
]


def thin(scope: str, topic: str, data: dict[str, Any]) -> Any:
    return envelope({"scope": scope, "data": data, "created_at": 1795425300}, provider="bigcommerce", topic=topic)


@pytest.mark.parametrize(
    ("topic", "data", "resource"),
    [
        ("order.created", {"type": "order", "id": 250}, BigCommerceResource("order", "250")),
        (
            "refund.created",
            {"type": "order", "id": 250, "refund": {"refund_id": 3}},
            BigCommerceResource("refund", "3", "250"),
        ),
        (
            "fulfillment.created",
            {"type": "shipment", "id": 12, "orderId": 250},
            BigCommerceResource("shipment", "12", "250"),
        ),
        ("customer.updated", {"type": "customer", "id": 32}, BigCommerceResource("customer", "32")),
        (
            "inventory.updated",
            {"type": "product", "id": 167, "inventory": {"product_id": 167}},
            BigCommerceResource("product", "167"),
        ),
        (
            "inventory.updated",
            {"type": "sku", "id": 461, "inventory": {"product_id": 167, "variant_id": 509}},
            BigCommerceResource("variant", "509", product_id="167"),
        ),
    ],
)
def test_a_thin_payload_names_the_resource_to_fetch(
    topic: str, data: dict[str, Any], resource: BigCommerceResource
) -> None:
    assert thin_resource(thin("store/x", topic, data)) == resource


def test_an_order_maps_from_the_fetched_order_and_its_products() -> None:
    event = thin("store/order/created", "order.created", {"type": "order", "id": 250})

    (mapped,) = canonical_events(event, {"order": ORDER, "products": PRODUCTS, "shipping_addresses": []})

    assert isinstance(mapped, OrderCreated)
    order = mapped.order
    assert (order.id, order.currency, order.customer.id, order.customer.name) == ("250", "USD", "32", "Jane Doe")
    assert [(line.sku, line.quantity, line.unit_price) for line in order.lines] == [
        ("SKU-0001", Decimal(2), Decimal("11.0000")),
        ("SKU-0002", Decimal(1), Decimal("12.0000")),
    ]
    assert order.placed_at is not None and order.placed_at.year == 2012


def test_a_cancelled_order_is_a_cancellation() -> None:
    event = thin("store/order/statusUpdated", "order.updated", {"type": "order", "id": 250})

    (mapped,) = canonical_events(
        event, {"order": {**ORDER, "status_id": 5, "status": "Cancelled"}, "products": PRODUCTS}
    )

    assert isinstance(mapped, OrderCancelled)


def test_a_refund_names_its_lines_by_the_order_products_skus() -> None:
    event = thin(
        "store/order/refund/created", "refund.created", {"type": "order", "id": 250, "refund": {"refund_id": 3}}
    )
    refund = {"id": 3, "total_amount": "11.00", "items": [{"item_type": "PRODUCT", "item_id": 7, "quantity": 1}]}

    (mapped,) = canonical_events(event, {"order": ORDER, "products": PRODUCTS, "refund": refund})

    assert isinstance(mapped, RefundCreated)
    assert (mapped.refund.order_id, mapped.refund.refund_id, mapped.refund.amount) == ("250", "3", Decimal("11.00"))
    assert [(line.sku, line.quantity) for line in mapped.refund.lines] == [("SKU-0001", Decimal(1))]


def test_a_refund_s_shipping_items_say_how_much_shipping_it_gave_back() -> None:
    event = thin(
        "store/order/refund/created", "refund.created", {"type": "order", "id": 250, "refund": {"refund_id": 4}}
    )
    items = [
        {"item_type": "PRODUCT", "item_id": 7, "quantity": 1, "requested_amount": "11.00"},
        {"item_type": "SHIPPING", "item_id": 250, "quantity": 1, "requested_amount": "5.00"},
    ]
    refund = {"id": 4, "total_amount": "16.00", "items": items}

    (mapped,) = canonical_events(event, {"order": ORDER, "products": PRODUCTS, "refund": refund})

    assert isinstance(mapped, RefundCreated)
    assert (mapped.refund.amount, mapped.refund.shipping) == (Decimal("16.00"), Decimal("5.00"))
    assert [line.sku for line in mapped.refund.lines] == ["SKU-0001"]


def test_a_shipment_names_its_lines_by_the_order_products_skus() -> None:
    event = thin("store/shipment/created", "fulfillment.created", {"type": "shipment", "id": 12, "orderId": 250})
    shipment = {"id": 12, "order_id": 250, "tracking_number": "T1", "items": [{"order_product_id": 8, "quantity": 1}]}

    (mapped,) = canonical_events(event, {"order": ORDER, "products": PRODUCTS, "shipment": shipment})

    assert isinstance(mapped, FulfillmentCreated)
    assert [(line.sku, line.quantity) for line in mapped.fulfillment.lines] == [("SKU-0002", Decimal(1))]


def test_a_customer_maps_with_its_first_address() -> None:
    event = thin("store/customer/updated", "customer.updated", {"type": "customer", "id": 32})
    customer = {"id": 32, "email": "j@x", "first_name": "Jane", "last_name": "Doe", "addresses": [{"city": "Austin"}]}

    (mapped,) = canonical_events(event, {"customer": customer})

    assert isinstance(mapped, CustomerUpdated)
    assert (mapped.customer.name, mapped.customer.address.city) == ("Jane Doe", "Austin")  # type: ignore[union-attr]


def test_a_variant_reports_its_inventory_level() -> None:
    event = thin(
        "store/sku/inventory/updated",
        "inventory.updated",
        {"type": "sku", "id": 461, "inventory": {"product_id": 167, "variant_id": 509}},
    )

    (mapped,) = canonical_events(event, {"variant": {"id": 509, "sku": "SKU-0003", "inventory_level": 4}})

    assert isinstance(mapped, InventoryUpdated)
    assert [(level.sku, level.available) for level in mapped.levels] == [("SKU-0003", Decimal(4))]


def test_mapping_without_the_fetched_resource_fails_permanently() -> None:
    with pytest.raises(PayloadError, match="fetched"):
        canonical_events(thin("store/order/created", "order.created", {"type": "order", "id": 250}))
