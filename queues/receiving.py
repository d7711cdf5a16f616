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
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable, Sequence
from typing import Any

from dramatiq import Broker
from dramatiq.broker import Consumer, MessageProxy

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

    def __next__(self) -> MessageProxy | None:
        if self._ready:
            return self._ready.popleft()
        first = next(self._inner)
        if first is None:
            return None
        burst = [first]
        while len(burst) < self._burst and self._waiting() > 0:
            message = next(self._inner)
            if message is None:
                break
            burst.append(message)
        current = [message for message in burst if "eta" not in message.options]
        if current:
            _emit(self._broker, "after_receive_messages", current)
        self._ready.extend(burst[1:])
        return first

    def ack(self, message: MessageProxy) -> None:
        self._inner.ack(message)

    def nack(self, message: MessageProxy) -> None:
        self._inner.nack(message)

    def requeue(self, messages: Iterable[MessageProxy]) -> None:
        self._inner.requeue(messages)

    def close(self) -> None:
        dropped, self._ready = list(self._ready), deque()
        if dropped:
            _emit(self._broker, "after_drop_messages", dropped)
        self._inner.close()

    def _waiting(self) -> int:
        # Deliveries pika has read off the socket already: taking them does not block.
        channel: Any = getattr(self._inner, "channel", None)
        return int(channel.get_waiting_message_count()) if channel is not None else 0


def _emit(broker: Broker, hook: str, messages: Sequence[MessageProxy]) -> None:
    for middleware in broker.middleware:
        method = getattr(middleware, hook, None)
        if method is None:
            continue
        try:
            method(broker, messages)
        except Exception:
            logger.exception("%s.%s failed; the messages go on without it", type(middleware).__name__, hook)
