"""The outbound leg to every kind of channel at once: one ``python -m outbound`` and one
``python -m workers outbound`` tell five channels (Shopify, WooCommerce, BigCommerce, Square,
Amazon), each a local server answering as its API documents (its 429s and rate-limit headers,
its errors), what the real Tryton's stock and done shipments are. RabbitMQ and Redis are real.

The fleet and the five fakes are started once for the module; each test measures what the
channels took from its own start. Stock SKUs: SKU-0008 and SKU-0010 (no other test uses them);
shipments sell SKU-0007, which no channel lists for stock.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import redis

from erp.settings import ErpSettings
from erp.tryton import TrytonClient, TrytonErp
from events.fulfillment import FulfilledLine, Fulfillment
from events.stock import StockLevel
from queues.lanes import Lane
from queues.outbound_tally import OutboundCounts
from queues.topology import lane_queues
from tests.end_to_end.conftest import Fleet, await_first_reads, fleet_env
from tests.erp.tryton.orders import order
from tests.fixtures.services import REDIS_URL
from tests.support.bigcommerce_store import FakeBigCommerce
from tests.support.lwa import FakeLwa
from tests.support.net import eventually
from tests.support.outbound_channels import (
    AmazonFake,
    BigCommerceFake,
    ChannelFake,
    ShopifyFake,
    SquareFake,
    WooCommerceFake,
    channels_file,
)
from tests.support.rabbit import RabbitProbe
from tests.support.shopify_admin import FakeShopifyAdmin
from tests.support.sp_api import FakeSpApi
from tests.support.square_seller import FakeSquare
from tests.support.woocommerce_store import FakeWooCommerce

#: The SKU whose two quick changes every channel is told.
QUICK_SKU = "SKU-0008"
#: The SKU told while channels answer 429 or are down.
OUTAGE_SKU = "SKU-0010"
#: The SKU the shipped orders sell (no channel lists it for stock: its moves are "not listed").
SHIPPED_SKU = "SKU-0007"

SHOPIFY, WOO, BIGCOMMERCE, SQUARE, AMAZON = "out-shopify", "out-woo", "out-bc", "out-square", "out-amazon"
CHANNELS = (SHOPIFY, WOO, BIGCOMMERCE, SQUARE, AMAZON)

#: Polls often, rereads the last few seconds, looks back little the first time.
POLLING = {
    "WEIR_OUTBOUND_INTERVAL_SECONDS": "0.3",
    "WEIR_OUTBOUND_OVERLAP_SECONDS": "3",
    "WEIR_OUTBOUND_FIRST_LOOKBACK_SECONDS": "1",
}


@pytest.fixture(scope="module")
def namespace() -> Iterator[str]:
    """The module's own namespace, its queues and keys deleted afterwards."""
    name = f"t-{uuid.uuid4().hex[:12]}"
    yield name
    probe, client = RabbitProbe(), redis.Redis.from_url(REDIS_URL)
    probe.delete_namespace(name)
    keys = list(client.scan_iter(match=f"{name}:*", count=1000))
    if keys:
        client.delete(*keys)
    probe.close()
    client.close()


@pytest.fixture(scope="module")
def channels() -> Iterator[dict[str, ChannelFake]]:
    """The five channels' fake APIs, each selling the two stock SKUs."""
    stock = (QUICK_SKU, OUTAGE_SKU)
    with (
        FakeShopifyAdmin() as shop,
        FakeWooCommerce() as woo,
        FakeBigCommerce() as bigcommerce,
        FakeSquare([SquareFake.location]) as square,
        FakeSpApi() as sp_api,
        FakeLwa(on_issue=sp_api.accept) as lwa,
    ):
        fakes: list[ChannelFake] = [
            ShopifyFake(SHOPIFY, shop, stock),
            WooCommerceFake(WOO, woo, stock),
            BigCommerceFake(BIGCOMMERCE, bigcommerce, stock),
            SquareFake(SQUARE, square, stock),
            AmazonFake(AMAZON, sp_api, lwa, stock),
        ]
        yield {fake.name: fake for fake in fakes}


@pytest.fixture(scope="module")
def outbound_fleet(
    namespace: str,
    tryton: ErpSettings,
    channels: dict[str, ChannelFake],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Fleet]:
    """One outbound poller and one outbound worker telling the five channels, each at 2 calls/s
    (Shopify's REST rate, the strictest), once the poller reads Tryton."""
    logs = tmp_path_factory.mktemp("outbound-channels")
    path = logs / "channels.toml"
    path.write_text(channels_file(list(channels.values())))
    fleet = Fleet(env=fleet_env(namespace, tryton), logs=logs)
    fleet.env.update({"WEIR_CHANNELS_FILE": str(path), "WEIR_CHANNEL_API_RATE_PER_SECOND": "2"})
    for fake in channels.values():
        fleet.env.update(fake.env)
    fleet.worker("outbound")
    fleet.outbound(**POLLING)
    with closing(redis.Redis.from_url(REDIS_URL)) as client:
        await_first_reads(client, namespace)
    yield fleet
    fleet.stop()


@pytest.fixture(autouse=True)
def fleet_output_on_failure(outbound_fleet: Fleet, request: pytest.FixtureRequest) -> Iterator[None]:
    """Print the fleet's logs after a test that failed."""
    failed = request.session.testsfailed
    yield
    if request.session.testsfailed > failed:
        print(outbound_fleet.output())


@pytest.fixture
def looker(tryton: ErpSettings) -> Iterator[TrytonClient]:
    client = TrytonClient.from_settings(tryton)
    try:
        yield client
    finally:
        client.close()


def counts(redis_client: redis.Redis, namespace: str) -> dict[tuple[str, str], int]:
    return OutboundCounts(redis_client, namespace).read()


def dead(rabbit: RabbitProbe, namespace: str) -> int:
    return rabbit.count(lane_queues(namespace, Lane.OUTBOUND).dead)


def told_since(fake: ChannelFake, sku: str, before: int) -> list[int]:
    """The levels of ``sku`` the channel took after its first ``before``."""
    return fake.stock_set(sku)[before:]


def await_level(fake: ChannelFake, sku: str, before: int, check: Callable[[list[int]], bool], what: str) -> None:
    """Wait until the levels of ``sku`` the channel took after its first ``before`` pass ``check``."""
    eventually(lambda: check(told_since(fake, sku, before)), timeout=60, what=f"{fake.name} {what}")


def dropped(
    redis_client: redis.Redis, namespace: str, name: str, tally: dict[tuple[str, str], int] | None = None
) -> int:
    """How many stock notices to channel ``name`` were dropped without a call: unchanged, or
    superseded (a worker running behind the reads finds a newer copy published)."""
    tally = counts(redis_client, namespace) if tally is None else tally
    return tally.get((name, "unchanged"), 0) + tally.get((name, "superseded"), 0)


def await_dropped(redis_client: redis.Redis, namespace: str, name: str, at_least: int) -> None:
    """Wait until ``at_least`` stock notices to channel ``name`` were dropped without a call."""
    eventually(
        lambda: dropped(redis_client, namespace, name) >= at_least,
        timeout=60,
        what=f"later reads of {name} to be dropped without a call",
    )


def await_calls(fake: ChannelFake, at_least: int) -> None:
    """Wait until the channel's API has received ``at_least`` calls."""
    eventually(lambda: fake.received() >= at_least, timeout=60, what=f"{fake.name}'s 429 and 503s")


def await_cursor_past(redis_client: redis.Redis, namespace: str, which: str, moment: datetime) -> None:
    """Wait until the outbound process's ``which`` cursor (``stock``, ``shipments``) is past
    ``moment`` (naive UTC): no later read sees what changed before it."""

    def cursor() -> datetime:
        stored = redis_client.get(f"{namespace}:outbound:cursor:{which}")
        if stored is None:
            return datetime(1970, 1, 1)
        return datetime.fromisoformat(stored.decode() if isinstance(stored, bytes) else stored)

    eventually(lambda: cursor() > moment, timeout=60, what=f"the {which} reads to pass {moment}")


def test_two_stock_changes_in_quick_succession_reach_every_channel_once_at_the_latest_level(
    outbound_fleet: Fleet,
    channels: dict[str, ChannelFake],
    tryton_erp: TrytonErp,
    redis_client: redis.Redis,
    rabbit: RabbitProbe,
    namespace: str,
) -> None:
    before = {name: len(fake.stock_set(QUICK_SKU)) for name, fake in channels.items()}
    earlier = counts(redis_client, namespace)

    # When Tryton's stock of the SKU changes twice in quick succession
    tryton_erp.set_stock([StockLevel(sku=QUICK_SKU, available=Decimal(30))])
    tryton_erp.set_stock([StockLevel(sku=QUICK_SKU, available=Decimal(31))])

    # Then every channel ends at the latest level, told it once and never set back to the older
    for name, fake in channels.items():
        await_level(fake, QUICK_SKU, before[name], lambda levels: levels[-1:] == [31], "to hold 31")
    # and the later reads' copies reached the worker and cost no channel a call
    for name in channels:
        await_dropped(redis_client, namespace, name, dropped(redis_client, namespace, name, earlier) + 2)
    for name, fake in channels.items():
        levels = told_since(fake, QUICK_SKU, before[name])
        assert levels in ([31], [30, 31]), f"{name} took {levels}"
    # Shopify's leaky bucket never overflowed: the fleet kept to its rate.
    shop = channels[SHOPIFY]
    assert isinstance(shop, ShopifyFake) and shop.api.throttled == 0
    assert dead(rabbit, namespace) == 0


@pytest.mark.parametrize(
    ("failing", "available"),
    [((SHOPIFY, BIGCOMMERCE, AMAZON), 20), ((WOO, SQUARE), 21)],
    ids=["shopify-bigcommerce-amazon", "woocommerce-square"],
)
def test_a_channel_answering_429_then_down_loses_no_level_and_holds_up_no_other_channel(
    failing: tuple[str, ...],
    available: int,
    outbound_fleet: Fleet,
    channels: dict[str, ChannelFake],
    tryton_erp: TrytonErp,
    redis_client: redis.Redis,
    rabbit: RabbitProbe,
    namespace: str,
) -> None:
    before = {name: len(fake.stock_set(OUTAGE_SKU)) for name, fake in channels.items()}
    # Given channels that ask to slow down, each with its own rate-limit headers, then are down
    calls = {}
    for name in failing:
        channels[name].throttle()
        channels[name].go_down()
        calls[name] = channels[name].received()

    # When the stock changes
    tryton_erp.set_stock([StockLevel(sku=OUTAGE_SKU, available=Decimal(available))])
    changed = datetime.now(UTC).replace(tzinfo=None)

    # Then the other channels take the level while those are still down (a breaker per channel)
    for name in set(CHANNELS) - set(failing):
        await_level(channels[name], OUTAGE_SKU, before[name], [available].__eq__, f"to hold {available} meanwhile")
    # and the failing ones were asked, were answered 429, then refused twice at least
    for name in failing:
        await_calls(channels[name], calls[name] + 3)
    # and stay down until no read publishes the level again: only retried messages are left to tell it
    await_cursor_past(redis_client, namespace, "stock", changed)
    for name in failing:
        assert told_since(channels[name], OUTAGE_SKU, before[name]) == []

    # When they are back
    for name in failing:
        channels[name].recover()

    # Then each takes the level once, nothing was lost or dead-lettered
    for name in failing:
        await_level(channels[name], OUTAGE_SKU, before[name], [available].__eq__, f"to hold {available} once back")
    for name, fake in channels.items():
        assert told_since(fake, OUTAGE_SKU, before[name]) == [available], name
    assert dead(rabbit, namespace) == 0


@dataclass(frozen=True)
class Shipped:
    """A channel's order whose sale Tryton shipped under ``shipment_id`` with ``tracking``."""

    order_id: str
    shipment_id: int
    tracking: str


def open_order(fake: ChannelFake, tryton_erp: TrytonErp, looker: TrytonClient) -> Shipped:
    """The channel's open order of one SKU-0007, its sale in Tryton, and a tracking number written
    on the sale's shipment (Tryton tells a shipment's own reference as its tracking number)."""
    order_id, tracking = fake.new_order_id(), f"1Z{uuid.uuid4().hex[:16].upper()}"
    fake.open_order(order_id, SHIPPED_SKU)
    sale = tryton_erp.ensure_sale(fake.name, order((SHIPPED_SKU, "1", "11.00"), id=order_id))
    (read,) = looker.call("model.sale.sale.read", [sale.erp_id], ["shipments"])
    looker.call("model.stock.shipment.out.write", read["shipments"], {"reference": tracking})
    (shipment_id,) = read["shipments"]
    return Shipped(order_id, shipment_id, tracking)


def ship(fake: ChannelFake, tryton_erp: TrytonErp, shipped: Shipped) -> datetime:
    """Ship the sale in Tryton (its shipment done); the moment after, naive UTC."""
    line = FulfilledLine(sku=SHIPPED_SKU, quantity=Decimal(1))
    tryton_erp.fulfill_sale(fake.name, Fulfillment(order_id=shipped.order_id, fulfillment_id="f1", lines=(line,)))
    return datetime.now(UTC).replace(tzinfo=None)


def await_told_once(
    fake: ChannelFake, shipped: Shipped, done: datetime, redis_client: redis.Redis, namespace: str
) -> None:
    """Wait until the channel's order holds the shipment, the worker marked it told and no later
    read can publish it again; then the order holds it once, with its tracking."""
    eventually(lambda: fake.tracking(shipped.order_id), timeout=60, what=f"{fake.name}'s order {shipped.order_id}")
    mark = f"{namespace}:outbound:shipped:{fake.name}:{shipped.shipment_id}"
    eventually(lambda: redis_client.exists(mark), timeout=60, what=f"shipment {shipped.shipment_id} to be marked told")
    await_cursor_past(redis_client, namespace, "shipments", done)
    assert fake.tracking(shipped.order_id) == [shipped.tracking], fake.name


def test_a_done_shipment_becomes_one_shipment_of_the_channels_order_with_its_tracking(
    outbound_fleet: Fleet,
    channels: dict[str, ChannelFake],
    tryton_erp: TrytonErp,
    looker: TrytonClient,
    redis_client: redis.Redis,
    rabbit: RabbitProbe,
    namespace: str,
) -> None:
    # Given an open order on each channel, its sale in Tryton, and the tracking written on its shipment
    orders = {name: open_order(fake, tryton_erp, looker) for name, fake in channels.items()}

    # When Tryton ships the sales
    done = max(ship(channels[name], tryton_erp, shipped) for name, shipped in orders.items())

    # Then each channel's order holds its shipment once, with its tracking
    for name, fake in channels.items():
        await_told_once(fake, orders[name], done, redis_client, namespace)
    assert dead(rabbit, namespace) == 0


def test_a_shipment_for_channels_answering_429_then_down_reaches_each_once_they_are_back(
    outbound_fleet: Fleet,
    channels: dict[str, ChannelFake],
    tryton_erp: TrytonErp,
    looker: TrytonClient,
    redis_client: redis.Redis,
    rabbit: RabbitProbe,
    namespace: str,
) -> None:
    # Given an open order on each channel, and every channel asking to slow down, then down
    orders = {name: open_order(fake, tryton_erp, looker) for name, fake in channels.items()}
    calls = {}
    for name, fake in channels.items():
        fake.throttle()
        fake.go_down()
        calls[name] = fake.received()

    # When Tryton ships the sales, and no read can publish them again while the channels are down
    done = max(ship(channels[name], tryton_erp, shipped) for name, shipped in orders.items())
    for name, fake in channels.items():
        await_calls(fake, calls[name] + 2)
    await_cursor_past(redis_client, namespace, "shipments", done)
    assert all(not fake.tracking(orders[name].order_id) for name, fake in channels.items())

    # Then once they are back, each order holds its shipment once, with its tracking
    for fake in channels.values():
        fake.recover()
    for name, fake in channels.items():
        await_told_once(fake, orders[name], done, redis_client, namespace)
    assert dead(rabbit, namespace) == 0
