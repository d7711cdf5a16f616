"""The lanes' broker, on the real RabbitMQ."""

from __future__ import annotations

from queues.broker import build_broker
from queues.lanes import Lane
from tests.support.rabbit import RABBITMQ_URL


def test_what_the_broker_is_handed_to_close_is_closed_after_it_in_order(namespace: str) -> None:
    broker = build_broker(RABBITMQ_URL, namespace, middleware=[], lanes=[Lane.CRITICAL])
    closed: list[str] = []
    broker.close_with(lambda: closed.append("erp"), lambda: closed.append("redis"))

    broker.close()
    broker.close()

    assert closed == ["erp", "redis"]
