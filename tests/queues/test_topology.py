"""The lanes' queues in the real RabbitMQ: declared the same way by every process."""

from __future__ import annotations

import asyncio

import pika
import pika.exceptions
import pytest
from dramatiq.middleware import Middleware

from queues.broker import build_broker
from queues.lanes import Lane
from queues.publisher import ConfirmedPublisher
from queues.topology import DEAD_LETTER_ARGUMENTS, lane_queues
from tests.support.rabbit import RABBITMQ_URL, RabbitProbe


def declare_with_the_publisher(namespace: str) -> None:
    publisher = ConfirmedPublisher(RABBITMQ_URL, [lane_queues(namespace, lane) for lane in Lane], connect_timeout=5)

    async def run() -> None:
        assert await publisher.check()
        await publisher.close()

    asyncio.run(run())


def test_the_receivers_and_the_workers_declare_identical_queues(namespace: str, rabbit: RabbitProbe) -> None:
    # Given the receiver declared the lanes, when a worker's broker declares them too,
    # then RabbitMQ accepts both (different arguments would close the channel).
    declare_with_the_publisher(namespace)
    broker = build_broker(RABBITMQ_URL, namespace, middleware=[Middleware()])
    try:
        for lane in Lane:
            broker.declare_queue(lane_queues(namespace, lane).ready, ensure=True)
    finally:
        broker.close()
    assert rabbit.count(lane_queues(namespace, Lane.BULK).dead) == 0


def test_dead_letters_carry_no_ttl(namespace: str) -> None:
    declare_with_the_publisher(namespace)
    dead = lane_queues(namespace, Lane.CRITICAL).dead
    connection = pika.BlockingConnection(pika.URLParameters(RABBITMQ_URL))
    try:
        channel = connection.channel()
        channel.queue_declare(dead, durable=True, arguments=DEAD_LETTER_ARGUMENTS)
        with pytest.raises(pika.exceptions.ChannelClosedByBroker, match="PRECONDITION_FAILED"):
            ttl = {**DEAD_LETTER_ARGUMENTS, "x-message-ttl": 7 * 86_400_000}
            channel.queue_declare(dead, durable=True, arguments=ttl)
    finally:
        connection.close()
