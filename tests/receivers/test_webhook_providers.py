"""Every HTTP provider through the real receiver, on real Redis and RabbitMQ.

For each one: a valid delivery is accepted into its lane; a redelivery is a duplicate enqueued
once; a tampered body, a wrong secret or a missing signature is refused and changes nothing.
A signed test notification (GitHub's ping, Square's) is acknowledged and enqueues nothing; an
unsigned one is refused.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import redis

from events.envelope import EventEnvelope
from queues.lanes import Lane
from queues.topology import lane_queues
from receivers import ReceiverConfig
from receivers.channels import load_channels
from samples import payloads as samples
from tests.support.rabbit import RabbitProbe

SQUARE_URL = "http://127.0.0.1:8000/webhooks/square-us"
WMS_HEADERS = ("X-Wms-Signature-256", "X-Wms-Delivery", "X-Wms-Event")


@dataclass(frozen=True)
class Case:
    """One provider's demo channel, and how its provider signs one fixed delivery."""

    channel: str
    secret: str
    signature_header: str
    sign: Callable[[bytes, str], dict[str, str]]
    body: bytes
    topic: str
    entity_id: str
    lane: Lane

    def request(self, secret: str | None = None) -> tuple[bytes, dict[str, str]]:
        return self.body, self.sign(self.body, secret or self.secret)


WOO = Case(
    "woo-eu",
    "weir-demo-woocommerce-secret-woo-eu",
    "X-WC-Webhook-Signature",
    samples.woocommerce_headers,
    samples.php_encode(samples.woocommerce_order(1001)),
    "order.created",
    "1001",
    Lane.CRITICAL,
)
BIGCOMMERCE = Case(
    "bigc-us",
    "weir-demo-bigcommerce-client-secret",
    "webhook-signature",
    lambda body, secret: samples.bigcommerce_headers(body, secret, message_id="msg_bc_1"),
    samples.encode(samples.bigcommerce_event("store/product/inventory/updated", 167, resource_type="product")),
    "inventory.updated",
    "product/167",
    Lane.BULK,
)
SQUARE = Case(
    "square-us",
    "weir-demo-square-signature-key",
    "x-square-hmacsha256-signature",
    lambda body, secret: samples.square_headers(body, secret, SQUARE_URL),
    samples.encode(samples.square_event("refund.created", "R-1", event_id="ev-1")),
    "refund.created",
    "R-1",
    Lane.CRITICAL,
)
STRIPE = Case(
    "stripe-us",
    "whsec_weir-demo-stripe-endpoint-secret",
    "Stripe-Signature",
    samples.stripe_headers,
    json.dumps(samples.stripe_event("customer.created", {"id": "cus_1"}, event_id="evt_1"), indent=2).encode(),
    "customer.created",
    "cus_1",
    Lane.STANDARD,
)
HMAC = Case(
    "wms-eu",
    "weir-demo-hmac-secret-wms-eu",
    "X-Wms-Signature-256",
    lambda body, secret: samples.hmac_headers(
        body, secret, topic="stock.changed", delivery_id="d-1", names=WMS_HEADERS
    ),
    b'{"id": "SKU-0001", "on_hand": 12}',
    "inventory.updated",
    "SKU-0001",
    Lane.BULK,
)
CASES = [WOO, BIGCOMMERCE, SQUARE, STRIPE, HMAC]
IDS = [case.channel for case in CASES]


def post(client: httpx.Client, case: Case, body: bytes, headers: dict[str, str]) -> httpx.Response:
    return client.post(f"/webhooks/{case.channel}", content=body, headers=headers)


def queued(rabbit: RabbitProbe, namespace: str, lane: Lane) -> list[EventEnvelope]:
    return [EventEnvelope.model_validate(raw["args"][0]) for raw in rabbit.messages(lane_queues(namespace, lane).ready)]


def assert_nothing_changed(rabbit: RabbitProbe, redis_client: redis.Redis, namespace: str) -> None:
    assert sum(rabbit.count(lane_queues(namespace, lane).ready) for lane in Lane) == 0
    assert list(redis_client.scan_iter(match=f"{namespace}:*", count=1000)) == []


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a_signed_delivery_is_accepted_into_its_lane_with_its_canonical_topic(
    receiver: httpx.Client, rabbit: RabbitProbe, namespace: str, case: Case
) -> None:
    response = post(receiver, case, *case.request())

    assert (response.status_code, response.json()["lane"]) == (202, case.lane.value)
    [envelope] = queued(rabbit, namespace, case.lane)
    assert (envelope.channel, envelope.topic, envelope.entity_id) == (case.channel, case.topic, case.entity_id)
    assert envelope.payload.encode() == case.body


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a_redelivery_is_a_duplicate_and_enqueued_once(
    receiver: httpx.Client, rabbit: RabbitProbe, namespace: str, case: Case
) -> None:
    first = post(receiver, case, *case.request())
    again = post(receiver, case, *case.request())

    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json() == {"status": "duplicate", "event_id": first.json()["event_id"]}
    assert len(queued(rabbit, namespace, case.lane)) == 1


def faulty(case: Case, fault: str) -> tuple[bytes, dict[str, str]]:
    body, headers = case.request("weir-demo-someone-else" if fault == "wrong-secret" else None)
    if fault == "missing-signature":
        del headers[case.signature_header]
    return (body.replace(b"1", b"2", 1) if fault == "tampered-body" else body), headers


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a_tampered_body_a_wrong_secret_or_a_missing_signature_is_a_401_and_changes_nothing(
    receiver: httpx.Client, rabbit: RabbitProbe, redis_client: redis.Redis, namespace: str, case: Case
) -> None:
    for fault in ("tampered-body", "wrong-secret", "missing-signature"):
        response = post(receiver, case, *faulty(case, fault))

        assert (fault, response.status_code, response.json()["error"]) == (fault, 401, "invalid_signature")
    assert_nothing_changed(rabbit, redis_client, namespace)


@pytest.mark.parametrize("case", [BIGCOMMERCE, STRIPE], ids=["bigc-us", "stripe-us"])
def test_a_signed_timestamp_more_than_five_minutes_old_or_ahead_is_a_401(
    start_receiver: Callable[..., object], rabbit: RabbitProbe, redis_client: redis.Redis, namespace: str, case: Case
) -> None:
    skew = 0.0  # the receiver's clock reads it as the loop below sets it
    with start_receiver(clock=lambda: time.time() + skew) as client:  # type: ignore[attr-defined]
        for skew in (301.0, -301.0):
            response = post(client, case, *case.request())

            assert (skew, response.status_code, response.json()["error"]) == (skew, 401, "stale_timestamp")
    assert_nothing_changed(rabbit, redis_client, namespace)


def test_the_woocommerce_ping_gets_exactly_200_and_nothing_is_enqueued_or_claimed(
    receiver: httpx.Client, rabbit: RabbitProbe, redis_client: redis.Redis, namespace: str
) -> None:
    body, headers = samples.woocommerce_ping(webhook_id=12)

    response = receiver.post("/webhooks/woo-eu", content=body, headers=headers)

    assert (response.status_code, response.json()) == (200, {"status": "acknowledged"})
    assert_nothing_changed(rabbit, redis_client, namespace)


def test_an_unsigned_woocommerce_delivery_that_is_not_the_ping_is_refused(
    receiver: httpx.Client, rabbit: RabbitProbe, redis_client: redis.Redis, namespace: str
) -> None:
    _, headers = WOO.request()
    del headers["X-WC-Webhook-Signature"]

    response = receiver.post("/webhooks/woo-eu", content=b"webhook_id=12&evil=1", headers=headers)

    assert response.status_code == 401
    assert_nothing_changed(rabbit, redis_client, namespace)


def test_a_square_signature_made_over_another_url_is_refused(
    receiver: httpx.Client, rabbit: RabbitProbe, redis_client: redis.Redis, namespace: str
) -> None:
    # The receiver sees /webhooks/square-us either way: only the configured URL counts.
    body = SQUARE.body
    headers = samples.square_headers(body, SQUARE.secret, "https://proxy.example.com/webhooks/square-us")

    response = receiver.post("/webhooks/square-us", content=body, headers=headers)

    assert (response.status_code, response.json()["error"]) == (401, "invalid_signature")
    assert_nothing_changed(rabbit, redis_client, namespace)


def test_amazon_channels_are_not_served_over_http(
    receiver: httpx.Client, rabbit: RabbitProbe, redis_client: redis.Redis, namespace: str
) -> None:
    # Amazon's notifications are unsigned (IAM guards their queue): over HTTP anyone could forge one.
    body = samples.encode(samples.amazon_order_change("903-1"))

    response = receiver.post("/webhooks/amazon-us", content=body)

    assert (response.status_code, response.json()["error"]) == (404, "unknown_channel")
    assert_nothing_changed(rabbit, redis_client, namespace)


GITHUB_CHANNELS = """
[channels.gh-hooks]
provider = "hmac"
secrets = ["weir-test-github-secret"]
"""


@pytest.fixture
def github_receiver(
    start_receiver: Callable[..., object], receiver_config: ReceiverConfig, tmp_path: Path
) -> Iterator[httpx.Client]:
    """A receiver whose one channel, ``gh-hooks``, signs GitHub's way with GitHub's header names."""
    path = tmp_path / "channels.toml"
    path.write_text(GITHUB_CHANNELS)
    channels = load_channels(path, environ={}, tolerance_seconds=300, production=False)
    with start_receiver(dataclasses.replace(receiver_config, channels=channels)) as client:  # type: ignore[attr-defined]
        yield client


def github_ping(secret: str = "weir-test-github-secret") -> tuple[bytes, dict[str, str]]:
    body = samples.encode(samples.github_ping())
    return body, samples.hmac_headers(body, secret, topic="ping")


def square_test_notification(secret: str = SQUARE.secret) -> tuple[bytes, dict[str, str]]:
    body = samples.encode(samples.square_test_notification())
    return body, samples.square_headers(body, secret, SQUARE_URL)


def assert_no_lane_holds_anything(rabbit: RabbitProbe, namespace: str) -> None:
    queues = [lane_queues(namespace, lane) for lane in Lane]
    assert sum(rabbit.count(q.ready) + rabbit.count(q.delayed) + rabbit.count(q.dead) for q in queues) == 0


def test_a_signed_github_ping_is_acknowledged_and_never_reaches_a_lane_or_the_dead_letters(
    github_receiver: httpx.Client, rabbit: RabbitProbe, redis_client: redis.Redis, namespace: str
) -> None:
    body, headers = github_ping()

    response = github_receiver.post("/webhooks/gh-hooks", content=body, headers=headers)

    assert (response.status_code, response.json()) == (200, {"status": "acknowledged"})
    assert_no_lane_holds_anything(rabbit, namespace)
    assert_nothing_changed(rabbit, redis_client, namespace)


def test_a_signed_square_test_notification_is_acknowledged_and_never_reaches_a_lane_or_the_dead_letters(
    receiver: httpx.Client, rabbit: RabbitProbe, redis_client: redis.Redis, namespace: str
) -> None:
    body, headers = square_test_notification()

    response = receiver.post("/webhooks/square-us", content=body, headers=headers)

    assert (response.status_code, response.json()) == (200, {"status": "acknowledged"})
    assert_no_lane_holds_anything(rabbit, namespace)
    assert_nothing_changed(rabbit, redis_client, namespace)


def test_a_ping_on_a_channel_with_its_own_topic_header_is_acknowledged_too(
    receiver: httpx.Client, rabbit: RabbitProbe, redis_client: redis.Redis, namespace: str
) -> None:
    body = samples.encode(samples.github_ping())
    headers = samples.hmac_headers(body, HMAC.secret, topic="ping", names=WMS_HEADERS)

    response = receiver.post("/webhooks/wms-eu", content=body, headers=headers)

    assert (response.status_code, response.json()) == (200, {"status": "acknowledged"})
    assert_nothing_changed(rabbit, redis_client, namespace)


@pytest.mark.parametrize("fault", ["wrong-secret", "missing-signature"])
def test_an_unsigned_or_wrongly_signed_ping_is_a_401(
    github_receiver: httpx.Client, rabbit: RabbitProbe, redis_client: redis.Redis, namespace: str, fault: str
) -> None:
    body, headers = github_ping("weir-demo-someone-else")
    if fault == "missing-signature":
        del headers["X-Hub-Signature-256"]

    response = github_receiver.post("/webhooks/gh-hooks", content=body, headers=headers)

    assert (response.status_code, response.json()["error"]) == (401, "invalid_signature")
    assert_nothing_changed(rabbit, redis_client, namespace)


@pytest.mark.parametrize("fault", ["wrong-secret", "missing-signature"])
def test_an_unsigned_or_wrongly_signed_square_test_notification_is_a_401(
    receiver: httpx.Client, rabbit: RabbitProbe, redis_client: redis.Redis, namespace: str, fault: str
) -> None:
    body, headers = square_test_notification("weir-demo-someone-else")
    if fault == "missing-signature":
        del headers["x-square-hmacsha256-signature"]

    response = receiver.post("/webhooks/square-us", content=body, headers=headers)

    assert (response.status_code, response.json()["error"]) == (401, "invalid_signature")
    assert_nothing_changed(rabbit, redis_client, namespace)
