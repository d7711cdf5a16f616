"""From an envelope to the ERP: each family's operation runs against the real simulator."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
import redis

from erp.adapter import sale_reference
from erp.errors import SaleMissing
from erp.simulator import SimulatorErp
from events.errors import PayloadError, UnsupportedEvent
from queues.tally import OutcomeTally, tally_key
from samples.payloads import amazon_order_change, shopify_order, sp_api_order, sp_api_order_item
from tasks import ChannelApiRejected, ChannelResources, apply
from tasks.amazon import AmazonApi
from tasks.bigcommerce import BigCommerceApi
from tasks.lwa import FixedToken
from tasks.square import SquareApi
from tests.events.mapping.envelopes import envelope
from tests.support.sp_api import SP_API_TOKEN, FakeSpApi

CHANNEL = "shop-test"


def shopify(payload: object, topic: str, source_topic: str) -> Any:
    return envelope(payload, provider="shopify", topic=topic, source_topic=source_topic, channel=CHANNEL)


def order_id() -> int:
    return uuid.uuid4().int % 10**15


def test_an_order_its_fulfillment_and_its_refund_reach_the_erp(simulator_erp: SimulatorErp) -> None:
    number = order_id()
    shipped = {"id": 1, "order_id": number, "status": "success", "line_items": []}
    refunded = {
        "id": 2,
        "order_id": number,
        "refund_line_items": [{"quantity": 1, "line_item_id": 1, "line_item": {"sku": "SKU-0001", "price": "11.00"}}],
        "transactions": [{"kind": "refund", "status": "success", "amount": "11.00", "currency": "USD"}],
    }

    apply(shopify(shopify_order(number), "order.created", "orders/create"), simulator_erp)
    apply(shopify(shipped, "fulfillment.created", "fulfillments/create"), simulator_erp)
    apply(shopify(refunded, "refund.created", "refunds/create"), simulator_erp)

    sale = simulator_erp.find_sale(sale_reference(CHANNEL, str(number)))
    # 34.00 of goods, 5.00 shipping and the 6 % tax on both: what the customer paid.
    assert sale is not None and sale.shipped and sale.total == Decimal("41.34")


def test_a_cancelled_order_s_update_cancels_its_sale(simulator_erp: SimulatorErp) -> None:
    number = order_id()
    cancelled = {**shopify_order(number), "cancelled_at": "2026-11-23T11:00:00-05:00", "cancel_reason": "customer"}

    apply(shopify(shopify_order(number), "order.created", "orders/create"), simulator_erp)
    apply(shopify(cancelled, "order.updated", "orders/updated"), simulator_erp)

    sale = simulator_erp.find_sale(sale_reference(CHANNEL, str(number)))
    assert sale is not None and sale.cancelled


def test_a_refund_before_its_order_waits_without_spending_a_retry(simulator_erp: SimulatorErp) -> None:
    refunded = {
        "id": 3,
        "order_id": order_id(),
        "transactions": [{"kind": "refund", "status": "success", "amount": "1.00", "currency": "USD"}],
    }

    with pytest.raises(SaleMissing) as caught:
        apply(shopify(refunded, "refund.created", "refunds/create"), simulator_erp)

    assert caught.value.deferral


def test_a_payload_that_does_not_map_fails_permanently_with_its_reason(simulator_erp: SimulatorErp) -> None:
    broken = {**shopify_order(order_id()), "line_items": "nope"}

    with pytest.raises(PayloadError) as caught:
        apply(shopify(broken, "order.created", "orders/create"), simulator_erp)

    assert caught.value.permanent
    assert "line_items" in str(caught.value)


def test_a_topic_without_a_family_fails_permanently(simulator_erp: SimulatorErp) -> None:
    with pytest.raises(UnsupportedEvent):
        apply(envelope({}, provider="nobody", topic="order.created"), simulator_erp)


def bigcommerce_store(request: httpx.Request) -> httpx.Response:
    """A BigCommerce store's API answering for order 250, as the real one shapes it."""
    assert request.headers["X-Auth-Token"] == "token"
    answers: dict[str, Any] = {
        "/stores/s/v2/orders/250": {
            "id": 250,
            "customer_id": 32,
            "status_id": 11,
            "currency_code": "USD",
            "billing_address": {"first_name": "Jane", "last_name": "Doe", "email": "j@x", "country_iso2": "US"},
        },
        "/stores/s/v2/orders/250/products": [{"id": 7, "sku": "SKU-0001", "quantity": 2, "base_price": "11.0000"}],
        "/stores/s/v2/orders/250/shipping_addresses": [],
    }
    if request.url.path not in answers:
        return httpx.Response(404, json={"status": 404})
    return httpx.Response(200, json=answers[request.url.path])


def test_a_bigcommerce_order_is_fetched_from_the_store_then_applied(simulator_erp: SimulatorErp) -> None:
    api = BigCommerceApi("https://api.example/stores/s", "token", transport=httpx.MockTransport(bigcommerce_store))
    channel = f"bigc-{uuid.uuid4().hex[:8]}"
    thin = {"scope": "store/order/created", "data": {"type": "order", "id": 250}, "created_at": 1795425300}
    event = envelope(thin, provider="bigcommerce", topic="order.created", channel=channel)

    apply(event, simulator_erp, ChannelResources({channel: api}))

    sale = simulator_erp.find_sale(sale_reference(channel, "250"))
    assert sale is not None and sale.total == Decimal("22.00")


def test_a_bigcommerce_event_of_a_channel_without_an_api_fails_permanently(simulator_erp: SimulatorErp) -> None:
    thin = {"scope": "store/order/created", "data": {"type": "order", "id": 250}, "created_at": 1795425300}

    with pytest.raises(ChannelApiRejected) as caught:
        apply(envelope(thin, provider="bigcommerce", topic="order.created", channel="bigc-x"), simulator_erp)

    assert caught.value.permanent


def test_a_fetched_bigcommerce_resource_that_does_not_map_fails_permanently(simulator_erp: SimulatorErp) -> None:
    thin = {"scope": "store/order/created", "data": {"type": "order", "id": 250}, "created_at": 1795425300}

    with pytest.raises(PayloadError, match="order"):
        apply(envelope(thin, provider="bigcommerce", topic="order.created"), simulator_erp, _Nothing())


class _Nothing:
    """Fetches an empty resource, as a store answering nothing useful would."""

    def fetch(self, channel: str, wanted: object) -> dict[str, Any]:
        return {}


def square_seller(request: httpx.Request) -> httpx.Response:
    """Square's Orders API answering for order O-250, as the real one shapes it."""
    assert request.headers["Authorization"] == "Bearer token"
    if request.url.path != "/v2/orders/O-250":
        return httpx.Response(404, json={"errors": [{"category": "INVALID_REQUEST_ERROR", "code": "NOT_FOUND"}]})
    line = {"quantity": "2", "catalog_object_id": "SKU-0001", "base_price_money": {"amount": 1100, "currency": "USD"}}
    return httpx.Response(200, json={"order": {"id": "O-250", "state": "OPEN", "line_items": [line]}})


def square_summary(channel: str) -> Any:
    summary = {"order_created": {"order_id": "O-250", "state": "OPEN", "version": 1}}
    body = {"type": "order.created", "event_id": "ev-1", "data": {"type": "order", "id": "O-250", "object": summary}}
    return envelope(body, provider="square", topic="order.created", channel=channel)


def test_a_square_order_summary_is_fetched_from_square_then_applied(simulator_erp: SimulatorErp) -> None:
    api = SquareApi("https://connect.example", "token", transport=httpx.MockTransport(square_seller))
    channel = f"square-{uuid.uuid4().hex[:8]}"

    apply(square_summary(channel), simulator_erp, ChannelResources({channel: api}))

    sale = simulator_erp.find_sale(sale_reference(channel, "O-250"))
    assert sale is not None and sale.total == Decimal("22.00")


def test_a_square_order_summary_of_a_channel_without_an_api_fails_permanently(simulator_erp: SimulatorErp) -> None:
    with pytest.raises(ChannelApiRejected, match="no API base URL and token to fetch its order") as caught:
        apply(square_summary("square-x"), simulator_erp)

    assert caught.value.permanent


def amazon_change(channel: str, order_id: str, status: str) -> Any:
    topic = "order.cancelled" if status == "Canceled" else "order.updated"
    notification = amazon_order_change(order_id, status=status)
    return envelope(notification, provider="amazon", topic=topic, source_topic="ORDER_CHANGE", channel=channel)


@pytest.fixture
def amazon_resources(sp_api: FakeSpApi) -> Iterator[tuple[str, ChannelResources]]:
    """A fresh Amazon channel whose API is the fake SP-API."""
    channel = f"amazon-{uuid.uuid4().hex[:8]}"
    resources = ChannelResources({channel: AmazonApi(sp_api.url, FixedToken(SP_API_TOKEN))})
    yield channel, resources
    resources.close()


def test_an_amazon_order_change_is_fetched_from_sp_api_then_applied(
    simulator_erp: SimulatorErp, sp_api: FakeSpApi, amazon_resources: tuple[str, ChannelResources]
) -> None:
    # Given an order of three items on SP-API, which pages them two at a time
    channel, resources = amazon_resources
    items = [
        sp_api_order_item("SKU-0001", 2, "22.00"),
        sp_api_order_item("SKU-0002", 1, "12.00"),
        sp_api_order_item("SKU-0003", 3, "40.00"),
    ]
    sp_api.add(sp_api_order("902-250"), items)

    apply(amazon_change(channel, "902-250", "Unshipped"), simulator_erp, resources)

    sale = simulator_erp.find_sale(sale_reference(channel, "902-250"))
    assert sale is not None and sale.total == Decimal("74.00")
    assert sorted((line.sku, line.quantity, line.unit_price) for line in sale.lines) == [
        ("SKU-0001", Decimal(2), Decimal("11.00")),
        ("SKU-0002", Decimal(1), Decimal("12.00")),
        ("SKU-0003", Decimal(1), Decimal("13.34")),
        ("SKU-0003", Decimal(2), Decimal("13.33")),
    ]


def test_the_first_change_heard_of_a_shipped_amazon_order_makes_its_sale_then_ships_it(
    simulator_erp: SimulatorErp, sp_api: FakeSpApi, amazon_resources: tuple[str, ChannelResources]
) -> None:
    channel, resources = amazon_resources
    sp_api.add(sp_api_order("902-251", "Shipped"), [sp_api_order_item("SKU-0001", 1, "11.00", shipped=1)])

    apply(amazon_change(channel, "902-251", "Shipped"), simulator_erp, resources)

    sale = simulator_erp.find_sale(sale_reference(channel, "902-251"))
    assert sale is not None and sale.shipped


def test_a_cancelled_amazon_order_cancels_its_sale_without_a_fetch(
    simulator_erp: SimulatorErp, sp_api: FakeSpApi, amazon_resources: tuple[str, ChannelResources]
) -> None:
    channel, resources = amazon_resources
    sp_api.add(sp_api_order("902-252"), [sp_api_order_item("SKU-0001", 1, "11.00")])
    apply(amazon_change(channel, "902-252", "Unshipped"), simulator_erp, resources)
    sp_api.calls.clear()

    apply(amazon_change(channel, "902-252", "Canceled"), simulator_erp, resources)

    sale = simulator_erp.find_sale(sale_reference(channel, "902-252"))
    assert sale is not None and sale.cancelled
    assert sp_api.calls == []


def test_an_amazon_order_change_of_a_channel_without_an_api_fails_permanently(simulator_erp: SimulatorErp) -> None:
    with pytest.raises(ChannelApiRejected, match="no API base URL and token to fetch its order") as caught:
        apply(amazon_change("amazon-x", "902-253", "Unshipped"), simulator_erp)

    assert caught.value.permanent


@pytest.fixture
def tally(redis_client: redis.Redis, namespace: str) -> OutcomeTally:
    return OutcomeTally(redis_client, tally_key(namespace))


def test_an_amazon_order_cancelled_before_it_became_a_sale_is_done_with_nothing_to_cancel(
    simulator_erp: SimulatorErp,
    amazon_resources: tuple[str, ChannelResources],
    tally: OutcomeTally,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Given an order that went from Pending (no sale: nothing priced) straight to Canceled
    channel, resources = amazon_resources

    with caplog.at_level(logging.INFO, logger="tasks.orders"):
        apply(amazon_change(channel, "902-254", "Canceled"), simulator_erp, resources, tally=tally)

    # Then the cancellation is done (not deferred), without a sale, saying why and counted
    assert simulator_erp.find_sale(sale_reference(channel, "902-254")) is None
    assert tally.read() == {"skipped:nothing-to-cancel": 1}
    [record] = [record for record in caplog.records if record.name == "tasks.orders"]
    assert record.levelno == logging.INFO
    assert f"Order 902-254 of {channel} was cancelled before it became a sale" in record.getMessage()
    assert "nothing to cancel" in record.getMessage()


def test_an_amazon_order_fetched_as_cancelled_before_it_became_a_sale_has_nothing_to_cancel(
    simulator_erp: SimulatorErp, sp_api: FakeSpApi, amazon_resources: tuple[str, ChannelResources], tally: OutcomeTally
) -> None:
    # Given a change that said Unshipped, of an order SP-API now says was cancelled since
    channel, resources = amazon_resources
    sp_api.add(sp_api_order("902-255", "Canceled"), [sp_api_order_item("SKU-0001", 0, "0.00")])

    apply(amazon_change(channel, "902-255", "Unshipped"), simulator_erp, resources, tally=tally)

    assert simulator_erp.find_sale(sale_reference(channel, "902-255")) is None
    assert tally.read() == {"skipped:nothing-to-cancel": 1}


def test_another_channel_s_cancellation_of_an_order_without_a_sale_still_waits_for_it(
    simulator_erp: SimulatorErp, tally: OutcomeTally
) -> None:
    # Given a Square cancellation (a summary in state CANCELED) of an order whose creation has
    # not arrived: Square may still deliver it, out of order
    summary = {"order_updated": {"order_id": "O-404", "state": "CANCELED", "version": 2}}
    body = {"type": "order.updated", "event_id": "ev-2", "data": {"type": "order", "id": "O-404", "object": summary}}
    channel = f"square-{uuid.uuid4().hex[:8]}"

    with pytest.raises(SaleMissing) as caught:
        apply(envelope(body, provider="square", topic="order.updated", channel=channel), simulator_erp, tally=tally)

    assert caught.value.deferral
    assert tally.read() == {}
