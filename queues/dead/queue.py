"""Taking chosen messages out of a dead-letter queue, and putting messages into queues, safely.

RabbitMQ cannot fetch a message by id, so a take scans the queue: it gets every message it holds
(unacknowledged, so none is redelivered meanwhile), hands the chosen ones to the caller, and
acknowledges only those the caller moved on; every other message is given back (requeued in
its place). A message is acknowledged only after what the caller did with it (a confirmed
publish to another queue) succeeded, so a failure halfway loses nothing.

RabbitMQ puts given-back messages back in their queue asynchronously, after the take returns; a
take waits until they are ready again (at most :data:`REQUEUE_WAIT_SECONDS`), so that a scan
right after it (a purged dead letter's parked followers, in the same queue) finds them.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Collection
from typing import Any

import pika
import pika.exceptions

from queues.errors import QueueError
from queues.nodes import blocking_connection

__all__ = ["REQUEUE_WAIT_SECONDS", "DeadLetterQueue", "Handler"]

#: The longest a take waits for the messages it gave back to be ready in their queue again, in s.
REQUEUE_WAIT_SECONDS = 5.0

#: Gets a chosen message's id and fields (Dramatiq's) and its raw body; returns whether it was
#: moved on (and may be acknowledged).
Handler = Callable[[str, dict[str, Any], bytes], bool]


class DeadLetterQueue:
    """A blocking connection to RabbitMQ at ``url`` for on-call's moves between queues."""

    def __init__(self, url: str) -> None:
        try:
            self._connection = blocking_connection(url)
            self._channel = self._connection.channel()
            self._channel.confirm_delivery()
        except pika.exceptions.AMQPError as exc:
            raise QueueError(f"cannot reach RabbitMQ: {exc!r}") from exc

    def take(self, queue: str, wanted: Collection[str], handle: Handler) -> set[str]:
        """Scan ``queue`` and hand each message whose id is ``wanted`` to ``handle``; return the
        ids of those it moved on (and that are now gone from ``queue``)."""
        try:
            fetched = self._fetch_all(queue)
            taken = self._hand_over(fetched, set(wanted), handle)
            self._await_requeued(queue, len(fetched) - len(taken))
        except pika.exceptions.AMQPError as exc:
            raise QueueError(f"RabbitMQ failed while scanning {queue}: {exc!r}") from exc
        return taken

    def publish(self, queue: str, body: bytes, message_id: str) -> None:
        """Publish ``body`` to ``queue``, persistent, and wait for RabbitMQ's confirm.

        Raises:
            QueueError: RabbitMQ refused it, could not route it, or could not be reached.
        """
        properties = pika.BasicProperties(delivery_mode=2, message_id=message_id, content_type="application/json")
        try:
            self._channel.basic_publish("", queue, body, properties=properties, mandatory=True)
        except (pika.exceptions.AMQPError, pika.exceptions.UnroutableError) as exc:
            raise QueueError(f"RabbitMQ did not take the message for {queue}: {exc!r}") from exc

    def declare(self, queue: str, arguments: dict[str, Any]) -> None:
        """Declare ``queue``, durable, with ``arguments`` (a no-op when it exists alike).

        Raises:
            QueueError: RabbitMQ refused (the queue exists with other arguments).
        """
        try:
            self._channel.queue_declare(queue, durable=True, arguments=arguments)
        except pika.exceptions.AMQPError as exc:
            raise QueueError(f"RabbitMQ would not declare {queue}: {exc!r}") from exc

    def depth(self, queue: str) -> int:
        """Messages ready in ``queue`` (0 when it does not exist)."""
        try:
            return int(self._channel.queue_declare(queue, passive=True).method.message_count)
        except pika.exceptions.ChannelClosedByBroker:
            self._channel = self._connection.channel()
            self._channel.confirm_delivery()
            return 0

    def close(self) -> None:
        if self._connection.is_open:
            self._connection.close()

    def _await_requeued(self, queue: str, given_back: int) -> None:
        """Wait until ``queue`` holds at least the ``given_back`` messages ready again (or the
        deadline passes: a message someone else took meanwhile must not hold this up for long)."""
        deadline = time.monotonic() + REQUEUE_WAIT_SECONDS
        while given_back and self.depth(queue) < given_back and time.monotonic() < deadline:
            time.sleep(0.01)

    def _fetch_all(self, queue: str) -> list[tuple[int, str, dict[str, Any], bytes]]:
        fetched = []
        for _ in range(self.depth(queue)):
            method, properties, body = self._channel.basic_get(queue, auto_ack=False)
            if method is None:
                break
            fields = _fields(body)
            message_id = properties.message_id or str(fields.get("message_id", ""))
            fetched.append((method.delivery_tag, message_id, fields, body))
        return fetched

    def _hand_over(
        self, fetched: list[tuple[int, str, dict[str, Any], bytes]], wanted: set[str], handle: Handler
    ) -> set[str]:
        taken: set[str] = set()
        acked: set[int] = set()
        try:
            for tag, message_id, fields, body in fetched:
                if message_id in wanted and message_id not in taken and handle(message_id, fields, body):
                    self._channel.basic_ack(tag)
                    acked.add(tag)
                    taken.add(message_id)
        finally:
            for tag, _, _, _ in fetched:
                if tag not in acked:
                    self._channel.basic_nack(tag, requeue=True)
        return taken


def _fields(body: bytes) -> dict[str, Any]:
    try:
        fields = json.loads(body)
    except ValueError:
        return {}
    return fields if isinstance(fields, dict) else {}
