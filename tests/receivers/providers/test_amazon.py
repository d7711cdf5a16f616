"""Amazon SP-API notifications as they come off SQS: identity, topic and entity."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from receivers.errors import MalformedRequest
from receivers.providers import AmazonProvider
from samples.payloads import amazon_order_change, encode

NOW = datetime(2026, 11, 23, tzinfo=UTC)
provider = AmazonProvider()


def parse(payload: dict) -> object:  # type: ignore[type-arg]
    return provider.parse({}, encode(payload), NOW)


def test_verification_accepts_anything_because_iam_guards_the_queue() -> None:
    provider.verify({}, b"{}", (), 0.0)


def test_an_order_change_reads_its_notification_id_order_and_event_time() -> None:
    delivery = provider.parse({}, encode(amazon_order_change("903-8868176-2219830", notification_id="n-1")), NOW)
    assert (delivery.delivery_id, delivery.source_topic, delivery.topic, delivery.entity_id) == (
        "n-1",
        "ORDER_CHANGE",
        "order.updated",
        "903-8868176-2219830",
    )
    assert delivery.occurred_at == datetime(2026, 11, 23, 15, 15, 0, 109000, tzinfo=UTC)


def test_an_order_whose_status_is_canceled_is_a_cancellation() -> None:
    delivery = provider.parse({}, encode(amazon_order_change("1", status="Canceled")), NOW)
    assert delivery.topic == "order.cancelled"


@pytest.mark.parametrize(
    ("kind", "payload", "sku"),
    [
        ("FBA_INVENTORY_AVAILABILITY_CHANGES", {"SellerId": "A", "SKU": "SELLERSKU-1", "FNSKU": "X0"}, "SELLERSKU-1"),
        ("LISTINGS_ITEM_MFN_QUANTITY_CHANGE", {"SellerId": "A", "Sku": "NLS-SHOES-03", "Quantity": 99}, "NLS-SHOES-03"),
    ],
)
def test_inventory_notifications_are_stock_updates_of_their_sku(kind: str, payload: dict, sku: str) -> None:  # type: ignore[type-arg]
    notification = {
        "NotificationType": kind,
        "EventTime": "2021-02-03T18:59:30.194Z",
        "Payload": payload,
        "NotificationMetadata": {"NotificationId": "n-2", "PublishTime": "2021-02-03T18:59:31Z"},
    }
    delivery = provider.parse({}, encode(notification), NOW)
    assert (delivery.topic, delivery.entity_id) == ("inventory.updated", sku)


def test_camel_case_envelopes_are_read_too() -> None:
    notification = {
        "notificationType": "ACCOUNT_STATUS_CHANGED",
        "payload": {},
        "notificationMetadata": {"notificationId": "n-3", "publishTime": "2024-01-01T00:00:00Z"},
    }
    delivery = provider.parse({}, encode(notification), NOW)
    assert (delivery.delivery_id, delivery.topic, delivery.entity_id) == ("n-3", "ACCOUNT_STATUS_CHANGED", "n-3")
    assert delivery.occurred_at == datetime(2024, 1, 1, tzinfo=UTC)


def test_a_notification_inside_an_eventbridge_event_is_unwrapped() -> None:
    event = {"version": "0", "detail-type": "ORDER_CHANGE", "detail": amazon_order_change("7", notification_id="n-4")}
    assert provider.parse({}, encode(event), NOW).delivery_id == "n-4"


@pytest.mark.parametrize("missing", ["NotificationMetadata", "NotificationType", "Payload"])
def test_a_notification_missing_its_envelope_parts_is_a_malformed_request(missing: str) -> None:
    notification = amazon_order_change("1")
    del notification[missing]
    with pytest.raises(MalformedRequest):
        provider.parse({}, encode(notification), NOW)


def test_a_notification_without_a_notification_id_is_a_malformed_request() -> None:
    notification = amazon_order_change("1")
    del notification["NotificationMetadata"]["NotificationId"]
    with pytest.raises(MalformedRequest):
        provider.parse({}, encode(notification), NOW)


def test_amazon_takes_no_secrets() -> None:
    with pytest.raises(ValueError):
        provider.signing_key("anything")
