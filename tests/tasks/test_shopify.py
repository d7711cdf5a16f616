"""Shopify's Admin API as the worker reads it, from a real local server standing in for a shop:
an inventory item's SKU and an order's line items, with the shop's token and API version, how
failures are classified, the answers kept in the real Redis, and the channel's own rate limit
(a real fleet gate in Redis)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
import redis

from events.mapping import BigCommerceResource, ShopifyResource
from tasks import ChannelApiDeferred, ChannelApiRejected, ChannelApiTransient, ChannelResources
from tasks.resource_cache import ResourceCache
from tasks.shopify import ShopifyApi
from tests.support.net import free_port
from tests.support.shopify import SHOPIFY_TOKEN, FakeShopify, ShopifyCall
from throttling import FleetGate, GatePolicy

ITEM = ShopifyResource("inventory_item", "808950810")
ORDER = ShopifyResource("order", "820982911946154508")

Api = Callable[..., ShopifyApi]


@pytest.fixture
def api(shopify: FakeShopify) -> Iterator[Api]:
    """Builds ShopifyApis on the fake shop (by default with the token it accepts), closed after the test."""
    built: list[ShopifyApi] = []

    def build(token: str = SHOPIFY_TOKEN, timeout_seconds: float = 5, url: str = shopify.url) -> ShopifyApi:
        built.append(ShopifyApi(url, token, version="2025-01", timeout_seconds=timeout_seconds))
        return built[-1]

    yield build
    for shop in built:
        shop.close()


@pytest.fixture
def prefix(redis_client: redis.Redis) -> Iterator[str]:
    """A Redis key prefix of the test's own, emptied after it."""
    name = f"test:shopify:{uuid.uuid4().hex}:"
    yield name
    keys = list(redis_client.scan_iter(match=f"{name}*"))
    if keys:
        redis_client.delete(*keys)


def test_an_inventory_item_is_read_with_the_shop_s_token_at_its_api_version(shopify: FakeShopify, api: Api) -> None:
    shopify.add_item(808950810, "SKU-0001")

    fetched = api().fetch(ITEM)

    assert fetched == {"inventory_item": {"id": 808950810, "sku": "SKU-0001", "tracked": True}}
    assert shopify.calls == [ShopifyCall("/admin/api/2025-01/inventory_items/808950810.json", "", SHOPIFY_TOKEN)]


def test_an_order_is_read_for_its_line_items_and_their_skus_alone(shopify: FakeShopify, api: Api) -> None:
    shopify.add_order(820982911946154508, [(866550311766439020, "SKU-0001"), (866550311766439021, None)])

    fetched = api().fetch(ORDER)

    # Ids beyond 2**53 keep every digit.
    assert fetched == {
        "order": {
            "id": 820982911946154508,
            "line_items": [{"id": 866550311766439020, "sku": "SKU-0001"}, {"id": 866550311766439021, "sku": None}],
        }
    }
    [call] = shopify.calls
    assert (call.path, call.query) == ("/admin/api/2025-01/orders/820982911946154508.json", "fields=id%2Cline_items")


def test_an_inventory_item_without_a_sku_is_refused_permanently_saying_what_to_fix(
    shopify: FakeShopify, api: Api
) -> None:
    shopify.add_item(808950810, None)

    with pytest.raises(ChannelApiRejected, match="inventory item 808950810 has no SKU") as caught:
        api().fetch(ITEM)

    assert caught.value.permanent


@pytest.mark.parametrize(
    ("status", "headers", "error"),
    [
        (404, {}, ChannelApiRejected),
        (401, {}, ChannelApiRejected),
        (403, {}, ChannelApiRejected),
        (500, {}, ChannelApiTransient),
        (503, {}, ChannelApiTransient),
        (429, {"Retry-After": "2.0"}, ChannelApiDeferred),
    ],
)
def test_shopify_s_failures_are_classified_once(
    shopify: FakeShopify, api: Api, status: int, headers: dict[str, str], error: type[Exception]
) -> None:
    shopify.add_item(808950810, "SKU-0001")
    shopify.answer_next(status, headers=headers)

    with pytest.raises(error) as caught:
        api().fetch(ITEM)

    if status == 404:
        assert "Shopify has no such inventory item" in str(caught.value)
    if status == 429:
        # Shopify's Retry-After is in seconds and may be fractional.
        assert getattr(caught.value, "delay_ms", None) == 2000
        assert getattr(caught.value, "deferral", False)


def test_an_unknown_inventory_item_is_refused_permanently_saying_so(api: Api) -> None:
    with pytest.raises(ChannelApiRejected, match="Shopify has no such inventory item") as caught:
        api().fetch(ITEM)

    assert caught.value.permanent


def test_a_refused_token_is_permanent(shopify: FakeShopify, api: Api) -> None:
    shopify.add_item(808950810, "SKU-0001")

    with pytest.raises(ChannelApiRejected, match="HTTP 401"):
        api(token="shpat_revoked").fetch(ITEM)


def test_a_shop_that_does_not_answer_in_time_is_transient(shopify: FakeShopify, api: Api) -> None:
    shopify.add_item(808950810, "SKU-0001")
    shopify.stall(1)

    with pytest.raises(ChannelApiTransient, match="failed before an answer"):
        api(timeout_seconds=0.2).fetch(ITEM)


def test_a_shop_nobody_listens_on_is_transient(api: Api) -> None:
    with pytest.raises(ChannelApiTransient):
        api(url=f"http://127.0.0.1:{free_port()}", timeout_seconds=1).fetch(ITEM)


def test_an_answer_without_the_object_is_refused(shopify: FakeShopify, api: Api) -> None:
    shopify.answer_next(200, body={"errors": "nothing"})

    with pytest.raises(ChannelApiRejected, match="without an inventory_item"):
        api().fetch(ITEM)


def test_a_shopify_channel_refuses_to_fetch_another_provider_s_resource(shopify: FakeShopify, api: Api) -> None:
    with pytest.raises(ChannelApiRejected, match="another provider's order 9"):
        api().fetch(BigCommerceResource("order", "9"))

    assert shopify.calls == []


def test_a_looked_up_item_is_kept_so_asking_again_costs_no_call_and_no_slot(
    shopify: FakeShopify, api: Api, redis_client: redis.Redis, prefix: str
) -> None:
    # Given a gate allowing one call per minute, and a cache, both in Redis
    shopify.add_item(808950810, "SKU-0001")
    gate = FleetGate(redis_client, prefix=f"{prefix}gate:", policy=GatePolicy(rate_per_second=1 / 60, concurrency=0))
    cache = ResourceCache(redis_client, prefix=f"{prefix}cache:", ttl_seconds=600)
    resources = ChannelResources({"shop": api()}, {"shop": gate}, cache=cache)

    first = resources.fetch("shop", ITEM)
    again = resources.fetch("shop", ITEM)

    assert first == again
    assert len(shopify.calls) == 1
    assert 0 < int(redis_client.ttl(f"{prefix}cache:shop:inventory_item:808950810")) <= 600
    # and another process's resources, sharing the cache, call no more either
    assert ChannelResources({"shop": api()}, {"shop": gate}, cache=cache).fetch("shop", ITEM) == first
    assert len(shopify.calls) == 1


def test_a_refund_naming_a_line_added_since_the_order_was_kept_looks_the_order_up_again(
    shopify: FakeShopify, api: Api, redis_client: redis.Redis, prefix: str
) -> None:
    # Given an order looked up (and kept) for a refund of its first line
    shopify.add_order(9, [(91, "SKU-0001")])
    resources = ChannelResources({"shop": api()}, cache=ResourceCache(redis_client, prefix=prefix, ttl_seconds=600))
    resources.fetch("shop", ShopifyResource("order", "9", ("91",)))
    resources.fetch("shop", ShopifyResource("order", "9", ("91",)))

    # When the order is edited and a refund names the line the edit added
    shopify.add_order(9, [(91, "SKU-0001"), (92, "SKU-0002")])
    fetched = resources.fetch("shop", ShopifyResource("order", "9", ("92",)))

    # Then the order is looked up again and lists it
    assert {"id": 92, "sku": "SKU-0002"} in fetched["order"]["line_items"]
    assert len(shopify.calls) == 2


def test_an_item_refused_for_want_of_a_sku_is_not_kept_so_a_fix_then_a_replay_succeeds(
    shopify: FakeShopify, api: Api, redis_client: redis.Redis, prefix: str
) -> None:
    shopify.add_item(808950810, None)
    resources = ChannelResources({"shop": api()}, cache=ResourceCache(redis_client, prefix=prefix, ttl_seconds=600))
    with pytest.raises(ChannelApiRejected):
        resources.fetch("shop", ITEM)

    # When the merchant gives the variant its SKU
    shopify.add_item(808950810, "SKU-0001")

    assert resources.fetch("shop", ITEM)["inventory_item"]["sku"] == "SKU-0001"
    assert len(shopify.calls) == 2


def test_the_channel_s_rate_limit_defers_lookups_beyond_it(
    shopify: FakeShopify, api: Api, redis_client: redis.Redis, prefix: str
) -> None:
    shopify.add_item(1, "SKU-0001")
    shopify.add_item(2, "SKU-0002")
    gate = FleetGate(redis_client, prefix=prefix, policy=GatePolicy(rate_per_second=1 / 60, concurrency=0))
    resources = ChannelResources({"shop": api()}, {"shop": gate})

    resources.fetch("shop", ShopifyResource("inventory_item", "1"))
    with pytest.raises(ChannelApiDeferred) as caught:
        resources.fetch("shop", ShopifyResource("inventory_item", "2"))

    assert caught.value.delay_ms and caught.value.delay_ms > 0
    assert len(shopify.calls) == 1


def test_lookups_the_channel_refuses_leave_its_breaker_closed_while_its_own_failures_open_it(
    shopify: FakeShopify, api: Api, redis_client: redis.Redis, prefix: str
) -> None:
    # Given a breaker that opens when half of at least 4 calls fail
    policy = GatePolicy(1000, concurrency=0, min_factor=1.0, breaker_min_calls=4, breaker_failure_rate=0.5)
    gate = FleetGate(redis_client, prefix=prefix, policy=policy)
    resources = ChannelResources({"shop": api()}, {"shop": gate})
    shopify.add_item(1, "SKU-0001")

    # When the shop answers 404 to lookups of items it does not have (say, refunds of old orders)
    for unknown in range(100, 106):
        with pytest.raises(ChannelApiRejected):
            resources.fetch("shop", ShopifyResource("inventory_item", str(unknown)))

    # Then its breaker stays closed and the next lookup goes through
    assert gate.state().breaker == "closed"
    assert resources.fetch("shop", ShopifyResource("inventory_item", "1"))["inventory_item"]["sku"] == "SKU-0001"

    # But when the shop itself fails as often, the breaker opens
    shopify.answer_next(503, times=8)
    for _ in range(8):
        with pytest.raises((ChannelApiTransient, ChannelApiDeferred)):
            resources.fetch("shop", ShopifyResource("inventory_item", "1"))
    assert gate.state().breaker == "open"


def test_a_429_on_a_lookup_pauses_every_lookup_of_that_shop_for_its_retry_after(
    shopify: FakeShopify, api: Api, redis_client: redis.Redis, prefix: str
) -> None:
    gate = FleetGate(redis_client, prefix=prefix, policy=GatePolicy(1000, concurrency=0, min_factor=1.0))
    resources = ChannelResources({"shop": api()}, {"shop": gate})
    shopify.add_item(1, "SKU-0001")
    shopify.answer_next(429, headers={"Retry-After": "30"})

    with pytest.raises(ChannelApiDeferred):
        resources.fetch("shop", ShopifyResource("inventory_item", "1"))
    # Another process's lookup of the same shop waits out the pause without calling it
    with pytest.raises(ChannelApiDeferred) as held:
        ChannelResources({"shop": api()}, {"shop": gate}).fetch("shop", ShopifyResource("inventory_item", "1"))

    assert held.value.delay_ms is not None and 25_000 < held.value.delay_ms <= 30_000
    assert len(shopify.calls) == 1
