"""Square notifications as canonical events: amounts in minor units, quantities as strings."""

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
    UnsupportedEvent,
)
from events.mapping import SquareResource, canonical_events, thin_resource
from tests.events.mapping.envelopes import envelope


def notification(event_type: str, data_object: dict[str, Any], data_id: str = "X") -> dict[str, Any]:
    return {"type": event_type, "event_id": "ev-1", "data": {"type": "x", "id": data_id, "object": data_object}}


def square(topic: str, event_type: str, data_object: dict[str, Any]) -> Any:
    return envelope(notification(event_type, data_object), provider="square", topic=topic, source_topic=event_type)


def mapped(
    topic: str, event_type: str, data_object: dict[str, Any], resource: dict[str, Any] | None = None
) -> tuple[Any, ...]:
    return canonical_events(square(topic, event_type, data_object), resource)


ORDER = {
    "id": "O-1",
    "state": "OPEN",
    "line_items": [
        {"quantity": "2", "catalog_object_id": "VAR-1", "base_price_money": {"amount": 1150, "currency": "USD"}}
    ],
}


def test_an_order_summary_that_is_cancelled_cancels_the_order() -> None:
    (event,) = mapped("order.updated", "order.updated", {"order_updated": {"order_id": "O-1", "state": "CANCELED"}})

    assert isinstance(event, OrderCancelled)
    assert (event.cancellation.order_id, event.cancellation.order) == ("O-1", None)


def test_an_order_summary_asks_for_its_order_to_be_fetched() -> None:
    summary = {"order_created": {"order_id": "O-1", "state": "OPEN", "version": 1}}

    assert thin_resource(square("order.created", "order.created", summary)) == SquareResource("order", "O-1")


@pytest.mark.parametrize(
    "data_object",
    [{"order_updated": {"order_id": "O-1", "state": "CANCELED"}}, {"order": ORDER}],
    ids=["cancelled-summary", "full-order"],
)
def test_a_cancelled_summary_or_a_full_order_needs_nothing_fetched(data_object: dict[str, Any]) -> None:
    assert thin_resource(square("order.updated", "order.updated", data_object)) is None


def test_other_square_notifications_need_nothing_fetched() -> None:
    customer = {"customer": {"id": "C-1"}}

    assert thin_resource(square("customer.created", "customer.created", customer)) is None


@pytest.mark.parametrize(("topic", "family"), [("order.created", OrderCreated), ("order.updated", OrderUpdated)])
def test_the_order_fetched_for_a_summary_maps_as_a_full_order(
    topic: str, family: type[OrderCreated] | type[OrderUpdated]
) -> None:
    summary = {topic.replace(".", "_"): {"order_id": "O-1", "state": "OPEN", "version": 2}}

    (event,) = mapped(topic, topic, summary, {"order": ORDER})

    assert isinstance(event, family)
    assert (event.order.id, event.order.currency) == ("O-1", "USD")
    assert [(line.sku, line.quantity, line.unit_price) for line in event.order.lines] == [
        ("VAR-1", Decimal(2), Decimal("11.50"))
    ]


def test_a_fetched_order_that_was_cancelled_since_cancels_the_sale() -> None:
    summary = {"order_updated": {"order_id": "O-1", "state": "OPEN", "version": 2}}

    (event,) = mapped("order.updated", "order.updated", summary, {"order": {**ORDER, "state": "CANCELED"}})

    assert isinstance(event, OrderCancelled)
    assert event.cancellation.order is not None and event.cancellation.order.id == "O-1"


def test_an_order_summary_alone_cannot_make_a_sale_and_fails_permanently_saying_why() -> None:
    with pytest.raises(PayloadError, match="only a summary of order O-1"):
        mapped("order.created", "order.created", {"order_created": {"order_id": "O-1", "state": "OPEN", "version": 1}})


def test_a_full_order_maps_with_prices_from_minor_units() -> None:
    order = {
        "id": "O-2",
        "customer_id": "CUST-9",
        "line_items": [
            {"quantity": "2", "catalog_object_id": "VAR-1", "base_price_money": {"amount": 1150, "currency": "USD"}},
            {
                "quantity": "1",
                "catalog_object_id": "VAR-2",
                "metadata": {"sku": "SKU-0002"},
                "base_price_money": {"amount": 1200, "currency": "USD"},
            },
        ],
    }

    (event,) = mapped("order.created", "order.created", {"order": order})

    assert isinstance(event, OrderCreated)
    assert (event.order.id, event.order.currency, event.order.customer.id) == ("O-2", "USD", "CUST-9")
    assert [(line.sku, line.quantity, line.unit_price) for line in event.order.lines] == [
        ("VAR-1", Decimal(2), Decimal("11.50")),
        ("SKU-0002", Decimal(1), Decimal("12.00")),
    ]


def test_a_completed_fulfillment_ships_the_order() -> None:
    update = {"order_id": "O-3", "fulfillment_update": [{"fulfillment_uid": "F-1", "new_state": "COMPLETED"}]}

    (event,) = mapped("fulfillment.updated", "order.fulfillment.updated", {"order_fulfillment_updated": update})

    assert isinstance(event, FulfillmentCreated)
    assert (event.fulfillment.order_id, event.fulfillment.fulfillment_id, event.fulfillment.lines) == ("O-3", "F-1", ())


def test_a_refund_is_a_credit_of_its_amount() -> None:
    refund = {"id": "R-1", "order_id": "O-4", "status": "PENDING", "amount_money": {"amount": 1000, "currency": "JPY"}}

    (event,) = mapped("refund.created", "refund.created", {"refund": refund})

    assert isinstance(event, RefundCreated)
    assert (event.refund.order_id, event.refund.amount, event.refund.currency) == ("O-4", Decimal(1000), "JPY")


def test_a_rejected_refund_gives_nothing_back() -> None:
    refund = {"id": "R-2", "order_id": "O-4", "status": "REJECTED", "amount_money": {"amount": 5, "currency": "USD"}}

    assert mapped("refund.updated", "refund.updated", {"refund": refund}) == ()


def test_stock_counts_in_stock_units_of_each_variation() -> None:
    counts = [
        {"catalog_object_id": "SKU-0001", "location_id": "L1", "quantity": "10", "state": "IN_STOCK"},
        {"catalog_object_id": "SKU-0001", "location_id": "L1", "quantity": "3", "state": "SOLD"},
    ]

    (event,) = mapped("inventory.updated", "inventory.count.updated", {"inventory_counts": counts})

    assert isinstance(event, InventoryUpdated)
    assert [(level.sku, level.available, level.location) for level in event.levels] == [("SKU-0001", Decimal(10), "L1")]


def test_a_customer_maps() -> None:
    customer = {"id": "C-1", "given_name": "Ada", "family_name": "L", "email_address": "a@x"}

    (event,) = mapped("customer.created", "customer.created", {"customer": customer})

    assert isinstance(event, CustomerUpdated)
    assert (event.customer.id, event.customer.name) == ("C-1", "Ada L")


def test_payments_have_no_family() -> None:
    with pytest.raises(UnsupportedEvent):
        mapped("payment.updated", "payment.updated", {"payment": {"id": "P"}})
