"""Redis lost and started again empty (no append-only file), on a redis-server of the test's own:
the dedupe marks are gone, so providers' retries of deliveries already enqueued are accepted and
enqueued again; with Redis away the entity locks hold only within each worker process, so two
workers race the copies. The ERP's unique sale reference keeps each order one sale, shipped once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from erp.settings import ErpSettings
from queues.dead import DeadLetterStore
from tests.faults.conftest import LANDING_SECONDS, Fleet, assert_each_is_one_sale
from tests.support.net import eventually
from tests.support.order_feed import OrderFeed, sales_by_reference, shipments_by_reference
from tests.support.rabbit import RabbitProbe
from tests.support.redis_server import RedisServer

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]

ORDERS = 8


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    directory = tmp_path / "redis"
    directory.mkdir()
    server = RedisServer(directory).start()
    yield server
    server.kill()


def test_redis_lost_under_a_stream_of_orders_and_back_empty_accepts_retries_again_and_each_order_stays_one_sale(
    fleet: Fleet, feed: OrderFeed, own_redis: RedisServer, tryton: ErpSettings, rabbit: RabbitProbe, namespace: str
) -> None:
    # Given a fleet on its own Redis, taking a stream of orders,
    fleet.env["WEIR_REDIS_URL"] = own_redis.url
    fleet.receiver()
    fleet.worker(threads=4)
    feed.start()
    feed.wait_for_more(202, 3)

    # when Redis dies (the receiver answers 503 meanwhile) and comes back empty,
    before = feed.accepted()[:-1]  # the last one's dedupe mark may still be on its way
    own_redis.kill()
    feed.wait_for_more(503, 2)
    own_redis.start()
    feed.wait_for_more(202, 3)
    feed.stop()

    # then a provider's retry of a delivery enqueued before is accepted (and enqueued) again,
    assert [feed.post(delivery) for delivery in before] == [202] * len(before)
    # and once the refused ones went through too, every order is one sale.
    feed.retry_until_accepted()
    assert set(feed.answers()) <= {202, 503}
    assert_each_is_one_sale(tryton, rabbit, namespace, [delivery.reference for delivery in feed.accepted()])


def test_two_workers_racing_two_copies_of_each_order_and_its_fulfilment_with_redis_away_make_one_shipped_sale(
    fleet: Fleet, feed: OrderFeed, own_redis: RedisServer, tryton: ErpSettings, rabbit: RabbitProbe, namespace: str
) -> None:
    # Given orders and their fulfilments accepted, not yet applied (no worker runs),
    fleet.env["WEIR_REDIS_URL"] = own_redis.url
    fleet.receiver()
    orders = [feed.new() for _ in range(ORDERS)]
    deliveries = orders + [feed.fulfilment_of(order) for order in orders]
    assert [feed.post(delivery) for delivery in deliveries] == [202] * len(deliveries)

    # when Redis comes back empty and the provider retries every delivery, enqueuing a second copy,
    own_redis.kill()
    own_redis.start()
    assert [feed.post(delivery) for delivery in deliveries] == [202] * len(deliveries)
    # and two worker processes race the copies with Redis away (entity locks hold only within each),
    own_redis.kill()
    fleet.worker("critical,standard", threads=4)
    fleet.worker("critical,standard", threads=4)

    references = [order.reference for order in orders]
    eventually(
        lambda: set(sales_by_reference(tryton, references)) == set(references),
        timeout=LANDING_SECONDS,
        interval=0.5,
        what="each order to be a sale",
    )
    # (and Redis comes back, empty, to keep whatever reasons a copy was dead-lettered for),
    own_redis.start()

    # then each order is one sale, shipped once, and nothing was dead-lettered.
    assert_each_is_one_sale(tryton, rabbit, namespace, references)
    client = redis.Redis.from_url(own_redis.url)
    try:
        reasons = DeadLetterStore(client, prefix=f"{namespace}:dead:").select()
    finally:
        client.close()
    assert [(reason.topic, reason.error_class, reason.error_message) for reason in reasons] == []
    # (a copy retried while the lanes drained may still be driving its shipment: it gets a while)
    expected = {reference: ["done"] for reference in references}
    try:
        eventually(lambda: shipments_by_reference(tryton, references) == expected, timeout=30, interval=0.5)
    except AssertionError:
        assert shipments_by_reference(tryton, references) == expected, "each sale's one shipment to be done"
        raise
