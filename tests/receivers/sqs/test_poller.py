"""The SQS poller against a local SQS (moto's server) and real Redis and RabbitMQ.

A message leaves the queue only once its event is in a lane, or known as a duplicate.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import pytest

from channels import AmazonOptions
from events.envelope import EventEnvelope
from queues.lanes import Lane
from queues.topology import lane_queues
from receivers.config import ReceiverConfig
from receivers.runtime import IntakeRuntime
from receivers.sqs import QueueUnavailable, SqsPoller, SqsQueue
from samples.payloads import amazon_order_change, encode
from tests.receivers.sqs.conftest import CHANNEL
from tests.support.proxy import TcpProxy
from tests.support.rabbit import RabbitProbe
from tests.support.sqs import SqsProbe

T = TypeVar("T")


def enqueued(rabbit: RabbitProbe, namespace: str, lane: Lane) -> list[EventEnvelope]:
    return [EventEnvelope.model_validate(raw["args"][0]) for raw in rabbit.messages(lane_queues(namespace, lane).ready)]


def with_poller(config: ReceiverConfig, scenario: Callable[[SqsPoller], Awaitable[T]]) -> T:
    """Run ``scenario`` with a poller on the Amazon channel's queue, on its own event loop."""

    async def run() -> T:
        runtime = IntakeRuntime(config, config.channels_on("sqs"))
        options = config.channels[CHANNEL].options
        assert isinstance(options, AmazonOptions)
        try:
            return await scenario(SqsPoller(CHANNEL, SqsQueue(options), runtime.intake))
        finally:
            await runtime.close()

    return asyncio.run(run())


async def drain(poller: SqsPoller, expected: int, timeout: float = 15.0) -> int:
    """Poll until ``expected`` messages were deleted in all (or fail after ``timeout`` s)."""
    deadline, deleted = time.monotonic() + timeout, 0
    while deleted < expected:
        assert time.monotonic() < deadline, f"only {deleted} of {expected} messages deleted in {timeout} s"
        deleted += await poller.poll_once()
    return deleted


def test_a_notification_is_enqueued_in_its_lane_then_deleted_from_the_queue(
    amazon_config: ReceiverConfig, sqs_probe: SqsProbe, rabbit: RabbitProbe, namespace: str
) -> None:
    sqs_probe.send(encode(amazon_order_change("903-1", notification_id="n-1")))

    assert with_poller(amazon_config, lambda poller: drain(poller, 1)) == 1

    [envelope] = enqueued(rabbit, namespace, Lane.STANDARD)
    assert (envelope.channel, envelope.provider, envelope.delivery_id) == (CHANNEL, "amazon", "n-1")
    assert (envelope.topic, envelope.entity_id) == ("order.updated", "903-1")
    assert sqs_probe.left() == 0


def test_a_cancellation_travels_in_the_critical_lane(
    amazon_config: ReceiverConfig, sqs_probe: SqsProbe, rabbit: RabbitProbe, namespace: str
) -> None:
    sqs_probe.send(encode(amazon_order_change("903-2", status="Canceled")))

    with_poller(amazon_config, lambda poller: drain(poller, 1))

    assert [envelope.topic for envelope in enqueued(rabbit, namespace, Lane.CRITICAL)] == ["order.cancelled"]


def test_a_notification_delivered_twice_is_enqueued_once_and_both_copies_are_deleted(
    amazon_config: ReceiverConfig, sqs_probe: SqsProbe, rabbit: RabbitProbe, namespace: str
) -> None:
    body = encode(amazon_order_change("903-3", notification_id="n-3"))
    sqs_probe.send(body)
    sqs_probe.send(body)

    with_poller(amazon_config, lambda poller: drain(poller, 2))

    assert len(enqueued(rabbit, namespace, Lane.STANDARD)) == 1
    assert sqs_probe.left() == 0


def test_when_rabbitmq_cannot_confirm_the_message_stays_in_sqs_until_it_can(
    amazon_config: ReceiverConfig, sqs_probe: SqsProbe, rabbit: RabbitProbe, namespace: str
) -> None:
    proxy = TcpProxy("127.0.0.1", 5672)
    port = proxy.start()
    broker = amazon_config.broker.model_copy(update={"url": f"amqp://guest:guest@127.0.0.1:{port}/%2F"})
    # A publish retries until the deadline; this one gives up well within SQS's 1 s visibility.
    receiver = amazon_config.receiver.model_copy(update={"enqueue_timeout_seconds": 0.5})
    config = dataclasses.replace(amazon_config, broker=broker, receiver=receiver)
    sqs_probe.send(encode(amazon_order_change("903-4")))

    async def scenario(poller: SqsPoller) -> tuple[int, tuple[int, int], int, int]:
        # Given RabbitMQ is unreachable, the polled message is refused and not deleted
        proxy.cut()
        refused = await poller.poll_once()
        after_refusal = sqs_probe.counts()
        # Then once RabbitMQ is back, SQS's redelivery is enqueued and deleted
        proxy.restore()
        return refused, after_refusal, await drain(poller, 1), sqs_probe.left()

    try:
        refused, after_refusal, deleted, left = with_poller(config, scenario)
    finally:
        proxy.stop()

    assert (refused, after_refusal) == (0, (0, 1))  # received, kept, invisible until SQS redelivers it
    assert (deleted, left) == (1, 0)
    assert len(enqueued(rabbit, namespace, Lane.STANDARD)) == 1


def test_an_unreadable_message_stays_in_sqs_for_its_redrive_policy(
    amazon_config: ReceiverConfig, sqs_probe: SqsProbe, rabbit: RabbitProbe, namespace: str
) -> None:
    sqs_probe.send(b'{"NotificationType": "ORDER_CHANGE"}')

    deleted = with_poller(amazon_config, lambda poller: poller.poll_once())

    assert (deleted, sqs_probe.left()) == (0, 1)
    assert sum(rabbit.count(lane_queues(namespace, lane).ready) for lane in Lane) == 0


def test_an_unreachable_sqs_is_a_queue_unavailable_error(
    amazon_config: ReceiverConfig, aws_env: dict[str, str]
) -> None:
    options = AmazonOptions(queue_url="http://127.0.0.1:9/000000000000/nowhere", endpoint_url="http://127.0.0.1:9")

    with pytest.raises(QueueUnavailable):
        asyncio.run(SqsQueue(options).receive())
