"""Dead letters made by hand: a Dramatiq message in a lane's XQ and its reason in Redis, as a
worker's retry policy leaves them, without running a worker."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import pika

from queues.dead import DeadLetterReason, DeadLetterStore
from queues.lanes import Lane
from queues.topology import DEAD_LETTER_ARGUMENTS, declarations, lane_queues, quarantine_queue
from tests.support.rabbit import RABBITMQ_URL

__all__ = ["DeadLetterSeeder"]


class DeadLetterSeeder:
    """Declares a namespace's lanes and quarantine, as on-call's tools do, and puts dead letters
    into the lanes."""

    def __init__(self, namespace: str, store: DeadLetterStore, url: str = RABBITMQ_URL) -> None:
        self._namespace = namespace
        self._store = store
        self._connection = pika.BlockingConnection(pika.URLParameters(url))
        self._channel = self._connection.channel()
        self._channel.confirm_delivery()
        for lane in Lane:
            for name, arguments in declarations(namespace, lane):
                self._channel.queue_declare(name, durable=True, arguments=arguments)
        self._channel.queue_declare(quarantine_queue(namespace), durable=True, arguments=DEAD_LETTER_ARGUMENTS)

    def seed(
        self,
        *,
        lane: Lane = Lane.CRITICAL,
        error_class: str = "UnknownSku",
        error_message: str = "unknown SKU SKU-0099",
        classification: str = "permanent",
        replays: int = 0,
        args: list[Any] | None = None,
        **facts: str | None,
    ) -> DeadLetterReason:
        """One dead letter in ``lane``; returns its reason (its ``message_id`` names it)."""
        message_id = str(uuid.uuid4())
        queue = lane_queues(self._namespace, lane).ready
        options: dict[str, Any] = {"weir": {"failures": 1}}
        if replays:
            options["weir_replays"] = replays
        body = json.dumps(
            {
                "queue_name": queue,
                "actor_name": "apply_event",
                "args": args if args is not None else [{"event_id": message_id}],
                "kwargs": {},
                "options": options,
                "message_id": message_id,
                "message_timestamp": int(time.time() * 1000),
            }
        ).encode()
        properties = pika.BasicProperties(delivery_mode=2, message_id=message_id)
        self._channel.basic_publish("", lane_queues(self._namespace, lane).dead, body, properties=properties)
        now = datetime.now(UTC)
        reason = DeadLetterReason.grouped(
            message_id=message_id,
            queue=queue,
            lane=lane.value,
            channel=facts.get("channel", "shop-us"),
            topic=facts.get("topic", "order.created"),
            entity_id=facts.get("entity_id", "1001"),
            entity_key=facts.get("entity_key"),
            blocked_by=facts.get("blocked_by"),
            event_id=message_id,
            correlation_id=facts.get("correlation_id", "corr-1"),
            error_class=error_class,
            error_message=error_message,
            classification=classification,
            attempts=1,
            first_failure_at=now,
            last_failure_at=now,
            dead_lettered_at=now,
            replays=replays,
        )
        self._store.record(reason, body)
        return reason

    def close(self) -> None:
        if self._connection.is_open:
            self._connection.close()
