"""A WooCommerce store told of the ERP's stock and shipments, through a real local server
standing in for its REST API."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime

import pytest

from channels.woocommerce import WooCommerceOptions
from events.outbound import ShipmentNotice, ShippedLine, StockNotice
from tasks.errors import ChannelApiDeferred, ChannelApiNotListed, ChannelApiRejected, ChannelApiTransient
from tasks.outbound.woocommerce import WooCommerceWriter, writer_for
from tests.support.net import free_port
from tests.support.woocommerce_store import WOO_KEY, WOO_SECRET, FakeWooCommerce

SHIPMENT = ShipmentNotice(
    order_id="727",
    shipment_id="out-41",
    lines=(ShippedLine(sku="SKU-0001", quantity=2),),
    carrier="UPS",
    tracking_number="1Z999AA10123456784",
    tracking_url="https://ups.example/track/1Z999AA10123456784",
    shipped_at=datetime(2026, 12, 7, 14, 0, tzinfo=UTC),
)


@pytest.fixture
def store() -> Iterator[FakeWooCommerce]:
    with FakeWooCommerce() as fake:
        fake.add_product(31, "SKU-0001")
        fake.add_product(30, "")
        fake.add_product(32, "SKU-0002-RED", parent_id=30)
        fake.put({"id": 727, "status": "processing", "date_modified_gmt": "2026-12-07T13:00:00"})
        yield fake


@pytest.fixture
def writer(store: FakeWooCommerce) -> Iterator[WooCommerceWriter]:
    found = writer_for(
        WooCommerceOptions(api_base_url=store.url, consumer_key=WOO_KEY, consumer_secret=WOO_SECRET), environ={}
    )
    assert found is not None
    yield found
    found.close()


def test_a_stock_level_reaches_the_product_as_an_absolute_managed_quantity(
    store: FakeWooCommerce, writer: WooCommerceWriter
) -> None:
    writer.set_stock(StockNotice(sku="SKU-0001", available=5, version=1))

    assert store.product(31)["stock_quantity"] == 5
    assert store.product(31)["manage_stock"] is True
    assert [(call.method, call.path) for call in store.requests] == [
        ("GET", "/wp-json/wc/v3/products"),
        ("PUT", "/wp-json/wc/v3/products/31"),
    ]


def test_a_variations_stock_is_written_under_its_parent_and_its_id_is_kept(
    store: FakeWooCommerce, writer: WooCommerceWriter
) -> None:
    writer.set_stock(StockNotice(sku="SKU-0002-RED", available=3, version=1))
    writer.set_stock(StockNotice(sku="SKU-0002-RED", available=0, version=2))

    assert store.product(32)["stock_quantity"] == 0
    assert [(call.method, call.path) for call in store.requests] == [
        ("GET", "/wp-json/wc/v3/products"),
        ("PUT", "/wp-json/wc/v3/products/30/variations/32"),
        ("PUT", "/wp-json/wc/v3/products/30/variations/32"),
    ]


def test_a_product_made_again_under_a_new_id_is_found_again(store: FakeWooCommerce, writer: WooCommerceWriter) -> None:
    writer.set_stock(StockNotice(sku="SKU-0001", available=5, version=1))
    store.remove_product(31)
    store.add_product(41, "SKU-0001")

    writer.set_stock(StockNotice(sku="SKU-0001", available=4, version=2))

    assert store.product(41)["stock_quantity"] == 4


def test_an_unknown_sku_is_rejected_with_what_to_do(store: FakeWooCommerce, writer: WooCommerceWriter) -> None:
    with pytest.raises(ChannelApiNotListed, match="no product or variation with SKU NOPE"):
        writer.set_stock(StockNotice(sku="NOPE", available=1, version=1))

    assert store.writes() == []


def test_a_429_defers_for_the_retry_after_the_host_gave(store: FakeWooCommerce, writer: WooCommerceWriter) -> None:
    store.throttle_next(7)

    with pytest.raises(ChannelApiDeferred) as caught:
        writer.set_stock(StockNotice(sku="SKU-0001", available=5, version=1))

    assert caught.value.delay_ms == 7_000


def test_a_5xx_is_transient(store: FakeWooCommerce, writer: WooCommerceWriter) -> None:
    store.answer_next(503, times=5)

    with pytest.raises(ChannelApiTransient):
        writer.set_stock(StockNotice(sku="SKU-0001", available=5, version=1))
    with pytest.raises(ChannelApiTransient):
        writer.fulfill(SHIPMENT)


def test_a_store_that_does_not_answer_is_transient() -> None:
    writer = WooCommerceWriter(f"http://127.0.0.1:{free_port()}", WOO_KEY, WOO_SECRET, timeout_seconds=2)

    with closing(writer), pytest.raises(ChannelApiTransient, match="failed before an answer"):
        writer.set_stock(StockNotice(sku="SKU-0001", available=5, version=1))


def test_a_refused_key_is_rejected(store: FakeWooCommerce) -> None:
    writer = WooCommerceWriter(store.url, WOO_KEY, "cs_wrong")

    with closing(writer), pytest.raises(ChannelApiRejected, match="HTTP 401"):
        writer.set_stock(StockNotice(sku="SKU-0001", available=5, version=1))


def test_a_shipment_completes_the_order_and_notes_its_tracking_for_the_customer_once(
    store: FakeWooCommerce, writer: WooCommerceWriter
) -> None:
    writer.fulfill(SHIPMENT)
    writer.fulfill(SHIPMENT)

    assert store.order(727)["status"] == "completed"
    [note] = store.notes["727"]
    assert note["customer_note"] is True
    assert "1Z999AA10123456784" in note["note"] and "(Weir shipment out-41)" in note["note"]
    assert [(call.method, call.path) for call in store.requests] == [
        ("GET", "/wp-json/wc/v3/orders/727/notes"),
        ("PUT", "/wp-json/wc/v3/orders/727"),
        ("POST", "/wp-json/wc/v3/orders/727/notes"),
        ("GET", "/wp-json/wc/v3/orders/727/notes"),
    ]


def test_a_shipment_of_an_unknown_order_is_rejected(writer: WooCommerceWriter) -> None:
    with pytest.raises(ChannelApiRejected, match="has no order 999"):
        writer.fulfill(SHIPMENT.model_copy(update={"order_id": "999"}))


def test_a_channel_without_its_rest_api_key_is_not_written_to(store: FakeWooCommerce) -> None:
    assert writer_for(WooCommerceOptions(api_base_url=store.url), environ={}) is None
    options = WooCommerceOptions(api_base_url=store.url, consumer_key=WOO_KEY, consumer_secret_env="WOO_SECRET")
    assert writer_for(options, environ={}) is None
    assert writer_for(WooCommerceOptions(consumer_key=WOO_KEY, consumer_secret=WOO_SECRET), environ={}) is None
