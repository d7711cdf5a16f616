"""What RabbitMQ says of a queue without touching its messages: how many are ready, and how
many consumers (worker processes, one each) take from it.

Both come from one passive ``queue.declare``, which every RabbitMQ answers without the
management plugin. Its count leaves out the messages consumers hold unacknowledged.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType

import pika
import pika.exceptions

from queues.errors import QueueError
from queues.nodes import blocking_connection

__all__ = ["QueueCount", "QueueCounter"]


@dataclass(frozen=True)
class QueueCount:
    """A queue's messages ready for a consumer, and its consumers (both 0 when it does not exist)."""

    ready: int
    consumers: int


class QueueCounter:
    """A blocking connection to RabbitMQ at ``url`` that counts queues; use it in a ``with``.

    Raises:
        QueueError: RabbitMQ cannot be reached, or fails while counting.
    """

    def __init__(self, url: str) -> None:
        try:
            self._connection = blocking_connection(url)
            self._channel = self._connection.channel()
        except pika.exceptions.AMQPError as exc:
            raise QueueError(f"cannot reach RabbitMQ: {exc!r}") from exc

    def __enter__(self) -> QueueCounter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def count(self, queue: str) -> QueueCount:
        """What ``queue`` holds ready and who consumes it."""
        try:
            method = self._channel.queue_declare(queue, passive=True).method
        except pika.exceptions.ChannelClosedByBroker:
            # A queue nobody declared yet is an empty one; RabbitMQ closed the channel to say so.
            self._channel = self._reopened()
            return QueueCount(ready=0, consumers=0)
        except pika.exceptions.AMQPError as exc:
            raise QueueError(f"RabbitMQ failed while counting {queue}: {exc!r}") from exc
        return QueueCount(ready=int(method.message_count), consumers=int(method.consumer_count))

    def close(self) -> None:
        if self._connection.is_open:
            self._connection.close()

    def _reopened(self) -> pika.adapters.blocking_connection.BlockingChannel:
        try:
            return self._connection.channel()
        except pika.exceptions.AMQPError as exc:
            raise QueueError(f"RabbitMQ failed while counting: {exc!r}") from exc
