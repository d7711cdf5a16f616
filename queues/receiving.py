"""Messages as they arrive together, for middleware that can act on several in one go.

Dramatiq hands each message to middleware one at a time, on the worker thread that processes
it. A hook that needs a Redis round trip per message (an entity's lock) then costs every worker
thread one wait for Redis and another for the interpreter lock. RabbitMQ delivers a consumer's
prefetched messages in bursts; :class:`ReceivingConsumer` hands each burst to the middleware
that define these hooks, on the consumer's thread, before any of its messages is processed:

``after_receive_messages(broker, messages)``
    ``messages`` (in delivery order) just arrived; none is processed yet. Delayed messages
    (Dramatiq's ``eta``) are left out: they come back later as new deliveries.
``after_drop_messages(broker, messages)``
    ``messages`` were received but will not be processed by this consumer (it closed before
    handing them on; RabbitMQ delivers them again).

A hook that raises is logged and the messages go on as if it were not there.

It also settles its messages through :class:`~queues.acks.ChannelAcks`, which sends the acks
that worker threads make in the same moment together, instead of one pass of pika's I/O loop each.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from dramatiq import Broker
from dramatiq.broker import Consumer, MessageProxy
from dramatiq.errors import ConnectionClosed
from pika.exceptions import AMQPError

from queues.acks import ChannelAcks

__all__ = ["ReceivingConsumer"]

logger = logging.getLogger(__name__)


class ReceivingConsumer(Consumer):
    """Wraps ``inner`` (a RabbitMQ consumer of ``broker``), taking up to ``burst`` messages at a
    time: the first as Dramatiq asks for it, then those already read off the connection."""

    def __init__(self, inner: Consumer, broker: Broker, *, burst: int) -> None:
        self._inner = inner
        self._broker = broker
        self._burst = max(1, burst)
        self._ready: deque[MessageProxy] = deque()
        self._acks = _channel_acks(inner)

    def __next__(self) -> MessageProxy | None:
        if self._ready:
            return self._ready.popleft()
        first = self._next()
        if first is None:
            return None
        burst = [first]
        while len(burst) < self._burst and self._waiting() > 0:
            message = self._next()
            if message is None:
                break
            burst.append(message)
        current = [message for message in burst if "eta" not in message.options]
        if current:
            _emit(self._broker, "after_receive_messages", current)
        self._ready.extend(burst[1:])
        return first

    def ack(self, message: MessageProxy) -> None:
        if self._acks is None:
            self._inner.ack(message)
        else:
            self._settle(self._acks.ack, message)

    def nack(self, message: MessageProxy) -> None:
        if self._acks is None:
            self._inner.nack(message)
        else:
            self._settle(self._acks.nack, message)

    def requeue(self, messages: Iterable[MessageProxy]) -> None:
        self._inner.requeue(messages)

    def close(self) -> None:
        dropped, self._ready = list(self._ready), deque()
        if dropped:
            _emit(self._broker, "after_drop_messages", dropped)
        self._inner.close()

    def _next(self) -> MessageProxy | None:
        message = next(self._inner)
        if message is not None and self._acks is not None:
            try:
                self._acks.delivered(_tag(message), message)
            except AMQPError as exc:
                raise ConnectionClosed(exc) from None  # type: ignore[no-untyped-call]
        return message

    def _settle(self, settle: Callable[[int, object], bool], message: MessageProxy) -> None:
        tag = _tag(message)
        try:
            settled = settle(tag, message)
        except AMQPError as exc:
            raise ConnectionClosed(exc) from None  # type: ignore[no-untyped-call]
        if not settled:
            logger.warning("Message %s came through an earlier connection (or was settled already): "
                           "RabbitMQ delivers it again.", message.message_id)  # fmt: skip
            return
        # Dramatiq's consumer keeps the tags it has not settled; these it never will.
        self._inner.known_tags.discard(tag)  # type: ignore[attr-defined]

    def _waiting(self) -> int:
        # Deliveries pika has read off the socket already: taking them does not block.
        channel: Any = getattr(self._inner, "channel", None)
        return int(channel.get_waiting_message_count()) if channel is not None else 0


def _channel_acks(inner: Consumer) -> ChannelAcks | None:
    connection: Any = getattr(inner, "connection", None)
    channel: Any = getattr(inner, "channel", None)
    if connection is None or channel is None or not hasattr(inner, "known_tags"):
        return None
    # pika's own channel under the blocking one writes frames without waiting for each to leave.
    return ChannelAcks(channel, connection.add_callback_threadsafe, unflushed=getattr(channel, "_impl", None))


def _tag(message: MessageProxy) -> int:
    # Dramatiq's RabbitMQ messages carry their delivery tag under this name.
    return int(message._tag)


def _emit(broker: Broker, hook: str, messages: Sequence[MessageProxy]) -> None:
    for middleware in broker.middleware:
        method = getattr(middleware, hook, None)
        if method is None:
            continue
        try:
            method(broker, messages)
        except Exception:
            logger.exception("%s.%s failed; the messages go on without it", type(middleware).__name__, hook)
