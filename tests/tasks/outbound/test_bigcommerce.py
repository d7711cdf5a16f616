"""A BigCommerce store told of the ERP's stock and shipments, through a real local server
standing in for its V3 catalog and inventory APIs and its V2 orders API."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime

import pytest

from channels.bigcommerce import BigCommerceOptions
from events.outbound import ShipmentNotice, ShippedLine, StockNotice
from tasks.errors import ChannelApiDeferred, ChannelApiNotListed, ChannelApiRejected, ChannelApiTransient
from tasks.outbound.bigcommerce import BigCommerceWriter, writer_for
from tests.support.bigcommerce_store import BIGCOMMERCE_TOKEN, FakeBigCommerce, bigcommerce_store_order
from tests.support.net import free_port

SHIPMENT = ShipmentNotice(
    order_id="101",
    shipment_id="out-41",
    lines=(ShippedLine(sku="SKU-0001", quantity=2), ShippedLine(sku="SKU-0002", quantity=1)),
    carrier="UPS",
    tracking_number="1Z999AA10123456784",
    shipped_at=datetime(2026, 12, 7, 14, 0, tzinfo=UTC),
)


@pytest.fixture
def store() -> Iterator[FakeBigCommerce]:
    with FakeBigCommerce() as fake:
        fake.add_variant(77, 7, "SKU-0001")
        fake.add_variant(78, 7, "SKU-0001-BLUE")
        order = bigcommerce_store_order(101, datetime(2026, 12, 7, 13, 0, tzinfo=UTC))
        fake.put(order | {"shipping_addresses": [{"id": 5, "order_id": 101, "city": "Austin"}]})
        yield fake


@pytest.fixture
def writer(store: FakeBigCommerce) -> Iterator[BigCommerceWriter]:
    found = writer_for(
        BigCommerceOptions(api_base_url=store.url, api_token=BIGCOMMERCE_TOKEN, location_id=3), environ={}
    )
    assert found is not None
    yield found
    found.close()


def paths(store: FakeBigCommerce) -> list[tuple[str, str]]:
    return [(call.method, call.path) for call in store.requests]


def test_a_stock_level_is_set_absolutely_at_the_channels_location_and_the_variant_id_is_kept(
    store: FakeBigCommerce, writer: BigCommerceWriter
) -> None:
    writer.set_stock(StockNotice(sku="SKU-0001-BLUE", available=5, version=1))
    writer.set_stock(StockNotice(sku="SKU-0001-BLUE", available=2, version=2))

    assert store.levels == {(3, 78): 2}
    assert paths(store) == [
        ("GET", "/v3/catalog/variants"),
        ("PUT", "/v3/inventory/adjustments/absolute"),
        ("PUT", "/v3/inventory/adjustments/absolute"),
    ]
    assert store.requests[0].params == {"sku": "SKU-0001-BLUE"}
    assert store.writes()[0].body["items"] == [{"location_id": 3, "variant_id": 78, "quantity": 5}]


def test_the_default_location_is_the_stores_first(store: FakeBigCommerce) -> None:
    writer = writer_for(BigCommerceOptions(api_base_url=store.url, api_token=BIGCOMMERCE_TOKEN), environ={})
    assert writer is not None

    with closing(writer):
        writer.set_stock(StockNotice(sku="SKU-0001", available=4, version=1))

    assert store.levels == {(1, 77): 4}


def test_an_unknown_sku_is_rejected_with_what_to_do(store: FakeBigCommerce, writer: BigCommerceWriter) -> None:
    with pytest.raises(ChannelApiNotListed, match="no variant with SKU NOPE"):
        writer.set_stock(StockNotice(sku="NOPE", available=1, version=1))

    assert store.writes() == []


def test_a_429_defers_until_the_stores_rate_window_resets(store: FakeBigCommerce, writer: BigCommerceWriter) -> None:
    store.throttle_next(reset_ms=1_250)

    with pytest.raises(ChannelApiDeferred) as caught:
        writer.set_stock(StockNotice(sku="SKU-0001", available=5, version=1))

    assert caught.value.delay_ms == 1_250


def test_a_5xx_is_transient(store: FakeBigCommerce, writer: BigCommerceWriter) -> None:
    store.answer_next(502, times=5)

    with pytest.raises(ChannelApiTransient):
        writer.set_stock(StockNotice(sku="SKU-0001", available=5, version=1))
    with pytest.raises(ChannelApiTransient):
        writer.fulfill(SHIPMENT)


def test_a_store_that_does_not_answer_is_transient() -> None:
    writer = BigCommerceWriter(f"http://127.0.0.1:{free_port()}", BIGCOMMERCE_TOKEN, timeout_seconds=2)

    with closing(writer), pytest.raises(ChannelApiTransient, match="failed before an answer"):
        writer.set_stock(StockNotice(sku="SKU-0001", available=5, version=1))


def test_a_shipment_is_created_once_with_its_tracking_and_the_orders_lines(
    store: FakeBigCommerce, writer: BigCommerceWriter
) -> None:
    writer.fulfill(SHIPMENT)
    writer.fulfill(SHIPMENT)

    [shipment] = store.shipments["101"]
    assert shipment["order_address_id"] == 5
    assert shipment["tracking_number"] == "1Z999AA10123456784"
    assert shipment["tracking_carrier"] == "ups"
    assert shipment["items"] == [{"order_product_id": 1010, "quantity": 2}, {"order_product_id": 1011, "quantity": 1}]
    assert paths(store) == [
        ("GET", "/v2/orders/101/shipments"),
        ("GET", "/v2/orders/101/shipping_addresses"),
        ("GET", "/v2/orders/101/products"),
        ("POST", "/v2/orders/101/shipments"),
        ("GET", "/v2/orders/101/shipments"),
    ]


def test_a_shipment_without_tracking_is_found_again_by_its_id(
    store: FakeBigCommerce, writer: BigCommerceWriter
) -> None:
    untracked = SHIPMENT.model_copy(update={"tracking_number": None, "carrier": None})

    writer.fulfill(untracked)
    writer.fulfill(untracked)

    assert len(store.shipments["101"]) == 1


def test_a_shipment_of_a_sku_the_order_does_not_have_is_rejected(
    store: FakeBigCommerce, writer: BigCommerceWriter
) -> None:
    stray = SHIPMENT.model_copy(update={"lines": (ShippedLine(sku="SKU-0009", quantity=1),)})

    with pytest.raises(ChannelApiRejected, match="no line with SKU SKU-0009"):
        writer.fulfill(stray)

    assert store.writes() == []


def test_a_shipment_of_an_unknown_order_is_rejected(writer: BigCommerceWriter) -> None:
    with pytest.raises(ChannelApiRejected, match="has no order 999"):
        writer.fulfill(SHIPMENT.model_copy(update={"order_id": "999"}))


def test_a_channel_without_its_api_token_is_not_written_to(store: FakeBigCommerce) -> None:
    assert writer_for(BigCommerceOptions(api_base_url=store.url), environ={}) is None
    assert writer_for(BigCommerceOptions(api_base_url=store.url, api_token_env="BC_TOKEN"), environ={}) is None
    assert writer_for(BigCommerceOptions(api_token=BIGCOMMERCE_TOKEN), environ={}) is None
