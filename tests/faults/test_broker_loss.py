"""The receiver's connection to RabbitMQ cut under a stream of orders (through a real TCP proxy,
so the machine's RabbitMQ keeps running for everyone else): the receiver answers 503 while it
cannot publish, never 2xx for a message RabbitMQ did not confirm, and every accepted order
(including those the provider retried) is one sale."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from erp.settings import ErpSettings
from tests.faults.conftest import Fleet, assert_each_is_one_sale
from tests.support.order_feed import OrderFeed
from tests.support.proxy import TcpProxy
from tests.support.rabbit import RABBITMQ_URL, RabbitProbe

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]

CUTS = 3


@pytest.fixture
def rabbit_proxy() -> Iterator[TcpProxy]:
    proxy = TcpProxy("127.0.0.1", 5672)
    proxy.start()
    yield proxy
    proxy.stop()


def test_a_receiver_cut_off_from_rabbitmq_answers_503_and_every_accepted_order_is_one_sale(
    fleet: Fleet, feed: OrderFeed, rabbit_proxy: TcpProxy, tryton: ErpSettings, rabbit: RabbitProbe, namespace: str
) -> None:
    # Given a receiver that reaches RabbitMQ through the proxy, and a worker that reaches it directly,
    fleet.env["WEIR_BROKER_URL"] = f"amqp://guest:guest@127.0.0.1:{rabbit_proxy.port}/%2F"
    fleet.receiver()
    fleet.worker(threads=4, WEIR_BROKER_URL=RABBITMQ_URL)
    feed.start()

    for _ in range(CUTS):
        feed.wait_for_more(202, 3)
        # when the connection is cut (and no new one gets through) for a while,
        rabbit_proxy.cut()
        feed.wait_for_more(503, 2)
        rabbit_proxy.restore()

    feed.stop()
    # then the receiver said 503 while cut off and 202 otherwise, and once the provider's retries
    # went through, every order it accepted is one sale.
    feed.retry_until_accepted()
    assert set(feed.answers()) <= {202, 503}
    assert_each_is_one_sale(tryton, rabbit, namespace, [delivery.reference for delivery in feed.accepted()])


def test_an_order_whose_confirm_never_came_back_is_a_503_and_its_retry_lands_once(
    fleet: Fleet, feed: OrderFeed, rabbit_proxy: TcpProxy, tryton: ErpSettings, rabbit: RabbitProbe, namespace: str
) -> None:
    # Given a receiver that reaches RabbitMQ through the proxy, with the worker's lane filling,
    fleet.env["WEIR_BROKER_URL"] = f"amqp://guest:guest@127.0.0.1:{rabbit_proxy.port}/%2F"
    fleet.receiver()
    fleet.worker(threads=4, WEIR_BROKER_URL=RABBITMQ_URL)
    assert feed.post(feed.new()) == 202

    # when RabbitMQ takes an order but its confirm never reaches the receiver,
    delivery = feed.new()
    held = rabbit_proxy.hold_after(str(delivery.order_id).encode())
    assert feed.post(delivery) == 503
    assert held.is_set()
    rabbit_proxy.cut()
    rabbit_proxy.restore()

    # then the provider's retry is accepted, and the two copies in the lane make one sale.
    feed.retry_until_accepted()
    assert_each_is_one_sale(tryton, rabbit, namespace, [d.reference for d in feed.accepted()])
