"""WooCommerce payloads as canonical events: orders, their refunds and cancellations, stock, customers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from events import CustomerUpdated, InventoryUpdated, OrderCancelled, OrderCreated, OrderUpdated, RefundCreated
from events.mapping import canonical_events
from samples.payloads import woocommerce_order
from tests.events.mapping.envelopes import envelope


def mapped(payload: object, topic: str = "order.created") -> tuple[Any, ...]:
    return canonical_events(envelope(payload, provider="woocommerce", topic=topic))


def test_an_order_maps_with_its_lines_billing_and_guest_identity() -> None:
    payload = {**woocommerce_order(1001), "customer_id": 0, "billing": {"first_name": "Jürgen", "email": "j@x"}}

    (event,) = mapped(payload)

    assert isinstance(event, OrderCreated)
    order = event.order
    assert (order.id, order.currency, order.customer.id, order.customer.name) == ("1001", "EUR", "guest:j@x", "Jürgen")
    assert [(line.sku, line.quantity, line.unit_price) for line in order.lines] == [
        ("SKU-0001", Decimal(2), Decimal("11.00")),
        ("SKU-0002", Decimal(1), Decimal("12.00")),
    ]


def test_an_update_with_refunds_follows_the_order_then_credits_each_refund() -> None:
    payload = {**woocommerce_order(1002), "refunds": [{"id": 731, "reason": "damaged", "total": "-24.99"}]}

    update, refund = mapped(payload, "order.updated")

    assert isinstance(update, OrderUpdated)
    assert isinstance(refund, RefundCreated)
    assert (refund.refund.order_id, refund.refund.refund_id, refund.refund.amount) == ("1002", "731", Decimal("24.99"))
    assert refund.refund.currency == "EUR"


def test_a_cancelled_order_is_a_cancellation() -> None:
    (event,) = mapped({**woocommerce_order(1003), "status": "cancelled"}, "order.updated")

    assert isinstance(event, OrderCancelled)
    assert event.cancellation.order_id == "1003"


def test_a_product_that_counts_stock_reports_its_level() -> None:
    (event,) = mapped({"id": 9, "sku": "SKU-0003", "manage_stock": True, "stock_quantity": 7}, "product.updated")

    assert isinstance(event, InventoryUpdated)
    assert [(level.sku, level.available) for level in event.levels] == [("SKU-0003", Decimal(7))]


@pytest.mark.parametrize(
    "product",
    [{"id": 9, "sku": "SKU-0003", "manage_stock": False, "stock_quantity": None}, {"id": 9, "manage_stock": True}],
    ids=["untracked", "no-sku"],
)
def test_a_product_without_counted_stock_changes_nothing(product: dict[str, Any]) -> None:
    assert mapped(product, "product.updated") == ()


def test_a_customer_maps_with_its_billing_address() -> None:
    payload = {
        "id": 25,
        "email": "j@x",
        "first_name": "J",
        "last_name": "M",
        "billing": {"city": "Köln", "country": "DE"},
    }

    (event,) = mapped(payload, "customer.updated")

    assert isinstance(event, CustomerUpdated)
    assert (event.customer.id, event.customer.name, event.customer.address.city) == ("25", "J M", "Köln")  # type: ignore[union-attr]
