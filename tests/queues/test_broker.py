"""The lanes' broker, on the real RabbitMQ."""

from __future__ import annotations

from typing import Any

from dramatiq.message import Message

from queues.broker import LaneBroker, build_broker
from queues.lanes import Lane
from queues.topology import lane_queues
from tests.support.rabbit import RABBITMQ_URL


def test_what_the_broker_is_handed_to_close_is_closed_after_it_in_order(namespace: str) -> None:
    broker = build_broker(RABBITMQ_URL, namespace, middleware=[], lanes=[Lane.CRITICAL])
    closed: list[str] = []
    broker.close_with(lambda: closed.append("erp"), lambda: closed.append("redis"))

    broker.close()
    broker.close()

    assert closed == ["erp", "redis"]


def test_a_publishing_connection_idle_past_the_limit_is_opened_again_before_it_is_used(namespace: str) -> None:
    now = [0.0]
    broker = LaneBroker(url=RABBITMQ_URL, confirm_delivery=True, idle_reconnect_seconds=30, clock=lambda: now[0])
    queue = lane_queues(namespace, Lane.CRITICAL).ready
    broker.declare_queue(queue)
    message: Message[Any] = Message(queue_name=queue, actor_name="noop", args=(), kwargs={}, options={})
    try:
        # As a consumer thread does at start-up: its queue declared on the thread's channel.
        first = broker.channel.connection
        now[0] += 29
        broker.enqueue(message)
        kept = broker.connection
        now[0] += 31
        broker.enqueue(message)
        now[0] += 31
        broker.enqueue(message)

        assert kept is first
        assert broker.connection is not first
        assert first.is_closed
        assert broker.channel.queue_declare(queue, passive=True).method.message_count == 3
    finally:
        broker.close()
