"""An Amazon seller told of the ERP's stock and shipments, through real local servers standing in
for SP-API's Listings Items and Orders APIs and for Login with Amazon."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime

import pytest

from channels.amazon import AmazonOptions
from events.outbound import ShipmentNotice, ShippedLine, StockNotice
from samples.payloads import sp_api_order, sp_api_order_item
from tasks.errors import ChannelApiDeferred, ChannelApiNotListed, ChannelApiRejected, ChannelApiTransient
from tasks.lwa import FixedToken
from tasks.outbound.amazon import AmazonWriter, writer_for
from tests.support.lwa import LWA_CLIENT_ID, LWA_CLIENT_SECRET, LWA_REFRESH_TOKEN, FakeLwa
from tests.support.net import free_port
from tests.support.sp_api import SP_API_TOKEN, FakeSpApi

SELLER = "A3TH9S8BH6GOGM"
MARKETPLACE = "ATVPDKIKX0DER"
QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/weir-amazon"
LISTING = f"/listings/2021-08-01/items/{SELLER}/SKU-0001"

SHIPMENT = ShipmentNotice(
    order_id="902-1",
    shipment_id="out-41",
    lines=(ShippedLine(sku="SKU-0001", quantity=2), ShippedLine(sku="SKU-0002", quantity=1)),
    carrier="UPS",
    tracking_number="1Z999AA10123456784",
    shipped_at=datetime(2026, 12, 7, 14, 0, tzinfo=UTC),
)


def options(url: str, **more: str) -> AmazonOptions:
    return AmazonOptions(queue_url=QUEUE_URL, api_base_url=url, **more)


@pytest.fixture
def amazon(sp_api: FakeSpApi) -> FakeSpApi:
    sp_api.list_sku(SELLER, "SKU-0001")
    items = [sp_api_order_item("SKU-0001", 2, "22.00"), sp_api_order_item("SKU-0002", 1, "12.00")]
    sp_api.add(sp_api_order("902-1"), items)
    return sp_api


@pytest.fixture
def writer(amazon: FakeSpApi) -> Iterator[AmazonWriter]:
    found = writer_for(
        options(amazon.url, access_token=SP_API_TOKEN, seller_id=SELLER, marketplace_id=MARKETPLACE), environ={}
    )
    assert found is not None
    yield found
    found.close()


def paths(amazon: FakeSpApi) -> list[tuple[str, str]]:
    return [(call.method, call.path) for call in amazon.requests]


def test_a_stock_level_is_the_listings_default_fulfillment_quantity_merged(
    amazon: FakeSpApi, writer: AmazonWriter
) -> None:
    writer.set_stock(StockNotice(sku="SKU-0001", available=5, version=1))
    writer.set_stock(StockNotice(sku="SKU-0001", available=3, version=2))

    assert amazon.quantities == {(SELLER, MARKETPLACE, "SKU-0001"): 3}
    assert paths(amazon) == [("GET", LISTING), ("PATCH", LISTING), ("PATCH", LISTING)]
    [patch] = amazon.writes()[0].body["patches"]
    assert patch["op"] == "merge" and patch["path"] == "/attributes/fulfillment_availability"
    assert amazon.writes()[0].params == {"marketplaceIds": MARKETPLACE}


def test_an_unlisted_sku_is_rejected_before_anything_is_patched(amazon: FakeSpApi, writer: AmazonWriter) -> None:
    with pytest.raises(ChannelApiNotListed, match=f"seller {SELLER} has no listing of SKU NOPE"):
        writer.set_stock(StockNotice(sku="NOPE", available=1, version=1))

    assert amazon.writes() == []


def test_a_429_without_retry_after_defers_one_interval_of_the_operations_rate_or_an_unsaid_delay(
    amazon: FakeSpApi, writer: AmazonWriter
) -> None:
    amazon.throttle_next(rate_per_second=5.0)
    with pytest.raises(ChannelApiDeferred) as caught:
        writer.set_stock(StockNotice(sku="SKU-0001", available=5, version=1))
    assert caught.value.delay_ms == 200

    amazon.throttle_next()
    with pytest.raises(ChannelApiDeferred) as caught:
        writer.set_stock(StockNotice(sku="SKU-0001", available=5, version=1))
    assert caught.value.delay_ms is None

    amazon.throttle_next(retry_after_seconds=4, rate_per_second=5.0)
    with pytest.raises(ChannelApiDeferred) as caught:
        writer.fulfill(SHIPMENT)
    assert caught.value.delay_ms == 4_000


def test_a_5xx_is_transient(amazon: FakeSpApi, writer: AmazonWriter) -> None:
    amazon.answer_next(503, times=5)

    with pytest.raises(ChannelApiTransient):
        writer.set_stock(StockNotice(sku="SKU-0001", available=5, version=1))
    with pytest.raises(ChannelApiTransient):
        writer.fulfill(SHIPMENT)


def test_sp_api_not_answering_is_transient() -> None:
    writer = AmazonWriter(
        f"http://127.0.0.1:{free_port()}",
        FixedToken(SP_API_TOKEN),
        seller_id=SELLER,
        marketplace_id=MARKETPLACE,
        timeout_seconds=2,
    )

    with closing(writer), pytest.raises(ChannelApiTransient, match="failed before an answer"):
        writer.set_stock(StockNotice(sku="SKU-0001", available=5, version=1))


def test_a_shipment_is_confirmed_once_with_its_tracking_and_the_orders_items(
    amazon: FakeSpApi, writer: AmazonWriter
) -> None:
    writer.fulfill(SHIPMENT)
    writer.fulfill(SHIPMENT)

    [package] = amazon.packages["902-1"]
    assert package["carrierCode"] == "UPS"
    assert package["trackingNumber"] == "1Z999AA10123456784"
    assert package["shipDate"] == "2026-12-07T14:00:00Z"
    assert package["packageReferenceId"].isdigit()
    assert package["orderItems"] == [
        {"orderItemId": "item-SKU-0001", "quantity": 2},
        {"orderItemId": "item-SKU-0002", "quantity": 1},
    ]
    confirmation = "/orders/v0/orders/902-1/shipmentConfirmation"
    items = "/orders/v0/orders/902-1/orderItems"
    assert paths(amazon) == [("GET", items), ("POST", confirmation), ("GET", items)]
    assert amazon.writes()[0].body["marketplaceId"] == MARKETPLACE


def test_a_carrier_amazon_has_no_code_for_is_other_with_its_name(amazon: FakeSpApi, writer: AmazonWriter) -> None:
    writer.fulfill(SHIPMENT.model_copy(update={"carrier": "Colis Express"}))

    [package] = amazon.packages["902-1"]
    assert (package["carrierCode"], package["carrierName"]) == ("Other", "Colis Express")


def test_a_shipment_without_tracking_or_of_a_sku_the_order_lacks_is_rejected(
    amazon: FakeSpApi, writer: AmazonWriter
) -> None:
    with pytest.raises(ChannelApiRejected, match="needs a tracking number"):
        writer.fulfill(SHIPMENT.model_copy(update={"tracking_number": None}))
    with pytest.raises(ChannelApiRejected, match="no item with SKU SKU-0009"):
        writer.fulfill(SHIPMENT.model_copy(update={"lines": (ShippedLine(sku="SKU-0009", quantity=1),)}))

    assert amazon.writes() == []


def test_a_shipment_of_an_unknown_order_is_rejected(writer: AmazonWriter) -> None:
    with pytest.raises(ChannelApiRejected, match="Amazon has no such order"):
        writer.fulfill(SHIPMENT.model_copy(update={"order_id": "902-404"}))


def test_login_with_amazon_tokens_are_exchanged_and_sent(amazon: FakeSpApi, lwa: FakeLwa) -> None:
    credentials = {
        "lwa_client_id": LWA_CLIENT_ID,
        "lwa_client_secret": LWA_CLIENT_SECRET,
        "refresh_token_env": "AMAZON_REFRESH",
        "lwa_token_url": lwa.url,
    }
    found = writer_for(
        options(amazon.url, seller_id=SELLER, marketplace_id=MARKETPLACE, **credentials),
        environ={"AMAZON_REFRESH": LWA_REFRESH_TOKEN},
        channel="amazon-us",
    )
    assert found is not None

    with closing(found):
        found.set_stock(StockNotice(sku="SKU-0001", available=5, version=1))

    assert {call.token for call in amazon.calls} == set(lwa.issued)


def test_a_channel_without_credentials_or_a_seller_and_marketplace_is_not_written_to(amazon: FakeSpApi) -> None:
    assert writer_for(options(amazon.url, seller_id=SELLER, marketplace_id=MARKETPLACE), environ={}) is None
    assert writer_for(options(amazon.url, access_token=SP_API_TOKEN), environ={}) is None
    with pytest.raises(ValueError, match="give both seller_id and marketplace_id"):
        options(amazon.url, access_token=SP_API_TOKEN, seller_id=SELLER)
