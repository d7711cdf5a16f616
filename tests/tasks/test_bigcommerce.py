"""BigCommerce's API as the worker reads it: what each thin payload fetches, how failures are
classified, and the channel's own rate limit (a real fleet gate in Redis)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
import redis

from events.mapping import BigCommerceResource
from tasks import ChannelApiDeferred, ChannelApiRejected, ChannelApiTransient, ChannelResources
from tasks.bigcommerce import BigCommerceApi
from throttling import FleetGate, GatePolicy

ORDER_PATHS = ["/stores/s/v2/orders/9", "/stores/s/v2/orders/9/products", "/stores/s/v2/orders/9/shipping_addresses"]


class Store:
    """Answers every GET with ``{"path": ...}`` (or ``{"data": ...}`` for v3) and records it."""

    def __init__(self, status: int = 200, headers: dict[str, str] | None = None) -> None:
        self.paths: list[str] = []
        self._status = status
        self._headers = headers or {}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        if self._status != 200:
            return httpx.Response(self._status, headers=self._headers, text="no")
        body: Any = {"path": request.url.path}
        if "/refunds" in request.url.path:
            body = {"data": [{"id": 2, "total_amount": 1}, {"id": 3, "total_amount": 5}]}
        elif "/v3/customers" in request.url.path:
            body = {"data": [{"id": 32}]}
        elif "/v3/" in request.url.path:
            body = {"data": {"path": request.url.path}}
        return httpx.Response(self._status, json=body)

    def api(self) -> BigCommerceApi:
        return BigCommerceApi("https://api.example/stores/s/", "token", transport=httpx.MockTransport(self))


def test_an_order_is_fetched_with_its_products_and_shipping_addresses() -> None:
    store = Store()

    fetched = store.api().fetch(BigCommerceResource("order", "9"))

    assert set(fetched) == {"order", "products", "shipping_addresses"}
    assert store.paths == ORDER_PATHS


@pytest.mark.parametrize(
    ("wanted", "key", "last_path"),
    [
        (BigCommerceResource("refund", "3", "9"), "refund", "/stores/s/v3/orders/9/payment_actions/refunds"),
        (BigCommerceResource("shipment", "4", "9"), "shipment", "/stores/s/v2/orders/9/shipments/4"),
    ],
)
def test_a_refund_or_shipment_comes_with_its_order(wanted: BigCommerceResource, key: str, last_path: str) -> None:
    store = Store()

    fetched = store.api().fetch(wanted)

    assert set(fetched) == {"order", "products", "shipping_addresses", key}
    assert store.paths == [*ORDER_PATHS, last_path]
    if key == "refund":
        assert fetched["refund"] == {"id": 3, "total_amount": 5}


def test_a_customer_a_product_and_a_variant_are_read_from_v3() -> None:
    store = Store()
    api = store.api()

    assert api.fetch(BigCommerceResource("customer", "32")) == {"customer": {"id": 32}}
    assert api.fetch(BigCommerceResource("product", "5")) == {"product": {"path": "/stores/s/v3/catalog/products/5"}}
    variant = api.fetch(BigCommerceResource("variant", "6", product_id="5"))
    assert variant == {"variant": {"path": "/stores/s/v3/catalog/products/5/variants/6"}}


@pytest.mark.parametrize(
    ("status", "headers", "error"),
    [
        (404, {}, ChannelApiRejected),
        (401, {}, ChannelApiRejected),
        (503, {}, ChannelApiTransient),
        (429, {"X-Rate-Limit-Time-Reset-Ms": "1500"}, ChannelApiDeferred),
    ],
)
def test_the_store_s_failures_are_classified_once(status: int, headers: dict[str, str], error: type[Exception]) -> None:
    with pytest.raises(error) as caught:
        Store(status, headers).api().fetch(BigCommerceResource("order", "9"))

    if status == 429:
        assert getattr(caught.value, "delay_ms", None) == 1500
        assert getattr(caught.value, "deferral", False)


def test_a_store_that_never_answers_is_transient() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    api = BigCommerceApi("https://api.example/stores/s/", "token", transport=httpx.MockTransport(refuse))

    with pytest.raises(ChannelApiTransient):
        api.fetch(BigCommerceResource("customer", "1"))


def test_the_channel_s_rate_limit_defers_fetches_beyond_it(redis_client: redis.Redis) -> None:
    # Given a gate allowing one fetch per minute, shared through Redis
    prefix = f"test:channel-api:{uuid.uuid4().hex}:"
    gate = FleetGate(redis_client, prefix=prefix, policy=GatePolicy(rate_per_second=1 / 60, concurrency=0))
    store = Store()
    resources = ChannelResources({"bigc": store.api()}, {"bigc": gate})

    resources.fetch("bigc", BigCommerceResource("customer", "32"))
    with pytest.raises(ChannelApiDeferred) as caught:
        resources.fetch("bigc", BigCommerceResource("customer", "32"))

    assert caught.value.delay_ms and caught.value.delay_ms > 0
    assert len(store.paths) == 1
    redis_client.delete(*redis_client.keys(f"{prefix}*"))
