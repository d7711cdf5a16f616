"""The Shopify writer against a local shop answering as the Admin API documents."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from channels import ShopifyOptions
from events.outbound import ShipmentNotice, ShippedLine, StockNotice
from tasks.errors import ChannelApiDeferred, ChannelApiNotListed, ChannelApiRejected, ChannelApiTransient
from tasks.outbound.shopify import ShopifyWriter, writer_for
from tests.support.shopify import SHOPIFY_TOKEN
from tests.support.shopify_admin import PRIMARY_LOCATION, FakeShopifyAdmin, LevelSet


@pytest.fixture
def shop() -> Iterator[FakeShopifyAdmin]:
    with FakeShopifyAdmin() as fake:
        yield fake


@pytest.fixture
def writer(shop: FakeShopifyAdmin) -> Iterator[ShopifyWriter]:
    writer = ShopifyWriter(shop.url, SHOPIFY_TOKEN, version="2025-01")
    try:
        yield writer
    finally:
        writer.close()


def shipment(order_id: str = "450789469", tracking: str | None = "1Z999") -> ShipmentNotice:
    return ShipmentNotice(
        order_id=order_id,
        shipment_id="7",
        lines=(ShippedLine(sku="SKU-0001", quantity=1),),
        carrier="UPS",
        tracking_number=tracking,
        shipped_at=datetime(2026, 12, 7, 9, tzinfo=UTC),
    )


def test_a_stock_level_is_set_at_the_primary_location_of_the_skus_inventory_item(
    shop: FakeShopifyAdmin, writer: ShopifyWriter
) -> None:
    shop.add_variant("SKU-0001", inventory_item_id=808950810)

    writer.set_stock(StockNotice(sku="SKU-0001", available=7, version=1))
    writer.set_stock(StockNotice(sku="SKU-0001", available=5, version=2))

    assert shop.levels == [LevelSet("SKU-0001", PRIMARY_LOCATION, 7), LevelSet("SKU-0001", PRIMARY_LOCATION, 5)]
    # The item and the location are looked up once.
    assert len(shop.calls_to("graphql.json")) == len(shop.calls_to("shop.json")) == 1


def test_a_sku_no_variant_carries_is_not_listed_and_not_looked_up_again_soon(
    shop: FakeShopifyAdmin, writer: ShopifyWriter
) -> None:
    for version in (1, 2):
        with pytest.raises(ChannelApiNotListed, match="SKU-0404"):
            writer.set_stock(StockNotice(sku="SKU-0404", available=1, version=version))

    assert len(shop.calls_to("graphql.json")) == 1


def test_a_429_defers_for_the_fractional_retry_after(shop: FakeShopifyAdmin, writer: ShopifyWriter) -> None:
    shop.add_variant("SKU-0001", inventory_item_id=808950810)
    shop.answer_next(429, headers={"Retry-After": "1.5"})

    with pytest.raises(ChannelApiDeferred) as raised:
        writer.set_stock(StockNotice(sku="SKU-0001", available=7, version=1))

    assert raised.value.delay_ms == 1_500


def test_a_full_bucket_answers_429_and_the_call_waits() -> None:
    with FakeShopifyAdmin(bucket_size=1, leak_per_second=0.5) as shop:
        shop.add_variant("SKU-0001", inventory_item_id=808950810)
        small = ShopifyWriter(shop.url, SHOPIFY_TOKEN, version="2025-01", location_id=PRIMARY_LOCATION)
        with pytest.raises(ChannelApiDeferred) as raised:
            small.set_stock(StockNotice(sku="SKU-0001", available=7, version=1))
        small.close()
    assert raised.value.delay_ms is not None and raised.value.delay_ms > 0
    assert shop.levels == []


def test_a_shop_that_is_down_fails_transiently(shop: FakeShopifyAdmin, writer: ShopifyWriter) -> None:
    shop.down = True

    with pytest.raises(ChannelApiTransient):
        writer.set_stock(StockNotice(sku="SKU-0001", available=7, version=1))


def test_a_shipment_fulfills_the_orders_open_fulfillment_order_with_its_tracking(
    shop: FakeShopifyAdmin, writer: ShopifyWriter
) -> None:
    shop.add_open_order("450789469", 1046000)

    writer.fulfill(shipment())

    (made,) = shop.fulfillments
    assert (made["order_id"], made["tracking_number"], made["tracking_company"]) == (450789469, "1Z999", "UPS")


def test_a_shipment_told_twice_makes_one_fulfillment(shop: FakeShopifyAdmin, writer: ShopifyWriter) -> None:
    shop.add_open_order("450789469", 1046000)

    writer.fulfill(shipment())
    writer.fulfill(shipment())
    writer.fulfill(shipment(tracking=None))

    assert len(shop.fulfillments) == 1
    assert len(shop.calls_to("fulfillments.json")) == 3  # two lookups of the order's fulfillments, one POST


def test_a_refused_token_is_a_rejection() -> None:
    with FakeShopifyAdmin() as shop:
        writer = ShopifyWriter(shop.url, "shpat_wrong", version="2025-01")
        with pytest.raises(ChannelApiRejected):
            writer.fulfill(shipment())
        writer.close()


def test_a_channel_without_an_api_base_url_or_token_has_no_writer() -> None:
    assert writer_for(ShopifyOptions(), environ={}) is None
    assert writer_for(ShopifyOptions(api_base_url="https://shop.example"), environ={}) is None
    options = ShopifyOptions(api_base_url="https://shop.example", access_token_env="SHOP_TOKEN")
    found = writer_for(options, environ={"SHOP_TOKEN": "shpat_x"})
    assert isinstance(found, ShopifyWriter)
    found.close()
