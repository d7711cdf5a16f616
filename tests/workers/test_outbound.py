"""The outbound worker on the real RabbitMQ and Redis, telling a local server that answers as
Shopify's Admin API does: older levels dropped, SKUs the shop does not sell counted, a channel
without credentials dead-lettered with its reason."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from dramatiq import Worker

from erp.settings import ErpSettings
from events.outbound import StockNotice
from queues.broker import LaneBroker
from queues.dead import DeadLetterFilter, DeadLetterSettings, dead_letter_store
from queues.lanes import Lane
from queues.outbound import notice_message
from queues.outbound_tally import OutboundCounts
from queues.settings import BrokerSettings
from queues.topology import lane_queues
from tasks.outbound.levels import StockLevels
from tasks.settings import ChannelApiSettings
from tests.support.net import eventually
from tests.support.shopify import SHOPIFY_TOKEN
from tests.support.shopify_admin import FakeShopifyAdmin
from throttling.budget import BreakerSettings, BudgetSettings
from weir.settings import RedisSettings, ServiceSettings
from workers.app import WorkerConfig
from workers.outbound import build_outbound
from workers.settings import WorkerSettings

CHANNEL = "shop-out"


@pytest.fixture
def shop() -> Iterator[FakeShopifyAdmin]:
    with FakeShopifyAdmin() as fake:
        fake.add_variant("SKU-0001", inventory_item_id=808950810)
        yield fake


@pytest.fixture
def broker(
    shop: FakeShopifyAdmin,
    tmp_path: Path,
    service: ServiceSettings,
    broker_settings: BrokerSettings,
    redis_settings: RedisSettings,
    run_workers: Callable[[LaneBroker], Worker],
) -> LaneBroker:
    path = tmp_path / "channels.toml"
    path.write_text(
        f'[channels.{CHANNEL}]\nprovider = "shopify"\nsecrets = ["s"]\n[channels.{CHANNEL}.options]\n'
        f'api_base_url = "{shop.url}"\naccess_token_env = "SHOP_OUT_TOKEN"\n'
    )
    config = WorkerConfig(
        service=service,
        worker=WorkerSettings(),
        budget=BudgetSettings(),
        breaker=BreakerSettings(),
        broker=broker_settings,
        redis=redis_settings,
        erp=ErpSettings(),
        dead=DeadLetterSettings(),
    )
    settings = ChannelApiSettings(channels_file=path, channel_api_rate_per_second=50)
    broker = build_outbound(config, settings=settings, environ={"SHOP_OUT_TOKEN": SHOPIFY_TOKEN})
    run_workers(broker)
    return broker


def tell(broker: LaneBroker, namespace: str, channel: str, notice: StockNotice) -> None:
    broker.enqueue(notice_message(channel, notice, lane_queues(namespace, Lane.OUTBOUND).ready))


def counted(redis_client: redis.Redis, namespace: str, outcome: str, channel: str = CHANNEL) -> int:
    return OutboundCounts(redis_client, namespace).read().get((channel, outcome), 0)


def test_a_level_older_than_the_latest_published_is_dropped_and_the_latest_is_told(
    broker: LaneBroker, shop: FakeShopifyAdmin, redis_client: redis.Redis, namespace: str
) -> None:
    # Given levels of versions 4 and 5 published, 5 the latest
    StockLevels(redis_client, namespace).announce(CHANNEL, "SKU-0001", 5)

    tell(broker, namespace, CHANNEL, StockNotice(sku="SKU-0001", available=8, version=4))
    tell(broker, namespace, CHANNEL, StockNotice(sku="SKU-0001", available=6, version=5))

    eventually(lambda: counted(redis_client, namespace, "sent") == 1, what="the latest level to be told")
    eventually(lambda: counted(redis_client, namespace, "superseded") == 1, what="the older one to be dropped")
    assert [level.available for level in shop.levels] == [6]


def test_a_sku_the_shop_does_not_sell_is_counted_not_dead_lettered(
    broker: LaneBroker, shop: FakeShopifyAdmin, redis_client: redis.Redis, namespace: str
) -> None:
    tell(broker, namespace, CHANNEL, StockNotice(sku="SKU-0404", available=1, version=1))

    eventually(lambda: counted(redis_client, namespace, "not_listed") == 1, what="the SKU to be counted")
    assert dead_letter_store(redis_client, namespace).select() == []


def test_a_sku_the_shop_does_not_sell_is_put_to_its_writer_once_per_level_not_once_per_read(
    broker: LaneBroker, redis_client: redis.Redis, namespace: str
) -> None:
    # Given the overlapping reads publishing one level of a SKU the shop does not sell twice
    tell(broker, namespace, CHANNEL, StockNotice(sku="SKU-0404", available=1, version=1))
    eventually(lambda: counted(redis_client, namespace, "not_listed") == 1, what="the SKU to be counted")
    tell(broker, namespace, CHANNEL, StockNotice(sku="SKU-0404", available=1, version=2))
    eventually(lambda: counted(redis_client, namespace, "unchanged") == 1, what="the copy to be dropped")

    # When the level changes
    tell(broker, namespace, CHANNEL, StockNotice(sku="SKU-0404", available=0, version=3))

    # Then the new level was put to the writer again, the copy was not
    eventually(lambda: counted(redis_client, namespace, "not_listed") == 2, what="the new level to be asked")
    assert counted(redis_client, namespace, "unchanged") == 1


def test_a_channel_without_credentials_is_dead_lettered_with_its_reason(
    broker: LaneBroker, redis_client: redis.Redis, namespace: str
) -> None:
    tell(broker, namespace, "shop-gone", StockNotice(sku="SKU-0001", available=1, version=1))

    store = dead_letter_store(redis_client, namespace)
    (reason,) = eventually(lambda: store.select(DeadLetterFilter(lane="outbound")), what="the dead letter")
    assert (reason.channel, reason.topic, reason.entity_id, reason.classification) == (
        "shop-gone",
        "stock",
        "SKU-0001",
        "permanent",
    )
    assert "no API credentials" in reason.error_message
