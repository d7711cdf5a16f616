"""The Dramatiq broker every worker (and any synchronous publisher) uses."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from dramatiq.broker import Consumer
from dramatiq.brokers.rabbitmq import RabbitmqBroker
from dramatiq.common import current_millis, dq_name, xq_name
from dramatiq.errors import ConnectionClosed
from dramatiq.message import Message
from dramatiq.middleware import Middleware

from queues.errors import PublishFailed
from queues.lanes import Lane
from queues.nodes import pika_parameters
from queues.process_publisher import ProcessPublisher
from queues.publisher import ConfirmedPublisher
from queues.receiving import ReceivingConsumer
from queues.settings import split_urls
from queues.topology import DEAD_LETTER_ARGUMENTS, lane_queues, ready_arguments
from queues.upgrade import check_lanes

__all__ = ["LaneBroker", "build_broker"]

#: Dramatiq's own number of attempts at an enqueue.
_PUBLISH_ATTEMPTS = 3

#: How long a worker's publish (a retry, a deferral) keeps retrying, in seconds: long enough
#: for a cluster to elect new queue leaders after losing a node.
PUBLISH_RETRY_SECONDS = 10.0


class LaneBroker(RabbitmqBroker):
    """A RabbitMQ broker that declares the lanes exactly as :mod:`queues.topology` states them.

    Dramatiq gives dead-letter queues a 7-day message TTL, after which dead letters vanish
    without anyone having looked at them; Weir keeps them until someone acts on them.

    Messages are published through ``publisher``, one connection per process serviced by a
    thread of its own (:mod:`queues.process_publisher`), not through Dramatiq's per-thread
    blocking connections, which RabbitMQ closes once their thread has been idle for a minute.
    The per-thread connections only declare queues, and are closed as soon as they have.
    Dramatiq's ``broker_priority`` option is not carried: lanes, not priorities, order the work.

    What the broker's middleware and actors hold open (Redis clients, background writers) is
    handed to :meth:`close_with` and closed, in order, after the broker's own connections.
    """

    def __init__(self, url: str, *, publisher: ProcessPublisher, **kwargs: Any) -> None:
        super().__init__(url=split_urls(url), **kwargs)
        # Every node of a cluster, tried in order by each new connection (:mod:`queues.nodes`).
        self.parameters = pika_parameters(url)
        self._publisher = publisher
        self._closers: list[Callable[[], object]] = [publisher.close]

    def close_with(self, *closers: Callable[[], object]) -> None:
        """Call each of ``closers`` when the broker closes."""
        self._closers.extend(closers)

    def close(self) -> None:
        super().close()
        closers, self._closers = self._closers, []
        for close in closers:
            close()

    def enqueue(self, message: Message[Any], *, delay: int | None = None) -> Message[Any]:
        """Publish ``message``, or a copy of it due ``delay`` milliseconds from now into the
        queue's delay queue, and return once RabbitMQ confirmed it.

        Raises:
            dramatiq.errors.ConnectionClosed: RabbitMQ did not confirm it after three attempts.
        """
        canonical = message.queue_name
        if delay is not None:
            message = message.copy(queue_name=dq_name(canonical), options={"eta": current_millis() + delay})
        self.declare_queue(canonical, ensure=True)
        self.emit_before("enqueue", message, delay)
        body = message.encode()
        for attempt in range(1, _PUBLISH_ATTEMPTS + 1):
            try:
                self._publisher.publish(message.queue_name, body, message_id=message.message_id)
                break
            except PublishFailed as exc:
                # The next attempt reconnects when the connection was lost under this one.
                if attempt == _PUBLISH_ATTEMPTS:
                    raise ConnectionClosed(exc) from exc  # type: ignore[no-untyped-call]
        self.emit_after("enqueue", message, delay)
        return message

    def consume(self, queue_name: str, prefetch: int = 1, timeout: int = 5000) -> Consumer:
        """Dramatiq's consumer, handing its bursts of messages to middleware that take them
        (:mod:`queues.receiving`)."""
        return ReceivingConsumer(super().consume(queue_name, prefetch, timeout), self, burst=prefetch)

    def _ensure_queue(self, canonical_queue_name: str) -> None:
        if canonical_queue_name not in self.queues_pending:
            return
        super()._ensure_queue(canonical_queue_name)  # type: ignore[no-untyped-call]
        # This thread's connection was opened to declare; left open, RabbitMQ would close it
        # for missed heartbeats and its thread would meet the reset on its next use.
        del self.connection

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
    connect_timeout: float = 5.0,
) -> LaneBroker:
    """A broker with publisher confirms on, the given middleware only, and ``lanes`` declared.

    Publisher confirms make every enqueue (retries and deferrals included) return only once
    RabbitMQ holds the message, so the message being processed can be acked safely after it.
    ``url`` is one RabbitMQ URL or a cluster's nodes separated by commas. ``connect_timeout``
    (seconds) bounds opening the publishing connection.

    Raises:
        LaneUpgradeNeeded: a lane is still an earlier Weir's classic queue with work in it.
    """
    lanes = tuple(lanes)
    check_lanes(url, namespace, lanes)
    queues = [lane_queues(namespace, lane) for lane in lanes]
    publisher = ProcessPublisher(
        lambda: ConfirmedPublisher(url, queues, connect_timeout=connect_timeout, retry_seconds=PUBLISH_RETRY_SECONDS)
    )
    broker = LaneBroker(url=url, confirm_delivery=True, middleware=list(middleware), publisher=publisher)
    for lane_queue in queues:
        broker.declare_queue(lane_queue.ready)
    return broker
