"""The Dramatiq broker every worker (and any synchronous publisher) uses."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from dramatiq.broker import Consumer
from dramatiq.brokers.rabbitmq import RabbitmqBroker
from dramatiq.common import xq_name
from dramatiq.middleware import Middleware

from queues.lanes import Lane
from queues.receiving import ReceivingConsumer
from queues.topology import DEAD_LETTER_ARGUMENTS, lane_queues, ready_arguments

__all__ = ["LaneBroker", "build_broker"]


class LaneBroker(RabbitmqBroker):
    """A RabbitMQ broker that declares the lanes exactly as :mod:`queues.topology` states them.

    Dramatiq gives dead-letter queues a 7-day message TTL, after which dead letters vanish
    without anyone having looked at them; Weir keeps them until someone acts on them.

    What the broker's middleware and actors hold open (Redis clients, background writers) is
    handed to :meth:`close_with` and closed, in order, after the broker's own connections.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._closers: list[Callable[[], object]] = []

    def close_with(self, *closers: Callable[[], object]) -> None:
        """Call each of ``closers`` when the broker closes."""
        self._closers.extend(closers)

    def close(self) -> None:
        super().close()
        closers, self._closers = self._closers, []
        for close in closers:
            close()

    def consume(self, queue_name: str, prefetch: int = 1, timeout: int = 5000) -> Consumer:
        """Dramatiq's consumer, handing its bursts of messages to middleware that take them
        (:mod:`queues.receiving`)."""
        return ReceivingConsumer(super().consume(queue_name, prefetch, timeout), self, burst=prefetch)

    def _build_queue_arguments(self, queue_name: str) -> dict[str, Any]:
        return ready_arguments(queue_name)

    def _declare_xq_queue(self, queue_name: str) -> Any:
        return self.channel.queue_declare(queue=xq_name(queue_name), durable=True, arguments=DEAD_LETTER_ARGUMENTS)


def build_broker(
    url: str,
    namespace: str,
    *,
    middleware: Iterable[Middleware],
    lanes: Iterable[Lane] = tuple(Lane),
) -> LaneBroker:
    """A broker with publisher confirms on, the given middleware only, and ``lanes`` declared.

    Publisher confirms make every enqueue (retries and deferrals included) return only once
    RabbitMQ holds the message, so the message being processed can be acked safely after it.
    """
    broker = LaneBroker(url=url, confirm_delivery=True, middleware=list(middleware))
    for lane in lanes:
        broker.declare_queue(lane_queues(namespace, lane).ready)
    return broker
