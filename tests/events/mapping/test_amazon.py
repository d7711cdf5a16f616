"""Amazon SP-API notifications as canonical events: status changes and stock figures."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from events import FulfillmentCreated, InventoryUpdated, OrderCancelled, UnsupportedEvent
from events.mapping import canonical_events
from tests.events.mapping.envelopes import envelope
from weir.samples import amazon_order_change


def mapped(notification: dict[str, Any], topic: str) -> tuple[Any, ...]:
    kind = notification["NotificationType"]
    return canonical_events(envelope(notification, provider="amazon", topic=topic, source_topic=kind))


def test_a_cancelled_order_is_a_cancellation() -> None:
    (event,) = mapped(amazon_order_change("903-1", status="Canceled"), "order.cancelled")

    assert isinstance(event, OrderCancelled)
    assert event.cancellation.order_id == "903-1"


def test_a_shipped_order_is_its_whole_fulfillment() -> None:
    (event,) = mapped(amazon_order_change("903-2", status="Shipped"), "order.updated")

    assert isinstance(event, FulfillmentCreated)
    assert (event.fulfillment.order_id, event.fulfillment.lines) == ("903-2", ())


def test_a_partly_shipped_order_names_what_shipped() -> None:
    notification = amazon_order_change("903-3", status="PartiallyShipped")
    summary = notification["Payload"]["OrderChangeNotification"]["Summary"]
    summary["OrderItems"] = [
        {"SellerSKU": "SKU-0001", "Quantity": 3, "QuantityShipped": 1},
        {"SellerSKU": "SKU-0002", "Quantity": 1, "QuantityShipped": 0},
    ]

    (event,) = mapped(notification, "order.updated")

    assert [(line.sku, line.quantity) for line in event.fulfillment.lines] == [("SKU-0001", Decimal(1))]


def test_an_unshipped_order_changes_nothing_the_erp_keeps() -> None:
    assert mapped(amazon_order_change("903-4", status="Unshipped"), "order.updated") == ()


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
