"""Confirmed publishing: it returns only once RabbitMQ holds the message, and says so when not."""

from __future__ import annotations

import asyncio

import pytest

from queues.errors import PublishFailed
from queues.lanes import Lane
from queues.publisher import ConfirmedPublisher
from queues.topology import lane_queues
from tests.support.net import free_port
from tests.support.rabbit import RABBITMQ_URL, RabbitProbe


def test_a_confirmed_publish_is_in_the_queue_when_it_returns(namespace: str, rabbit: RabbitProbe) -> None:
    lanes = [lane_queues(namespace, lane) for lane in Lane]
    publisher = ConfirmedPublisher(RABBITMQ_URL, lanes, connect_timeout=5)

    async def run() -> None:
        await asyncio.gather(*(publisher.publish(lanes[0].ready, b"{}", message_id=f"m{n}") for n in range(50)))
        await publisher.close()

    asyncio.run(run())
    assert rabbit.count(lanes[0].ready) == 50


def test_a_publish_to_a_queue_that_does_not_exist_fails(namespace: str) -> None:
    publisher = ConfirmedPublisher(RABBITMQ_URL, [lane_queues(namespace, Lane.CRITICAL)], connect_timeout=5)

    async def run() -> None:
        try:
            with pytest.raises(PublishFailed, match="did not confirm"):
                await publisher.publish(f"{namespace}.nowhere", b"{}", message_id="m1")
        finally:
            await publisher.close()

    asyncio.run(run())


def test_an_unreachable_rabbitmq_fails_fast_and_is_retried_later(namespace: str) -> None:
    url = f"amqp://guest:guest@127.0.0.1:{free_port()}/%2F"
    publisher = ConfirmedPublisher(url, [lane_queues(namespace, Lane.CRITICAL)], connect_timeout=5, retry_interval=60)

    async def run() -> None:
        with pytest.raises(PublishFailed, match="unreachable"):
            await publisher.publish("q", b"{}", message_id="m1")
        # Within the retry interval, a publish does not even try to connect.
        with pytest.raises(PublishFailed, match="not retrying yet"):
            await publisher.publish("q", b"{}", message_id="m2")
        assert not await publisher.check()

    asyncio.run(run())
