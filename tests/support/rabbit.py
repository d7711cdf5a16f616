"""Looking into the real RabbitMQ from tests: counts, messages, clean-up of a namespace's queues."""

from __future__ import annotations

import json
from typing import Any

import pika
import pika.exceptions

from queues.lanes import Lane
from queues.topology import lane_queues, quarantine_queue

__all__ = ["RABBITMQ_URL", "RabbitProbe"]

RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672/%2F"


class RabbitProbe:
    """A blocking connection for assertions about queues (never used by the code under test)."""

    def __init__(self, url: str = RABBITMQ_URL) -> None:
        self._connection = pika.BlockingConnection(pika.URLParameters(url))
        self._channel = self._connection.channel()

    def count(self, queue: str) -> int:
        """Messages ready in ``queue`` (0 when it does not exist)."""
        try:
            return int(self._channel.queue_declare(queue, passive=True).method.message_count)
        except pika.exceptions.ChannelClosedByBroker:
            self._channel = self._connection.channel()
            return 0

    def messages(self, queue: str) -> list[dict[str, Any]]:
        """Take every message ready in ``queue``, decoded as JSON, and requeue them all."""
        bodies, tags = [], []
        while True:
            method, _, body = self._channel.basic_get(queue, auto_ack=False)
            if method is None:
                break
            bodies.append(json.loads(body))
            tags.append(method.delivery_tag)
        if tags:
            self._channel.basic_nack(tags[-1], multiple=True, requeue=True)
        return bodies

    def purge(self, queue: str) -> None:
        """Drop every message ready in ``queue``."""
        self._channel.queue_purge(queue)

    def delete_namespace(self, namespace: str) -> None:
        """Delete every queue of every lane of ``namespace``, and its quarantine."""
        for lane in Lane:
            queues = lane_queues(namespace, lane)
            for name in (queues.ready, queues.delayed, queues.dead):
                self._channel.queue_delete(name)
        self._channel.queue_delete(quarantine_queue(namespace))

    def close(self) -> None:
        if self._connection.is_open:
            self._connection.close()
