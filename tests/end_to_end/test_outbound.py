"""The outbound leg through the real fleet: ``python -m outbound`` reads the real Tryton's stock
moves and done shipments, ``python -m workers outbound`` tells a local server answering as
Shopify's Admin API does (its leaky bucket, 429s, an outage). RabbitMQ and Redis are real."""

from __future__ import annotations

import random
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import redis

from erp.tryton import TrytonErp
from events.fulfillment import FulfilledLine, Fulfillment
from events.stock import StockLevel
from queues.lanes import Lane
from queues.outbound_tally import OutboundCounts
from queues.topology import lane_queues
from tests.end_to_end.conftest import Fleet, await_first_reads
from tests.erp.tryton.orders import order
from tests.support.net import eventually
from tests.support.rabbit import RabbitProbe
from tests.support.shopify import SHOPIFY_TOKEN
from tests.support.shopify_admin import FakeShopifyAdmin

CHANNEL = "shop-out"
#: A second shop selling the same SKU.
OTHER = "shop-out-2"
SKU = "SKU-0019"

#: Polls often, rereads the last few seconds, looks back little the first time.
POLLING = {
    "WEIR_OUTBOUND_INTERVAL_SECONDS": "0.3",
    "WEIR_OUTBOUND_OVERLAP_SECONDS": "3",
    "WEIR_OUTBOUND_FIRST_LOOKBACK_SECONDS": "1",
}


@pytest.fixture
def shop() -> Iterator[FakeShopifyAdmin]:
    with FakeShopifyAdmin() as fake:
        fake.add_variant(SKU, inventory_item_id=808950810)
        yield fake


@pytest.fixture
def other_shop() -> Iterator[FakeShopifyAdmin]:
    with FakeShopifyAdmin() as fake:
        fake.add_variant(SKU, inventory_item_id=39072856)
        yield fake


def shopify_channel(name: str, shop: FakeShopifyAdmin) -> str:
    return (
        f'[channels.{name}]\nprovider = "shopify"\nsecrets = ["weir-test-{name}"]\n'
        f'[channels.{name}.options]\napi_base_url = "{shop.url}"\naccess_token_env = "SHOP_OUT_TOKEN"\n'
    )


@pytest.fixture
def outbound_fleet(
    fleet: Fleet,
    shop: FakeShopifyAdmin,
    other_shop: FakeShopifyAdmin,
    tmp_path: Path,
    redis_client: redis.Redis,
    namespace: str,
) -> Fleet:
    """The fleet with two Shopify channels whose Admin APIs are the fake shops, at Shopify's 2 calls/s,
    once it reads Tryton."""
    path = tmp_path / "channels.toml"
    path.write_text(shopify_channel(CHANNEL, shop) + shopify_channel(OTHER, other_shop))
    fleet.env.update(
        {"WEIR_CHANNELS_FILE": str(path), "SHOP_OUT_TOKEN": SHOPIFY_TOKEN, "WEIR_CHANNEL_API_RATE_PER_SECOND": "2"}
    )
    fleet.worker("outbound")
    fleet.outbound(**POLLING)
    await_first_reads(redis_client, namespace)
    return fleet


def counts(redis_client: redis.Redis, namespace: str) -> dict[tuple[str, str], int]:
    return OutboundCounts(redis_client, namespace).read()


def assert_told_once_at(
    available: int, name: str, held: FakeShopifyAdmin, redis_client: redis.Redis, namespace: str
) -> None:
    """``held`` ends at ``available``, set once, never set back to an older level, with no 429;
    later reads of the same level reached the worker and were dropped, as unchanged or (a worker
    running behind the reads) as superseded."""
    eventually(lambda: held.available(SKU) == available, timeout=60, what=f"{name} to hold {available}")
    eventually(
        lambda: dropped(counts(redis_client, namespace), name) >= 2,
        timeout=60,
        what=f"later reads of {name} to be dropped",
    )
    levels = [level.available for level in held.levels if level.sku == SKU]
    assert levels.count(available) == 1
    assert all(level == available for level in levels[levels.index(available) :])
    assert held.throttled == 0


def dropped(tally: dict[tuple[str, str], int], name: str) -> int:
    return tally.get((name, "unchanged"), 0) + tally.get((name, "superseded"), 0)


def dead(rabbit: RabbitProbe, namespace: str) -> int:
    return rabbit.count(lane_queues(namespace, Lane.OUTBOUND).dead)


def test_two_stock_changes_in_quick_succession_reach_each_shop_once_at_the_latest_level(
    outbound_fleet: Fleet,
    tryton_erp: TrytonErp,
    shop: FakeShopifyAdmin,
    other_shop: FakeShopifyAdmin,
    redis_client: redis.Redis,
    rabbit: RabbitProbe,
    namespace: str,
) -> None:
    # When Tryton's stock of the SKU changes twice in quick succession
    tryton_erp.set_stock([StockLevel(sku=SKU, available=Decimal(30))])
    tryton_erp.set_stock([StockLevel(sku=SKU, available=Decimal(31))])

    # Then each shop ends at the latest level, and later reads of the same level cost it no call
    for name, held in ((CHANNEL, shop), (OTHER, other_shop)):
        assert_told_once_at(31, name, held, redis_client, namespace)
    assert dead(rabbit, namespace) == 0


def test_a_shop_that_answers_429_or_is_down_loses_no_stock_level(
    outbound_fleet: Fleet,
    tryton_erp: TrytonErp,
    shop: FakeShopifyAdmin,
    rabbit: RabbitProbe,
    namespace: str,
) -> None:
    # Given a shop that asks to slow down three times, then is down
    shop.answer_next(429, times=3, headers={"Retry-After": "0.5"})
    tryton_erp.set_stock([StockLevel(sku=SKU, available=Decimal(12))])
    eventually(lambda: shop.available(SKU) == 12, timeout=60, what="the shop to hold 12 after its 429s")
    shop.down = True
    calls = len(shop.calls)

    # When the stock changes while it is down
    tryton_erp.set_stock([StockLevel(sku=SKU, available=Decimal(11))])
    eventually(lambda: len(shop.calls) > calls, timeout=60, what="a call to the shop while it is down")
    shop.down = False

    # Then the level reaches it once it is back, and nothing was dead-lettered
    eventually(lambda: shop.available(SKU) == 11, timeout=90, what="the shop to hold 11 once back")
    assert dead(rabbit, namespace) == 0


def test_a_done_shipment_becomes_one_fulfillment_of_the_shops_order(
    outbound_fleet: Fleet, tryton_erp: TrytonErp, shop: FakeShopifyAdmin, rabbit: RabbitProbe, namespace: str
) -> None:
    # Given a shop order, its sale in Tryton, and the order's open fulfillment order in the shop
    placed = order((SKU, "1", "11.00"), id=str(random.randrange(10**11, 10**12)))
    tryton_erp.ensure_sale(CHANNEL, placed)
    shop.add_open_order(placed.id, 1046000)

    # When Tryton ships the sale
    line = FulfilledLine(sku=SKU, quantity=Decimal(1))
    tryton_erp.fulfill_sale(CHANNEL, Fulfillment(order_id=placed.id, fulfillment_id="f1", lines=(line,)))

    # Then the shop holds one fulfillment of the order
    eventually(lambda: len(shop.fulfillments) == 1, timeout=60, what="the shop's fulfillment")
    assert shop.fulfillments[0]["order_id"] == int(placed.id)
    assert dead(rabbit, namespace) == 0
