"""The receiver end to end over HTTP, against real Redis and RabbitMQ.

Every refusal must change nothing: no message in any lane, no delivery marked seen.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable

import httpx
import pytest
import redis
from dramatiq import Message

from events.envelope import EventEnvelope
from queues.lanes import Lane
from queues.message import EVENT_ACTOR
from queues.topology import lane_queues
from receivers.app import ReceiverConfig
from receivers.settings import ReceiverSettings
from samples.payloads import encode, shopify_headers, shopify_order, standard_headers, standard_order
from tests.receivers.conftest import POS_SECRET, SHOP_SECRET
from tests.support.net import eventually
from tests.support.proxy import TcpProxy
from tests.support.rabbit import RabbitProbe

ORDER_ID = 820982911946154508


def queued(rabbit: RabbitProbe, namespace: str, lane: Lane = Lane.CRITICAL) -> list[dict]:  # type: ignore[type-arg]
    return rabbit.messages(lane_queues(namespace, lane).ready)


def total_queued(rabbit: RabbitProbe, namespace: str) -> int:
    return sum(rabbit.count(lane_queues(namespace, lane).ready) for lane in Lane)


def post_order(client: httpx.Client, *, webhook_id: str | None = None, body: bytes | None = None) -> httpx.Response:
    body = body if body is not None else encode(shopify_order(ORDER_ID))
    return client.post(
        "/webhooks/shop-us", content=body, headers=shopify_headers(body, SHOP_SECRET, webhook_id=webhook_id)
    )


def with_redis_at(config: ReceiverConfig, port: int) -> ReceiverConfig:
    """``config`` with its Redis at ``port`` on this machine (a proxy a test can cut)."""
    return dataclasses.replace(config, redis=config.redis.model_copy(update={"url": f"redis://127.0.0.1:{port}/0"}))


def test_a_signed_order_is_accepted_into_the_critical_lane(
    receiver: httpx.Client, rabbit: RabbitProbe, namespace: str
) -> None:
    response = post_order(receiver)

    assert response.status_code == 202
    assert response.json()["lane"] == "critical"
    [raw] = queued(rabbit, namespace)
    message: Message[None] = Message(**raw)
    assert (message.actor_name, message.message_id) == (EVENT_ACTOR, response.json()["event_id"])
    envelope = EventEnvelope.model_validate(message.args[0])
    assert (envelope.channel, envelope.topic, envelope.entity_id) == ("shop-us", "order.created", str(ORDER_ID))
    assert envelope.payload_data()["id"] == ORDER_ID


def test_a_standard_webhooks_order_is_accepted(receiver: httpx.Client, rabbit: RabbitProbe, namespace: str) -> None:
    body = encode(standard_order("PO-1"))
    response = receiver.post("/webhooks/pos-eu", content=body, headers=standard_headers(body, POS_SECRET))

    assert response.status_code == 202
    [raw] = queued(rabbit, namespace)
    assert EventEnvelope.model_validate(raw["args"][0]).entity_id == "PO-1"


def test_a_redelivery_is_answered_as_a_duplicate_and_enqueued_once(
    receiver: httpx.Client, rabbit: RabbitProbe, namespace: str
) -> None:
    first = post_order(receiver, webhook_id="delivery-1")
    again = post_order(receiver, webhook_id="delivery-1")

    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json() == {"status": "duplicate", "event_id": first.json()["event_id"]}
    assert len(queued(rabbit, namespace)) == 1


def test_topics_travel_in_their_lanes(receiver: httpx.Client, rabbit: RabbitProbe, namespace: str) -> None:
    for topic, body in [
        ("customers/create", b'{"id": 7}'),
        ("inventory_levels/update", b'{"inventory_item_id": 1, "location_id": 2}'),
    ]:
        headers = shopify_headers(body, SHOP_SECRET, topic=topic)
        assert receiver.post("/webhooks/shop-us", content=body, headers=headers).status_code == 202

    assert len(queued(rabbit, namespace, Lane.STANDARD)) == 1
    assert len(queued(rabbit, namespace, Lane.BULK)) == 1


@pytest.mark.parametrize(
    ("mutate", "status", "code"),
    [
        (lambda h, b: (h, b + b" "), 401, "invalid_signature"),
        (lambda h, b: ({**h, "X-Shopify-Hmac-Sha256": "AAAA"}, b), 401, "invalid_signature"),
        (lambda h, b: ({k: v for k, v in h.items() if k != "X-Shopify-Hmac-Sha256"}, b), 401, "invalid_signature"),
        (lambda h, b: ({k: v for k, v in h.items() if k != "X-Shopify-Topic"}, b), 400, "malformed_request"),
        (lambda h, b: ({k: v for k, v in h.items() if k != "X-Shopify-Webhook-Id"}, b), 400, "malformed_request"),
    ],
    ids=["tampered-body", "wrong-signature", "missing-signature", "missing-topic", "missing-delivery-id"],
)
def test_bad_input_gets_its_status_and_changes_nothing(
    receiver: httpx.Client,
    rabbit: RabbitProbe,
    redis_client: redis.Redis,
    namespace: str,
    mutate: Callable[[dict[str, str], bytes], tuple[dict[str, str], bytes]],
    status: int,
    code: str,
) -> None:
    body = encode(shopify_order(ORDER_ID))
    headers, sent = mutate(shopify_headers(body, SHOP_SECRET, webhook_id="bad-1"), body)

    response = receiver.post("/webhooks/shop-us", content=sent, headers=headers)

    assert (response.status_code, response.json()["error"]) == (status, code)
    assert total_queued(rabbit, namespace) == 0
    assert list(redis_client.scan_iter(match=f"{namespace}:*")) == []


def test_malformed_json_with_a_valid_signature_is_a_400(
    receiver: httpx.Client, rabbit: RabbitProbe, namespace: str
) -> None:
    response = post_order(receiver, body=b'{"id": 1,')

    assert (response.status_code, response.json()["error"]) == (400, "malformed_request")
    assert total_queued(rabbit, namespace) == 0


@pytest.mark.parametrize("depth", [257, 5_000, 30_000], ids=["past-the-limit", "past-orjson", "past-the-stack"])
def test_a_signed_body_nested_deeper_than_the_limit_is_a_400_and_enqueues_nothing(
    receiver: httpx.Client, rabbit: RabbitProbe, namespace: str, depth: int
) -> None:
    body = b'{"id": 1, "a": ' + b"[" * (depth - 1) + b"]" * (depth - 1) + b"}"

    response = post_order(receiver, body=body)

    assert (response.status_code, response.json()["error"]) == (400, "malformed_request")
    assert total_queued(rabbit, namespace) == 0


def test_a_signed_body_whose_id_is_a_lone_surrogate_is_a_400_and_enqueues_nothing(
    receiver: httpx.Client, rabbit: RabbitProbe, namespace: str
) -> None:
    response = post_order(receiver, body=b'{"id": "\\ud800"}')

    assert (response.status_code, response.json()["error"]) == (400, "malformed_request")
    assert total_queued(rabbit, namespace) == 0


@pytest.mark.parametrize("topic", ["/", "/create"])
def test_a_signed_delivery_whose_topic_names_no_entity_is_a_400_and_enqueues_nothing(
    receiver: httpx.Client, rabbit: RabbitProbe, namespace: str, topic: str
) -> None:
    body = b"{}"
    response = receiver.post("/webhooks/shop-us", content=body, headers=shopify_headers(body, SHOP_SECRET, topic=topic))

    assert (response.status_code, response.json()["error"]) == (400, "malformed_request")
    assert total_queued(rabbit, namespace) == 0


def test_an_unknown_channel_is_a_404(receiver: httpx.Client) -> None:
    body = b'{"id": 1}'
    response = receiver.post("/webhooks/shop-nowhere", content=body, headers=shopify_headers(body, SHOP_SECRET))

    assert (response.status_code, response.json()["error"]) == (404, "unknown_channel")


def test_a_body_over_the_limit_is_a_413(receiver: httpx.Client, rabbit: RabbitProbe, namespace: str) -> None:
    body = b'{"id": 1, "padding": "' + b"x" * (64 * 1024) + b'"}'
    response = post_order(receiver, body=body)

    assert (response.status_code, response.json()["error"]) == (413, "payload_too_large")
    assert total_queued(rabbit, namespace) == 0


def test_a_chunked_body_over_the_limit_is_a_413(receiver: httpx.Client) -> None:
    chunks = [b'{"padding": "'] + [b"x" * 8192] * 10 + [b'"}']
    response = receiver.post("/webhooks/shop-us", content=iter(chunks), headers={"X-Shopify-Topic": "orders/create"})

    assert response.status_code == 413


def test_a_stale_standard_webhooks_timestamp_is_a_401(
    start_receiver: Callable[..., object], rabbit: RabbitProbe, namespace: str
) -> None:
    body = encode(standard_order("PO-2"))
    headers = standard_headers(body, POS_SECRET, timestamp=int(time.time()))

    with start_receiver(clock=lambda: time.time() + 301) as client:  # type: ignore[attr-defined]
        response = client.post("/webhooks/pos-eu", content=body, headers=headers)

    assert (response.status_code, response.json()["error"]) == (401, "stale_timestamp")
    assert total_queued(rabbit, namespace) == 0


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_other_methods_on_webhooks_are_refused_without_a_redirect(receiver: httpx.Client, method: str) -> None:
    response = receiver.request(method, "/webhooks/shop-us")

    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"


def test_a_signed_order_posted_with_a_trailing_slash_is_accepted_as_without_it(
    receiver: httpx.Client, rabbit: RabbitProbe, namespace: str
) -> None:
    body = encode(shopify_order(ORDER_ID))

    response = receiver.post("/webhooks/shop-us/", content=body, headers=shopify_headers(body, SHOP_SECRET))

    assert (response.status_code, response.json()["lane"]) == (202, "critical")
    [raw] = queued(rabbit, namespace)
    assert (raw["message_id"], EventEnvelope.model_validate(raw["args"][0]).channel) == (
        response.json()["event_id"],
        "shop-us",
    )


@pytest.mark.parametrize(
    "path",
    [
        "/webhooks/shop-us",
        "/webhooks/shop-nowhere",
        "/webhooks",
        "/webhooks/shop-us/extra",
        "/healthz",
        "/readyz",
        "/metrics",
        "/nowhere",
    ],
)
def test_no_path_answers_a_post_with_a_redirect_with_or_without_a_trailing_slash(
    receiver: httpx.Client, path: str
) -> None:
    def post(sent: str) -> httpx.Response:
        body = encode(shopify_order(ORDER_ID))
        return receiver.post(sent, content=body, headers=shopify_headers(body, SHOP_SECRET))

    bare, slashed, doubled = post(path), post(path + "/"), post(path + "//")

    assert [answer.status_code for answer in (bare, slashed, doubled) if answer.is_redirect] == []
    assert slashed.status_code == bare.status_code
    assert doubled.status_code == 404


def test_health_and_readiness_answer(receiver: httpx.Client) -> None:
    assert receiver.get("/healthz").json() == {"status": "ok"}
    assert receiver.get("/readyz").json() == {"ready": True, "checks": {"broker": True, "redis": True}}


def test_when_rabbitmq_cannot_confirm_the_answer_is_503_and_the_retry_goes_through(
    start_receiver: Callable[..., object], receiver_config: ReceiverConfig, rabbit: RabbitProbe, namespace: str
) -> None:
    proxy = TcpProxy("127.0.0.1", 5672)
    port = proxy.start()
    broker = receiver_config.broker.model_copy(update={"url": f"amqp://guest:guest@127.0.0.1:{port}/%2F"})
    config = dataclasses.replace(receiver_config, broker=broker)
    try:
        with start_receiver(config) as client:  # type: ignore[attr-defined]
            # Given RabbitMQ becomes unreachable
            proxy.cut()
            # When a provider delivers, it is told to retry, and readiness says why
            refused = post_order(client, webhook_id="retry-me")
            assert (refused.status_code, refused.json()["error"]) == (503, "unavailable")
            assert client.get("/readyz").json()["checks"]["broker"] is False
            # Then once RabbitMQ is back, the provider's retry is accepted, not taken for a duplicate
            proxy.restore()

            def accepted() -> httpx.Response | None:
                response = post_order(client, webhook_id="retry-me")
                return response if response.status_code == 202 else None

            retried = eventually(accepted, timeout=10, interval=0.3, what="the retry to be accepted")
    finally:
        proxy.stop()

    assert retried.json()["lane"] == "critical"
    assert len(queued(rabbit, namespace)) == 1


def test_when_redis_cannot_answer_the_answer_is_503_and_nothing_is_enqueued(
    start_receiver: Callable[..., object], receiver_config: ReceiverConfig, rabbit: RabbitProbe, namespace: str
) -> None:
    proxy = TcpProxy("127.0.0.1", 6379)
    config = with_redis_at(receiver_config, proxy.start())
    try:
        with start_receiver(config) as client:  # type: ignore[attr-defined]
            proxy.cut()
            response = post_order(client)
            ready = client.get("/readyz")
    finally:
        proxy.stop()

    assert (response.status_code, response.json()["error"]) == (503, "unavailable")
    assert (ready.status_code, ready.json()["checks"]["redis"]) == (503, False)
    assert total_queued(rabbit, namespace) == 0


def test_a_redis_outage_shorter_than_the_deadline_delays_the_answer_instead_of_refusing_it(
    start_receiver: Callable[..., object], receiver_config: ReceiverConfig, rabbit: RabbitProbe, namespace: str
) -> None:
    # As while a Sentinel promotes a replica: Redis unreachable for a moment, then back
    proxy = TcpProxy("127.0.0.1", 6379)
    config = with_redis_at(receiver_config, proxy.start())
    retrying = _LogSeen("retrying")
    ledger_log = logging.getLogger("receivers.dedupe")
    level = ledger_log.level
    ledger_log.addHandler(retrying)
    ledger_log.setLevel(logging.INFO)
    answers: list[httpx.Response] = []
    try:
        with start_receiver(config) as client:  # type: ignore[attr-defined]
            proxy.cut()
            posting = threading.Thread(target=lambda: answers.append(post_order(client, webhook_id="through-it")))
            posting.start()
            # When Redis comes back after the receiver's claim failed at least once
            assert retrying.seen.wait(10)
            proxy.restore()
            posting.join(15)
    finally:
        ledger_log.removeHandler(retrying)
        ledger_log.setLevel(level)
        proxy.stop()

    # Then the delivery is accepted, once
    assert [answer.status_code for answer in answers] == [202]
    assert len(queued(rabbit, namespace)) == 1


class _LogSeen(logging.Handler):
    """Sets ``seen`` when a record whose message contains ``text`` is logged."""

    def __init__(self, text: str) -> None:
        super().__init__(logging.INFO)
        self.text = text
        self.seen = threading.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if self.text in record.getMessage():
            self.seen.set()


def test_the_body_limit_is_a_setting(start_receiver: Callable[..., object], receiver_config: ReceiverConfig) -> None:
    config = dataclasses.replace(receiver_config, receiver=ReceiverSettings(max_body_bytes=2048))
    with start_receiver(config) as client:  # type: ignore[attr-defined]
        response = post_order(client, body=b'{"id": 1, "x": "' + b"y" * 3000 + b'"}')

    assert response.status_code == 413


def test_when_rabbitmq_holds_its_confirm_the_answer_is_503_within_the_deadline_and_the_claim_is_released(
    start_receiver: Callable[..., object], receiver_config: ReceiverConfig, redis_client: redis.Redis, namespace: str
) -> None:
    proxy = TcpProxy("127.0.0.1", 5672)
    port = proxy.start()
    broker = receiver_config.broker.model_copy(update={"url": f"amqp://guest:guest@127.0.0.1:{port}/%2F"})
    receiver = ReceiverSettings(enqueue_timeout_seconds=0.5)
    config = dataclasses.replace(receiver_config, broker=broker, receiver=receiver)
    try:
        with start_receiver(config) as client:  # type: ignore[attr-defined]
            # Given RabbitMQ takes the message but its confirm never comes back
            proxy.hold_after(str(ORDER_ID).encode())
            response = post_order(client, webhook_id="held")
    finally:
        proxy.stop()

    assert (response.status_code, response.json()["error"]) == (503, "unavailable")
    eventually(lambda: redis_client.get(f"{namespace}:delivery:shop-us:held") is None, what="the claim to go")
