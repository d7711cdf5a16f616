"""Shopify payloads that name items only by id, through real workers on the real RabbitMQ into
the real Tryton, looked up in a real local server standing in for the shop's Admin API: an
inventory level's item becomes its SKU's stock; a refund whose lines carry only line item ids
becomes a return of those SKUs, whether its order arrived before it or after."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import redis
from dramatiq import Worker

from erp.adapter import refund_reference, sale_reference
from erp.tryton import TrytonErp
from events.mapping import ShopifyResource
from queues.broker import LaneBroker
from queues.dead import dead_letter_store
from queues.lanes import Lane
from queues.tally import OutcomeTally, tally_key
from queues.topology import lane_queues
from samples.payloads import shopify_inventory_level, shopify_order, shopify_refund
from tasks.settings import ChannelApiSettings
from tests.support.events import publish, shopify_envelope
from tests.support.net import eventually
from tests.support.rabbit import RabbitProbe
from tests.support.shopify import SHOPIFY_TOKEN, FakeShopify
from workers.app import WorkerConfig, build, channel_resources

CHANNEL = "shop-api"

#: Demo SKUs no other test counts stock of.
SKUS = ("SKU-0016", "SKU-0017")


def shopify_channels(tmp_path: Path, shop_url: str) -> Path:
    """A channels file with one Shopify shop whose Admin API is at ``shop_url`` (its token in ``SHOP_API_TOKEN``)."""
    path = tmp_path / "channels.toml"
    path.write_text(
        f'[channels.{CHANNEL}]\nprovider = "shopify"\nsecrets = ["s"]\n[channels.{CHANNEL}.options]\n'
        f'api_base_url = "{shop_url}"\naccess_token_env = "SHOP_API_TOKEN"\napi_version = "2025-01"\n'
    )
    return path


@pytest.fixture
def shopify_workers(
    tmp_path: Path,
    shopify: FakeShopify,
    worker_config: WorkerConfig,
    tryton_erp: TrytonErp,
    run_workers: Callable[[LaneBroker], Worker],
    redis_client: redis.Redis,
    namespace: str,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[None]:
    """The workers' own broker and middleware, with the channel APIs a worker builds from a
    channels file whose Shopify shop is the fake, applying events to the real Tryton."""
    monkeypatch.setenv("SHOP_API_TOKEN", SHOPIFY_TOKEN)
    settings = ChannelApiSettings(channels_file=shopify_channels(tmp_path, shopify.url))
    resources = channel_resources(settings, redis_client, namespace)
    run_workers(build(worker_config, erp=tryton_erp, resources=resources))
    yield
    resources.close()


def new_id() -> int:
    # Shopify-sized ids (above 2**53), unique per run against the shared Tryton.
    return random.randrange(2**60, 2**62)


def stock_becomes(erp: TrytonErp, sku: str, figure: int) -> None:
    eventually(lambda: erp.stock_of([sku]) == {sku: Decimal(figure)}, timeout=30, what=f"{sku}'s stock to be {figure}")


def dead_reason(redis_client: redis.Redis, rabbit: RabbitProbe, namespace: str, lane: Lane):  # type: ignore[no-untyped-def]
    eventually(lambda: rabbit.count(lane_queues(namespace, lane).dead) == 1, timeout=30, what="the dead letter")
    [reason] = dead_letter_store(redis_client, namespace).select()
    return reason


@pytest.mark.usefixtures("shopify_workers")
def test_an_inventory_level_sets_the_stock_of_its_item_s_sku_looking_the_item_up_once(
    shopify: FakeShopify, tryton_erp: TrytonErp, namespace: str
) -> None:
    # Given an inventory item whose variant's SKU is one the ERP knows
    item = new_id()
    shopify.add_item(item, SKUS[0])
    first, second = random.sample(range(100, 900), 2)

    # When Shopify reports its figure, and later another
    publish(namespace, [shopify_envelope(CHANNEL, "inventory_levels/update", shopify_inventory_level(item, first))])
    stock_becomes(tryton_erp, SKUS[0], first)
    publish(namespace, [shopify_envelope(CHANNEL, "inventory_levels/update", shopify_inventory_level(item, second))])

    # Then the ERP counts each, and the item was looked up once, with the shop's token
    stock_becomes(tryton_erp, SKUS[0], second)
    [call] = shopify.calls_to(f"inventory_items/{item}.json")
    assert call.token == SHOPIFY_TOKEN


@pytest.mark.usefixtures("shopify_workers")
def test_an_inventory_item_shopify_does_not_know_is_dead_lettered_at_once_saying_so(
    shopify: FakeShopify, redis_client: redis.Redis, rabbit: RabbitProbe, namespace: str
) -> None:
    item = new_id()

    publish(namespace, [shopify_envelope(CHANNEL, "inventory_levels/update", shopify_inventory_level(item, 5))])

    reason = dead_reason(redis_client, rabbit, namespace, Lane.BULK)
    assert (reason.classification, reason.error_class, reason.attempts) == ("permanent", "ChannelApiRejected", 1)
    assert "Shopify has no such inventory item" in reason.error_message
    assert (reason.channel, reason.entity_id) == (CHANNEL, f"{item}@24826418")


@pytest.mark.usefixtures("shopify_workers")
def test_an_inventory_item_without_a_sku_is_dead_lettered_at_once_saying_what_to_fix(
    shopify: FakeShopify, redis_client: redis.Redis, rabbit: RabbitProbe, namespace: str
) -> None:
    item = new_id()
    shopify.add_item(item, None)

    publish(namespace, [shopify_envelope(CHANNEL, "inventory_levels/update", shopify_inventory_level(item, 5))])

    reason = dead_reason(redis_client, rabbit, namespace, Lane.BULK)
    assert (reason.classification, reason.error_class, reason.attempts) == ("permanent", "ChannelApiRejected", 1)
    assert f"inventory item {item} has no SKU" in reason.error_message


@pytest.mark.usefixtures("shopify_workers")
def test_an_item_whose_sku_the_erp_does_not_know_is_dead_lettered_as_an_unknown_sku(
    shopify: FakeShopify, redis_client: redis.Redis, rabbit: RabbitProbe, namespace: str
) -> None:
    item = new_id()
    shopify.add_item(item, "SKU-0099")

    publish(namespace, [shopify_envelope(CHANNEL, "inventory_levels/update", shopify_inventory_level(item, 5))])

    reason = dead_reason(redis_client, rabbit, namespace, Lane.BULK)
    assert (reason.classification, reason.error_class) == ("permanent", "UnknownSku")
    assert "SKU-0099" in reason.error_message


@pytest.mark.usefixtures("shopify_workers")
def test_a_429_from_shopify_defers_the_level_without_spending_a_retry(
    shopify: FakeShopify, tryton_erp: TrytonErp, redis_client: redis.Redis, namespace: str
) -> None:
    # Given a shop over its REST limit for the next call
    item = new_id()
    shopify.add_item(item, SKUS[1])
    shopify.answer_next(429, headers={"Retry-After": "0.5"})
    figure = random.randrange(100, 900)

    publish(namespace, [shopify_envelope(CHANNEL, "inventory_levels/update", shopify_inventory_level(item, figure))])

    # Then the level waits and is applied, its retries untouched
    stock_becomes(tryton_erp, SKUS[1], figure)
    assert len(shopify.calls_to(f"inventory_items/{item}.json")) == 2
    tally = OutcomeTally(redis_client, tally_key(namespace)).read()
    assert tally.get("deferrals", 0) >= 1 and tally.get("retries", 0) == 0


@pytest.mark.usefixtures("shopify_workers")
def test_a_failure_of_shopify_s_own_is_retried_until_the_level_applies(
    shopify: FakeShopify, tryton_erp: TrytonErp, redis_client: redis.Redis, namespace: str
) -> None:
    item = new_id()
    shopify.add_item(item, SKUS[1])
    shopify.answer_next(503)
    figure = random.randrange(100, 900)

    publish(namespace, [shopify_envelope(CHANNEL, "inventory_levels/update", shopify_inventory_level(item, figure))])

    stock_becomes(tryton_erp, SKUS[1], figure)
    assert OutcomeTally(redis_client, tally_key(namespace)).read().get("retries") == 1


def bare_refund(order_id: int, refund_id: int) -> dict[str, object]:
    """A refund of one of each of the order's two lines, named by line item id alone."""
    return shopify_refund(order_id, refund_id, [(order_id * 10, 1, "11.00"), (order_id * 10 + 1, 1, "12.00")])


def return_of(erp: TrytonErp, order_id: int, refund_id: int):  # type: ignore[no-untyped-def]
    reference = refund_reference(CHANNEL, str(order_id), str(refund_id))
    return eventually(lambda: erp.find_sale(reference), timeout=60, what=f"return {reference}")


@pytest.mark.usefixtures("shopify_workers")
def test_a_refund_naming_only_line_item_ids_becomes_a_return_of_their_skus(
    shopify: FakeShopify, tryton_erp: TrytonErp, namespace: str
) -> None:
    # Given an order in the ERP whose lines Shopify numbers order_id * 10 + n (as the sample does)
    order_id, refund_id = new_id(), random.randrange(10**12)
    order = shopify_order(order_id)
    shopify.add_order(order_id, [(line["id"], line["sku"]) for line in order["line_items"]])
    publish(namespace, [shopify_envelope(CHANNEL, "orders/create", order)])
    eventually(lambda: tryton_erp.find_sale(sale_reference(CHANNEL, str(order_id))), timeout=60, what="the sale")

    publish(namespace, [shopify_envelope(CHANNEL, "refunds/create", bare_refund(order_id, refund_id))])

    returned = return_of(tryton_erp, order_id, refund_id)
    assert sorted((line.sku, line.quantity, line.unit_price) for line in returned.lines) == [
        ("SKU-0001", Decimal(-1), Decimal("11.00")),
        ("SKU-0002", Decimal(-1), Decimal("12.00")),
    ]
    assert returned.total == Decimal("-23.00")
    assert len(shopify.calls_to(f"orders/{order_id}.json")) == 1


@pytest.mark.usefixtures("shopify_workers")
def test_a_refund_arriving_before_its_order_is_mapped_from_shopify_and_waits_for_the_sale(
    shopify: FakeShopify, tryton_erp: TrytonErp, namespace: str
) -> None:
    # Given a refund delivered before the order it refunds (Shopify does not keep order)
    order_id, refund_id = new_id(), random.randrange(10**12)
    order = shopify_order(order_id)
    shopify.add_order(order_id, [(line["id"], line["sku"]) for line in order["line_items"]])
    publish(namespace, [shopify_envelope(CHANNEL, "refunds/create", bare_refund(order_id, refund_id))])
    eventually(lambda: shopify.calls_to(f"orders/{order_id}.json"), timeout=30, what="the order's lookup")

    # When the order arrives
    publish(namespace, [shopify_envelope(CHANNEL, "orders/create", order)])

    # Then the refund becomes its return, the order looked up once for all its waits
    returned = return_of(tryton_erp, order_id, refund_id)
    assert sorted(line.sku for line in returned.lines) == ["SKU-0001", "SKU-0002"]
    assert len(shopify.calls_to(f"orders/{order_id}.json")) == 1


@pytest.mark.usefixtures("shopify_workers")
def test_a_refund_of_an_order_shopify_does_not_know_is_dead_lettered_at_once_saying_so(
    redis_client: redis.Redis, rabbit: RabbitProbe, namespace: str
) -> None:
    order_id = new_id()

    publish(namespace, [shopify_envelope(CHANNEL, "refunds/create", bare_refund(order_id, 7))])

    reason = dead_reason(redis_client, rabbit, namespace, Lane.CRITICAL)
    assert (reason.classification, reason.error_class, reason.attempts) == ("permanent", "ChannelApiRejected", 1)
    assert "Shopify has no such order, or the app's token may not read it" in reason.error_message
    assert f"orders/{order_id}.json" in reason.error_message
    assert (reason.channel, reason.topic) == (CHANNEL, "refund.created")


def test_a_channel_s_looked_up_answers_are_kept_under_the_namespace(
    tmp_path: Path,
    shopify: FakeShopify,
    redis_client: redis.Redis,
    namespace: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SHOP_API_TOKEN", SHOPIFY_TOKEN)
    shopify.add_item(5, "SKU-0001")
    settings = ChannelApiSettings(channels_file=shopify_channels(tmp_path, shopify.url), channel_api_cache_seconds=90)
    resources = channel_resources(settings, redis_client, namespace)

    resources.fetch(CHANNEL, ShopifyResource("inventory_item", "5"))

    assert 0 < int(redis_client.ttl(f"{namespace}:channel-api-cache:{CHANNEL}:inventory_item:5")) <= 90
    resources.close()
