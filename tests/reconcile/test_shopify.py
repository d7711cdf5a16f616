"""Listing a shop's orders through a real local server standing in for Shopify's Admin API:
cursor pagination through the Link header, 429s waited out, a shop that is down or refuses."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

import pytest

from reconcile.calls import GatedCalls
from reconcile.errors import ChannelUnreachable
from reconcile.listing import OrderPage
from reconcile.shopify import ShopifyOrders
from samples.payloads import shopify_order
from tests.support.shop_orders import FakeShopOrders
from tests.support.shopify import SHOPIFY_TOKEN

NOW = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)


@pytest.fixture
def shop() -> Iterator[FakeShopOrders]:
    with FakeShopOrders() as fake:
        yield fake


@pytest.fixture
def lister() -> Iterator[Callable[..., ShopifyOrders]]:
    """Makes listers of a shop, closed after the test."""
    made: list[ShopifyOrders] = []

    def make(url: str, token: str = SHOPIFY_TOKEN, **options: Any) -> ShopifyOrders:
        made.append(ShopifyOrders(url, token, version="2025-01", **options))
        return made[-1]

    yield make
    for orders in made:
        orders.close()


def hold(shop: FakeShopOrders, count: int, *, start: int = 5_000_000) -> list[str]:
    ids = []
    for n in range(count):
        order = shopify_order(start + n) | {"updated_at": (NOW - timedelta(minutes=30 - n % 30)).isoformat()}
        shop.put(order)
        ids.append(str(start + n))
    return ids


def listed(orders: ShopifyOrders, calls: GatedCalls) -> list[str]:
    found: list[str] = []
    after: str | None = None
    while True:
        page: OrderPage = calls.call("a page", partial(orders.page, NOW - timedelta(hours=1), NOW, after))
        found.extend(order.order_id for order in page.orders)
        if page.next is None:
            return found
        after = page.next


def test_every_page_of_a_shop_s_orders_is_listed_by_following_the_link_header(
    shop: FakeShopOrders, lister: Callable[..., ShopifyOrders]
) -> None:
    ids = hold(shop, 7)
    orders = lister(shop.url, page_size=3)

    found = listed(orders, GatedCalls("shop-us", None))

    assert sorted(found) == sorted(ids)
    assert [call.params.get("page_info") is None for call in shop.calls] == [True, False, False]
    assert shop.calls[0].params["status"] == "any"
    assert set(shop.calls[1].params) == {"limit", "page_info"}


def test_a_listed_order_carries_its_total_status_version_and_the_webhook_body(
    shop: FakeShopOrders, lister: Callable[..., ShopifyOrders]
) -> None:
    order = shopify_order(77) | {"updated_at": "2026-12-07T05:40:00+00:00", "cancelled_at": "2026-12-07T05:40:00Z"}
    shop.put(order)
    orders = lister(shop.url)

    [found] = orders.page(NOW - timedelta(hours=1), NOW, None).orders

    assert (found.order_id, found.total, found.cancelled) == ("77", Decimal(order["total_price"]), True)
    assert found.updated_at == datetime(2026, 12, 7, 5, 40, tzinfo=UTC)
    assert orders.webhook(found, "cancelled").source_topic == "orders/cancelled"


def test_orders_updated_outside_the_window_are_not_listed(
    shop: FakeShopOrders, lister: Callable[..., ShopifyOrders]
) -> None:
    shop.put(shopify_order(1) | {"updated_at": (NOW - timedelta(hours=3)).isoformat()})
    orders = lister(shop.url)

    assert orders.page(NOW - timedelta(hours=1), NOW, None).orders == ()


def test_a_429_is_waited_out_for_its_retry_after_and_no_page_is_lost(
    shop: FakeShopOrders, lister: Callable[..., ShopifyOrders]
) -> None:
    ids = hold(shop, 5)
    orders = lister(shop.url, page_size=2)
    waits: list[float] = []
    calls = GatedCalls("shop-us", None, sleep=waits.append)
    first = orders.page(NOW - timedelta(hours=1), NOW, None)
    shop.answer_next(429, times=2, headers={"Retry-After": "2.0"})

    rest = listed_from(orders, calls, first)

    assert sorted([order.order_id for order in first.orders] + rest) == sorted(ids)
    assert waits == [2.0, 2.0]
    assert calls.throttled == 2


def listed_from(orders: ShopifyOrders, calls: GatedCalls, page: OrderPage) -> list[str]:
    found: list[str] = []
    while page.next is not None:
        after = page.next
        page = calls.call("a page", partial(orders.page, NOW - timedelta(hours=1), NOW, after))
        found.extend(order.order_id for order in page.orders)
    return found


def test_a_shop_failing_past_its_attempts_ends_the_run_for_that_channel(
    shop: FakeShopOrders, lister: Callable[..., ShopifyOrders]
) -> None:
    hold(shop, 2)
    orders = lister(shop.url)
    waits: list[float] = []
    calls = GatedCalls("shop-us", None, attempts=3, backoff_ms=100, sleep=waits.append)
    shop.answer_next(503, times=3)

    with pytest.raises(ChannelUnreachable, match="failed 3 times"):
        calls.call("a page", lambda: orders.page(NOW - timedelta(hours=1), NOW, None))
    assert waits == [0.1, 0.2]


def test_a_shop_failing_fewer_times_than_the_attempts_gives_its_page(
    shop: FakeShopOrders, lister: Callable[..., ShopifyOrders]
) -> None:
    ids = hold(shop, 2)
    orders = lister(shop.url)
    calls = GatedCalls("shop-us", None, attempts=3, backoff_ms=0, sleep=lambda seconds: None)
    shop.answer_next(502, times=2)

    page = calls.call("a page", lambda: orders.page(NOW - timedelta(hours=1), NOW, None))

    assert sorted(order.order_id for order in page.orders) == sorted(ids)
    assert calls.retried == 2


def test_a_refused_token_ends_the_run_for_that_channel_at_once(
    shop: FakeShopOrders, lister: Callable[..., ShopifyOrders]
) -> None:
    orders = lister(shop.url, "shpat_revoked")

    with pytest.raises(ChannelUnreachable, match="refused"):
        GatedCalls("shop-us", None).call("a page", lambda: orders.page(NOW - timedelta(hours=1), NOW, None))


def test_a_shop_that_does_not_answer_at_all_ends_the_run_for_that_channel(lister: Callable[..., ShopifyOrders]) -> None:
    orders = lister("http://127.0.0.1:9", timeout_seconds=1)
    calls = GatedCalls("shop-us", None, attempts=2, backoff_ms=0, sleep=lambda seconds: None)

    with pytest.raises(ChannelUnreachable, match="failed 2 times"):
        calls.call("a page", lambda: orders.page(NOW - timedelta(hours=1), NOW, None))
