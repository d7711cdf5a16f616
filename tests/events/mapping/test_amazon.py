"""Amazon SP-API notifications as canonical events: order changes (from the order fetched for
them), and stock figures."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from events import (
    FulfillmentCreated,
    InventoryUpdated,
    OrderCancelled,
    OrderCreated,
    OrderUpdated,
    PayloadError,
    UnsupportedEvent,
)
from events.mapping import AmazonResource, canonical_events, thin_resource
from samples.payloads import amazon_order_change, sp_api_order, sp_api_order_item
from tests.events.mapping.envelopes import envelope


def amazon(notification: dict[str, Any], topic: str) -> Any:
    kind = notification["NotificationType"]
    return envelope(notification, provider="amazon", topic=topic, source_topic=kind)


def mapped(notification: dict[str, Any], topic: str, resource: dict[str, Any] | None = None) -> tuple[Any, ...]:
    return canonical_events(amazon(notification, topic), resource)


def fetched(order_id: str, status: str = "Unshipped", *items: dict[str, Any], **order: Any) -> dict[str, Any]:
    """What the worker fetches from SP-API for an order change: getOrder's order, every item."""
    return {"order": sp_api_order(order_id, status, **order), "items": list(items)}


def test_a_cancelled_order_is_a_cancellation_without_a_fetch() -> None:
    notification = amazon_order_change("903-1", status="Canceled")

    (event,) = mapped(notification, "order.cancelled")

    assert thin_resource(amazon(notification, "order.cancelled")) is None
    assert isinstance(event, OrderCancelled)
    assert event.cancellation.order_id == "903-1"
    # Canceled is where an Amazon order ends: one that never became a sale never will.
    assert event.cancellation.final


@pytest.mark.parametrize("status", ["Unshipped", "Shipped", "PartiallyShipped"])
def test_an_order_change_asks_for_its_order_to_be_fetched(status: str) -> None:
    notification = amazon_order_change("903-5", status=status)

    assert thin_resource(amazon(notification, "order.updated")) == AmazonResource("order", "903-5")


@pytest.mark.parametrize("status", ["Pending", "PendingAvailability"])
def test_an_order_awaiting_payment_is_neither_fetched_nor_a_sale(status: str) -> None:
    notification = amazon_order_change("903-4", status=status)

    assert thin_resource(amazon(notification, "order.updated")) is None
    assert mapped(notification, "order.updated") == ()


def test_stock_notifications_need_nothing_fetched() -> None:
    notification = {"NotificationType": "LISTINGS_ITEM_MFN_QUANTITY_CHANGE", "Payload": {"Sku": "S", "Quantity": 1}}

    assert thin_resource(amazon(notification, "inventory.updated")) is None


def test_the_fetched_order_is_the_sale_unit_prices_being_each_line_s_price_over_its_quantity() -> None:
    items = (
        sp_api_order_item("SKU-0001", 2, "22.00", title="Widget"),
        sp_api_order_item("SKU-0002", 1, "14.25"),
    )

    (event,) = mapped(amazon_order_change("903-6"), "order.updated", fetched("903-6", "Unshipped", *items))

    assert isinstance(event, OrderUpdated)
    assert (event.order.id, event.order.currency) == ("903-6", "USD")
    assert [(line.sku, line.quantity, line.unit_price, line.title) for line in event.order.lines] == [
        ("SKU-0001", Decimal(2), Decimal("11.00"), "Widget"),
        ("SKU-0002", Decimal(1), Decimal("14.25"), None),
    ]
    assert event.order.placed_at is not None


def test_the_buyer_and_the_shipping_address_come_with_the_order_when_amazon_gives_them() -> None:
    buyer = {"BuyerEmail": "abc123@marketplace.amazon.com", "BuyerName": "Jane Doe"}
    address = {
        "Name": "Jane Doe",
        "AddressLine1": "1 Main St",
        "AddressLine2": "Apt 2",
        "City": "Seattle",
        "StateOrRegion": "WA",
        "PostalCode": "98101",
        "CountryCode": "US",
    }
    resource = fetched("903-7", "Unshipped", sp_api_order_item("SKU-0001", 1, "5.00"))
    resource["order"] |= {"BuyerInfo": buyer, "ShippingAddress": address}

    (event,) = mapped(amazon_order_change("903-7"), "order.updated", resource)

    customer = event.order.customer
    assert (customer.id, customer.name, customer.email) == (
        "guest:abc123@marketplace.amazon.com",
        "Jane Doe",
        "abc123@marketplace.amazon.com",
    )
    assert event.order.shipping_address is not None
    assert (event.order.shipping_address.street, event.order.shipping_address.region) == ("1 Main St Apt 2", "WA")


def test_without_buyer_information_the_order_identifies_its_customer() -> None:
    resource = fetched("903-8", "Unshipped", sp_api_order_item("SKU-0001", 1, "5.00"))

    (event,) = mapped(amazon_order_change("903-8"), "order.updated", resource)

    assert (event.order.customer.id, event.order.customer.name) == ("guest:order-903-8", "Amazon customer 903-8")


def test_a_line_price_that_does_not_divide_evenly_is_spread_over_two_lines_a_cent_apart() -> None:
    resource = fetched("903-9", "Unshipped", sp_api_order_item("SKU-0001", 3, "25.99"))

    (event,) = mapped(amazon_order_change("903-9"), "order.updated", resource)

    assert [(line.quantity, line.unit_price) for line in event.order.lines] == [
        (Decimal(2), Decimal("8.66")),
        (Decimal(1), Decimal("8.67")),
    ]
    assert event.order.lines_total == Decimal("25.99")


def test_an_item_no_longer_ordered_makes_no_line() -> None:
    items = (sp_api_order_item("SKU-0001", 1, "5.00"), sp_api_order_item("SKU-0002", 0, "0.00"))

    (event,) = mapped(amazon_order_change("903-10"), "order.updated", fetched("903-10", "Unshipped", *items))

    assert [line.sku for line in event.order.lines] == ["SKU-0001"]


def test_a_shipped_order_is_the_sale_then_its_whole_fulfillment() -> None:
    resource = fetched("903-2", "Shipped", sp_api_order_item("SKU-0001", 1, "5.00", shipped=1))

    placed, shipped = mapped(amazon_order_change("903-2", status="Shipped"), "order.updated", resource)

    assert isinstance(placed, OrderUpdated) and placed.order.id == "903-2"
    assert isinstance(shipped, FulfillmentCreated)
    assert (shipped.fulfillment.order_id, shipped.fulfillment.lines) == ("903-2", ())


def test_a_partly_shipped_order_names_what_shipped() -> None:
    items = (
        sp_api_order_item("SKU-0001", 3, "30.00", shipped=1),
        sp_api_order_item("SKU-0002", 1, "10.00", shipped=0),
    )
    resource = fetched("903-3", "PartiallyShipped", *items)

    _, shipped = mapped(amazon_order_change("903-3", status="PartiallyShipped"), "order.updated", resource)

    assert [(line.sku, line.quantity) for line in shipped.fulfillment.lines] == [("SKU-0001", Decimal(1))]
    assert shipped.fulfillment.fulfillment_id == "partial:SKU-0001x1"


def test_a_fetched_order_that_was_cancelled_since_cancels_the_sale() -> None:
    resource = fetched("903-11", "Canceled", sp_api_order_item("SKU-0001", 0, "0.00"))

    (event,) = mapped(amazon_order_change("903-11"), "order.updated", resource)

    assert isinstance(event, OrderCancelled)
    assert event.cancellation.order_id == "903-11"
    assert event.cancellation.final


def test_an_order_created_topic_makes_an_order_created_event() -> None:
    resource = fetched("903-12", "Unshipped", sp_api_order_item("SKU-0001", 1, "5.00"))

    (event,) = mapped(amazon_order_change("903-12"), "order.created", resource)

    assert isinstance(event, OrderCreated)


def test_an_order_change_alone_cannot_make_a_sale_and_fails_permanently_saying_why() -> None:
    with pytest.raises(PayloadError, match=r"only a change of order 903-13 .*fetched from SP-API"):
        mapped(amazon_order_change("903-13"), "order.updated")


@pytest.mark.parametrize(
    ("items", "reason"),
    [
        ([{"SellerSKU": "SKU-0001", "QuantityOrdered": 1}], r"OrderItems\[0\]\.ItemPrice is missing"),
        ([sp_api_order_item("SKU-0001", 0, "0.00")], "no item still ordered"),
        ([sp_api_order_item("SKU-0001", 1, "5.00"), sp_api_order_item("S2", 1, "5.00", currency="EUR")], "currencies"),
        ([{**sp_api_order_item("SKU-0001", 1, "5.00"), "SellerSKU": None}], "SellerSKU is missing"),
    ],
    ids=["unpriced", "nothing-ordered", "two-currencies", "no-sku"],
)
def test_a_fetched_order_that_cannot_be_a_sale_fails_permanently_naming_why(
    items: list[dict[str, Any]], reason: str
) -> None:
    resource = {"order": sp_api_order("903-14", "Unshipped"), "items": items}

    with pytest.raises(PayloadError, match=reason):
        mapped(amazon_order_change("903-14"), "order.updated", resource)


def test_a_merchant_fulfilled_quantity_is_a_stock_level() -> None:
    notification = {
        "NotificationType": "LISTINGS_ITEM_MFN_QUANTITY_CHANGE",
        "Payload": {"SellerId": "S", "Sku": "SKU-0004", "Quantity": 17},
        "NotificationMetadata": {"NotificationId": "n-1"},
    }

    (event,) = mapped(notification, "inventory.updated")

    assert isinstance(event, InventoryUpdated)
    assert [(level.sku, level.available) for level in event.levels] == [("SKU-0004", Decimal(17))]


def test_fba_stock_is_its_fulfillable_quantity() -> None:
    payload = {
        "SKU": "SKU-0005",
        "FulfillmentInventoryByMarketplace": [
            {"MarketplaceId": "ATVPDKIKX0DER", "FulfillmentInventory": {"FulfillableQuantity": 8}}
        ],
    }
    notification = {"NotificationType": "FBA_INVENTORY_AVAILABILITY_CHANGES", "Payload": payload}

    (event,) = mapped(notification, "inventory.updated")

    assert [(level.sku, level.available, level.location) for level in event.levels] == [
        ("SKU-0005", Decimal(8), "ATVPDKIKX0DER")
    ]


def test_other_notification_types_have_no_family() -> None:
    with pytest.raises(UnsupportedEvent):
        mapped({"NotificationType": "ACCOUNT_STATUS_CHANGED", "Payload": {}}, "ACCOUNT_STATUS_CHANGED")
