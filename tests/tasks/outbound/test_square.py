"""A Square seller told of the ERP's stock and shipments, through a real local server standing in
for its Catalog, Inventory and Orders APIs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime

import pytest

from channels.square import SquareOptions
from events.outbound import ShipmentNotice, ShippedLine, StockNotice
from tasks.errors import ChannelApiDeferred, ChannelApiNotListed, ChannelApiRejected, ChannelApiTransient
from tasks.outbound.square import SquareWriter, writer_for
from tests.support.net import free_port
from tests.support.square_seller import SQUARE_TOKEN, FakeSquare, square_seller_order

NOTIFICATION_URL = "https://weir.example/webhooks/square"

SHIPMENT = ShipmentNotice(
    order_id="ORDER-1",
    shipment_id="out-41",
    lines=(ShippedLine(sku="SKU-0001", quantity=2),),
    carrier="USPS",
    tracking_number="9400111899223197428490",
    tracking_url="https://usps.example/track/9400111899223197428490",
    shipped_at=datetime(2026, 12, 7, 14, 0, tzinfo=UTC),
)


@pytest.fixture
def seller() -> Iterator[FakeSquare]:
    with FakeSquare(["L-MAIN"]) as fake:
        fake.add_variation("VAR-1", "SKU-0001")
        order = square_seller_order("ORDER-1", "L-MAIN", datetime(2026, 12, 7, 13, 0, tzinfo=UTC))
        shipment = {"uid": "f-1", "type": "SHIPMENT", "state": "PROPOSED", "shipment_details": {"carrier": None}}
        fake.put(order | {"fulfillments": [shipment]})
        yield fake


def writer_of(seller: FakeSquare, **options: str) -> SquareWriter:
    found = writer_for(
        SquareOptions(notification_url=NOTIFICATION_URL, api_base_url=seller.url, access_token=SQUARE_TOKEN, **options),
        environ={},
    )
    assert found is not None
    return found


@pytest.fixture
def writer(seller: FakeSquare) -> Iterator[SquareWriter]:
    with closing(writer_of(seller, location_id="L-MAIN")) as found:
        yield found


def paths(seller: FakeSquare) -> list[tuple[str, str]]:
    return [(call.method, call.path) for call in seller.requests]


def test_a_stock_level_is_a_physical_count_at_the_channels_location(seller: FakeSquare, writer: SquareWriter) -> None:
    writer.set_stock(StockNotice(sku="SKU-0001", available=5, version=1))
    writer.set_stock(StockNotice(sku="SKU-0001", available=3, version=2))

    assert seller.counts == {("L-MAIN", "VAR-1"): "3"}
    assert paths(seller) == [
        ("POST", "/v2/catalog/search"),
        ("POST", "/v2/inventory/changes/batch-create"),
        ("POST", "/v2/inventory/changes/batch-create"),
    ]
    [change] = seller.writes()[0].body["changes"]
    assert change["type"] == "PHYSICAL_COUNT"
    assert change["physical_count"]["state"] == "IN_STOCK"


def test_a_notice_sent_again_is_counted_once(seller: FakeSquare, writer: SquareWriter) -> None:
    notice = StockNotice(sku="SKU-0001", available=5, version=1)

    writer.set_stock(notice)
    seller.counts.clear()
    writer.set_stock(notice)  # Square answers IDEMPOTENCY_KEY_REUSED: the first was done.

    assert seller.counts == {}
    first, again = (call.body["idempotency_key"] for call in seller.writes())
    assert first == again


def test_without_a_location_id_the_sellers_one_active_location_is_asked_once(seller: FakeSquare) -> None:
    with closing(writer_of(seller)) as writer:
        writer.set_stock(StockNotice(sku="SKU-0001", available=5, version=1))
        writer.set_stock(StockNotice(sku="SKU-0001", available=4, version=2))

    assert seller.counts == {("L-MAIN", "VAR-1"): "4"}
    assert [path for _, path in paths(seller)].count("/v2/locations") == 1


def test_a_seller_with_several_locations_must_name_one() -> None:
    reason = "2 active locations: give the channel the location_id"
    with (
        FakeSquare(["L-1", "L-2"]) as seller,
        closing(writer_of(seller)) as writer,
        pytest.raises(ChannelApiRejected, match=reason),
    ):
        writer.set_stock(StockNotice(sku="SKU-0001", available=5, version=1))


def test_an_unknown_sku_is_rejected_with_what_to_do(seller: FakeSquare, writer: SquareWriter) -> None:
    with pytest.raises(ChannelApiNotListed, match="no item variation with SKU NOPE"):
        writer.set_stock(StockNotice(sku="NOPE", available=1, version=1))

    assert seller.writes() == []


def test_a_429_defers_for_the_retry_after_square_gave_or_an_unsaid_delay(
    seller: FakeSquare, writer: SquareWriter
) -> None:
    seller.throttle_next(retry_after_seconds=2)
    with pytest.raises(ChannelApiDeferred) as caught:
        writer.set_stock(StockNotice(sku="SKU-0001", available=5, version=1))
    assert caught.value.delay_ms == 2_000

    seller.throttle_next()
    with pytest.raises(ChannelApiDeferred) as caught:
        writer.set_stock(StockNotice(sku="SKU-0001", available=5, version=1))
    assert caught.value.delay_ms is None


def test_a_5xx_is_transient(seller: FakeSquare, writer: SquareWriter) -> None:
    seller.answer_next(500, times=5)

    with pytest.raises(ChannelApiTransient):
        writer.set_stock(StockNotice(sku="SKU-0001", available=5, version=1))
    with pytest.raises(ChannelApiTransient):
        writer.fulfill(SHIPMENT)


def test_square_not_answering_is_transient() -> None:
    writer = SquareWriter(f"http://127.0.0.1:{free_port()}", SQUARE_TOKEN, location_id="L", timeout_seconds=2)

    with closing(writer), pytest.raises(ChannelApiTransient, match="failed before an answer"):
        writer.set_stock(StockNotice(sku="SKU-0001", available=5, version=1))


def test_a_shipment_completes_the_orders_shipment_fulfillment_with_its_tracking_once(
    seller: FakeSquare, writer: SquareWriter
) -> None:
    writer.fulfill(SHIPMENT)
    writer.fulfill(SHIPMENT)

    [fulfillment] = seller.order("ORDER-1")["fulfillments"]
    assert fulfillment["state"] == "COMPLETED"
    details = fulfillment["shipment_details"]
    assert (details["carrier"], details["tracking_number"]) == ("USPS", "9400111899223197428490")
    assert paths(seller) == [
        ("GET", "/v2/orders/ORDER-1"),
        ("PUT", "/v2/orders/ORDER-1"),
        ("GET", "/v2/orders/ORDER-1"),
    ]
    assert seller.writes()[0].body["idempotency_key"] == "ship-out-41"
    assert seller.writes()[0].body["order"]["version"] == 2


def test_an_order_changed_meanwhile_is_transient(seller: FakeSquare, writer: SquareWriter) -> None:
    seller.answer_next(200, body={"order": seller.order("ORDER-1") | {"version": 1}})

    with pytest.raises(ChannelApiTransient, match="VERSION_MISMATCH"):
        writer.fulfill(SHIPMENT)

    writer.fulfill(SHIPMENT)
    assert seller.order("ORDER-1")["fulfillments"][0]["state"] == "COMPLETED"


def test_an_order_without_a_shipment_fulfillment_is_rejected(seller: FakeSquare, writer: SquareWriter) -> None:
    seller.put(square_seller_order("ORDER-2", "L-MAIN", datetime(2026, 12, 7, 13, 0, tzinfo=UTC)))

    with pytest.raises(ChannelApiRejected, match="no open SHIPMENT fulfillment"):
        writer.fulfill(SHIPMENT.model_copy(update={"order_id": "ORDER-2"}))


def test_a_shipment_of_an_unknown_order_is_rejected(writer: SquareWriter) -> None:
    with pytest.raises(ChannelApiRejected, match="Square has no order NOPE"):
        writer.fulfill(SHIPMENT.model_copy(update={"order_id": "NOPE"}))


def test_a_channel_without_its_access_token_is_not_written_to(seller: FakeSquare) -> None:
    assert writer_for(SquareOptions(notification_url=NOTIFICATION_URL, api_base_url=seller.url), environ={}) is None
    options = SquareOptions(notification_url=NOTIFICATION_URL, api_base_url=seller.url, access_token_env="SQ_TOKEN")
    assert writer_for(options, environ={}) is None
