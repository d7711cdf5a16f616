"""The console against the real RabbitMQ and Redis: dead letters seeded as the workers leave
them (the message in its lane's XQ, the reason in Redis), and the console served for real."""

from __future__ import annotations

import json
import re
import secrets
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx
import pika
import pytest
import redis

from console import build_config, create_app
from queues.dead import Classification, DeadLetterReason, FailureRecord, dead_letter_store
from queues.lanes import Lane
from queues.topology import declarations, lane_queues
from tests.support.rabbit import RABBITMQ_URL
from tests.support.servers import AppServer

TOKEN = f"test-console-token-{uuid.uuid4().hex}"

_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class DeadLetters:
    """Puts dead letters where the workers leave them, in one namespace."""

    namespace: str
    redis_client: redis.Redis
    ids: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._connection = pika.BlockingConnection(pika.URLParameters(RABBITMQ_URL))
        self._channel = self._connection.channel()
        self._channel.confirm_delivery()
        for lane in Lane:
            for name, arguments in declarations(self.namespace, lane):
                self._channel.queue_declare(name, durable=True, arguments=arguments)

    def add(
        self,
        *,
        lane: Lane = Lane.CRITICAL,
        error_class: str = "UnknownSku",
        error_message: str = "unknown SKU SKU-0099",
        payload: dict[str, object] | None = None,
        replays: int = 0,
        channel: str = "shop-us",
        classification: Classification = "permanent",
        entity_key: str | None = None,
        blocked_by: str | None = None,
    ) -> str:
        """A dead letter of ``lane`` that failed with ``error_class: error_message``; its id.
        A ``parked`` one waits behind ``blocked_by`` in ``entity_key``'s line."""
        message_id = secrets.token_hex(16)
        ready = lane_queues(self.namespace, lane).ready
        body = self.message(message_id, ready, channel, payload or {"id": 1001, "line_items": [{"sku": "SKU-0099"}]})
        self.publish(lane_queues(self.namespace, lane).dead, body, message_id)
        now = datetime.now(UTC)
        reason = DeadLetterReason.grouped(
            message_id=message_id,
            queue=ready,
            lane=lane.value,
            channel=channel,
            topic="order.created",
            entity_id="1001",
            event_id=message_id,
            correlation_id=message_id,
            error_class=error_class,
            error_message=error_message,
            classification=classification,
            entity_key=entity_key,
            blocked_by=blocked_by,
            erp_status=None,
            attempts=1,
            history=(FailureRecord(at=int(now.timestamp() * 1000), error=f"{error_class}: {error_message}"),),
            first_failure_at=now,
            last_failure_at=now,
            dead_lettered_at=now,
            replays=replays,
        )
        dead_letter_store(self.redis_client, self.namespace).record(reason, body)
        self.ids.append(message_id)
        return message_id

    def publish(self, queue: str, body: bytes, message_id: str) -> None:
        properties = pika.BasicProperties(delivery_mode=2, message_id=message_id, content_type="application/json")
        self._channel.basic_publish("", queue, body, properties=properties, mandatory=True)

    def waiting(self, lane: Lane, count: int) -> None:
        """``count`` live events waiting in ``lane``'s ready queue."""
        ready = lane_queues(self.namespace, lane).ready
        for _ in range(count):
            message_id = secrets.token_hex(16)
            self.publish(ready, self.message(message_id, ready, "shop-us", {"id": 1}), message_id)

    @staticmethod
    def message(message_id: str, queue: str, channel: str, payload: dict[str, object]) -> bytes:
        """A Dramatiq message for ``apply_event``, shaped as the receiver writes them."""
        envelope = {
            "event_id": message_id,
            "channel": channel,
            "topic": "order.created",
            "entity_id": "1001",
            "payload": json.dumps(payload),
        }
        fields = {
            "queue_name": queue,
            "actor_name": "apply_event",
            "args": [envelope],
            "kwargs": {},
            "options": {},
            "message_id": message_id,
            "message_timestamp": int(time.time() * 1000),
        }
        return json.dumps(fields).encode()

    def close(self) -> None:
        if self._connection.is_open:
            self._connection.close()


@pytest.fixture
def dead_letters(namespace: str, redis_client: redis.Redis) -> Iterator[DeadLetters]:
    seeded = DeadLetters(namespace, redis_client)
    yield seeded
    seeded.close()


@pytest.fixture
def console_env(namespace: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The console's environment for this test's namespace (also set in this process)."""
    env = {"WEIR_NAMESPACE": namespace, "WEIR_CONSOLE_TOKEN": TOKEN, "WEIR_BROKER_URL": RABBITMQ_URL}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


@pytest.fixture
def console_url(console_env: dict[str, str]) -> Iterator[str]:
    """The console, built as its entry point builds it, served by uvicorn in a thread."""
    with AppServer(create_app(build_config())) as server:
        yield server.url


@pytest.fixture
def anonymous(console_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=console_url, timeout=30) as client:
        yield client


@pytest.fixture
def browser_session(console_url: str) -> Iterator[httpx.Client]:
    """A client logged in through the form as ``ana``."""
    with httpx.Client(base_url=console_url, timeout=30) as client:
        answer = client.post("/login", data={"token": TOKEN, "name": "ana", "next": "/"})
        assert answer.status_code == 303, answer.text
        yield client


@pytest.fixture
def script(console_url: str) -> Iterator[httpx.Client]:
    """A client sending the token as a bearer token."""
    with httpx.Client(base_url=console_url, timeout=30, headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        yield client


def csrf_of(page: str) -> str:
    """The CSRF token in a page's forms."""
    match = _CSRF.search(page)
    assert match, "the page has no CSRF field"
    return match[1]
