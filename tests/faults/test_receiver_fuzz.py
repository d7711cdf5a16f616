"""The receiver fuzzed with Hypothesis: bodies (random bytes, random JSON, deep nesting, huge
numbers, ids of every type) and headers (signature, topic, delivery id, content type; missing,
wrong or sent twice) against the real ASGI application, served in process by uvicorn as
``python -m receivers`` serves it, on the real RabbitMQ and Redis. It never answers 500, and it
enqueues exactly one message when, and only when, it answers 202 to a correctly signed request."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from queues.lanes import Lane
from queues.settings import BrokerSettings
from queues.topology import lane_queues
from receivers.app import ReceiverConfig, create_app
from receivers.channels import load_channels
from receivers.server import SERVER_OPTIONS
from receivers.settings import DEFAULT_CHANNELS_FILE, ReceiverSettings
from samples.payloads import (
    bigcommerce_event,
    bigcommerce_headers,
    hmac_headers,
    shopify_order,
    square_event,
    square_headers,
    standard_headers,
    standard_order,
    stripe_event,
    stripe_headers,
    woocommerce_headers,
    woocommerce_order,
)
from tests.support.order_feed import SHOP_SECRET
from tests.support.rabbit import RabbitProbe
from tests.support.servers import AppServer
from weir.settings import RedisSettings, ServiceSettings

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]

POS_SECRET = "whsec_d2Vpci1kZW1vLXN0YW5kYXJkLWtleS1wb3MtZXUtMzJi"
#: What the receiver may answer a fuzzed request; anything else (a 500 above all) is a bug.
ANSWERS = {200, 202, 400, 401, 404, 409, 413}

FUZZ = settings(
    max_examples=400,
    deadline=None,
    database=None,
    # One receiver serves every example, as in production: its state carrying over is the point.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=2**63 - 2, max_value=10**60)
    | st.integers(max_value=-(2**63) + 2, min_value=-(10**60))
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)
IDS = SCALARS | st.lists(SCALARS, max_size=2) | st.text(min_size=190, max_size=220) | st.just("\ud800")


def nested(depth: int) -> bytes:
    """An order whose ``note`` nests arrays so that the body is ``depth`` levels deep."""
    return b'{"id": 1, "note": ' + b"[" * (depth - 1) + b"]" * (depth - 1) + b"}"


def dumped(value: Any) -> bytes:
    return json.dumps(value).encode()


BODIES = (
    st.binary(max_size=300)
    | JSON_VALUES.map(dumped)
    | st.fixed_dictionaries({"id": IDS}, optional={"line_items": JSON_VALUES, "updated_at": SCALARS}).map(dumped)
    | st.integers(min_value=1, max_value=3_000).map(nested)
    | st.integers(min_value=19, max_value=400).map(lambda digits: b'{"id": ' + b"9" * digits + b"}")
)
# What HTTP lets a header carry (no surrounding whitespace, which clients refuse to send).
HEADER_TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=80).map(str.strip)


@pytest.fixture
def receiver(namespace: str, rabbit: RabbitProbe) -> Iterator[httpx.Client]:
    config = ReceiverConfig(
        service=ServiceSettings(namespace=namespace),
        receiver=ReceiverSettings(max_body_bytes=64 * 1024),
        broker=BrokerSettings(),
        redis=RedisSettings(),
        channels=load_channels(DEFAULT_CHANNELS_FILE, environ={}, tolerance_seconds=300, production=False),
    )
    with (
        AppServer(create_app(config), **SERVER_OPTIONS) as server,
        httpx.Client(base_url=server.url, timeout=10) as client,
    ):
        yield client


def enqueued(rabbit: RabbitProbe, namespace: str) -> int:
    return sum(rabbit.count(lane_queues(namespace, lane).ready) for lane in Lane)


def shopify_signature(body: bytes) -> str:
    return base64.b64encode(hmac.new(SHOP_SECRET.encode(), body, hashlib.sha256).digest()).decode()


def check_answer(
    receiver: httpx.Client, rabbit: RabbitProbe, namespace: str, path: str, body: bytes, headers: list[tuple[str, str]]
) -> int:
    """Post, then check the answer's status and body, and that one message was enqueued if and
    only if the answer is 202; the status."""
    before = enqueued(rabbit, namespace)
    response = receiver.post(path, content=body, headers=headers)
    assert response.status_code in ANSWERS, response.text
    assert "error" in response.json() or response.status_code in (200, 202)
    assert enqueued(rabbit, namespace) - before == (1 if response.status_code == 202 else 0)
    return response.status_code


def last(headers: list[tuple[str, str]], name: str) -> str | None:
    """The value the receiver reads for ``name``: the last one sent."""
    values = [value for key, value in headers if key.lower() == name.lower()]
    return values[-1] if values else None


@st.composite
def shopify_requests(draw: st.DrawFn) -> tuple[bytes, list[tuple[str, str]]]:
    """A body and Shopify's headers, each kept, changed, dropped or sent twice."""
    body = draw(BODIES)
    signature = draw(st.sampled_from(["right", "wrong", "missing", "tampered"]))
    values = {
        "X-Shopify-Hmac-Sha256": {
            "right": shopify_signature(body),
            "wrong": draw(HEADER_TEXT),
            "missing": None,
            "tampered": shopify_signature(body + b" "),
        }[signature],
        "X-Shopify-Topic": draw(
            st.sampled_from(["orders/create", "orders/updated", "customers/create", None]) | HEADER_TEXT
        ),
        "X-Shopify-Webhook-Id": draw(st.just(str(uuid.uuid4())) | HEADER_TEXT | st.none()),
        "Content-Type": draw(st.sampled_from(["application/json", "text/plain", None]) | HEADER_TEXT),
    }
    headers = [(name, value) for name, value in values.items() if value is not None]
    duplicate = draw(st.booleans())
    if headers and duplicate:
        name, _ = draw(st.sampled_from(headers))
        headers.append((name, draw(HEADER_TEXT)))
    return body, headers


@FUZZ
@given(request=shopify_requests())
@example(request=(b'{"id": "\\ud800"}', [("X-Shopify-Topic", "orders/create")]))
@example(request=(nested(100_000 // 2)[:60_000], [("X-Shopify-Topic", "orders/create")]))
def test_a_fuzzed_shopify_delivery_is_never_a_500_and_is_enqueued_only_when_signed_and_accepted(
    receiver: httpx.Client, rabbit: RabbitProbe, namespace: str, request: tuple[bytes, list[tuple[str, str]]]
) -> None:
    body, headers = request
    status = check_answer(receiver, rabbit, namespace, "/webhooks/shop-us", body, headers)
    if 200 <= status < 300:
        assert last(headers, "X-Shopify-Hmac-Sha256") == shopify_signature(body)


@FUZZ
@given(body=BODIES, topic=st.sampled_from(["orders/create", "inventory_levels/update"]))
def test_a_correctly_signed_fuzzed_body_is_accepted_or_refused_as_malformed_never_a_500(
    receiver: httpx.Client, rabbit: RabbitProbe, namespace: str, body: bytes, topic: str
) -> None:
    headers = [
        ("X-Shopify-Hmac-Sha256", shopify_signature(body)),
        ("X-Shopify-Topic", topic),
        ("X-Shopify-Webhook-Id", str(uuid.uuid4())),
        ("Content-Type", "application/json"),
    ]
    assert check_answer(receiver, rabbit, namespace, "/webhooks/shop-us", body, headers) in {202, 400}


def standard_signature(message_id: str, timestamp: str, body: bytes) -> str:
    key = base64.b64decode(POS_SECRET.removeprefix("whsec_"))
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


@FUZZ
@given(
    body=BODIES,
    timestamp=st.sampled_from(["now", "stale"]) | HEADER_TEXT,
    signature=st.sampled_from(["right", "space-separated", "v1a"]) | HEADER_TEXT,
)
def test_a_fuzzed_standard_webhooks_signature_is_never_a_500_and_only_the_right_one_is_accepted(
    receiver: httpx.Client, rabbit: RabbitProbe, namespace: str, body: bytes, timestamp: str, signature: str
) -> None:
    message_id = f"msg_{uuid.uuid4().hex}"
    sent_at = {"now": str(int(time.time())), "stale": str(int(time.time()) - 3_600)}.get(timestamp, timestamp)
    right = standard_signature(message_id, sent_at, body)
    sent = {"right": right, "space-separated": f"v1,bm9wZQ== {right}", "v1a": right.replace("v1,", "v1a,")}
    headers = [
        ("webhook-id", message_id),
        ("webhook-timestamp", sent_at),
        ("webhook-signature", sent.get(signature, signature)),
        ("Content-Type", "application/json"),
    ]
    status = check_answer(receiver, rabbit, namespace, "/webhooks/pos-eu", body, headers)
    if 200 <= status < 300:
        assert signature in ("right", "space-separated") and timestamp == "now"


#: How each other channel of channels.toml signs a body, as its provider does.
SIGNERS: dict[str, Callable[[bytes], dict[str, str]]] = {
    "shop-us": lambda body: {
        "X-Shopify-Hmac-Sha256": shopify_signature(body),
        "X-Shopify-Topic": "orders/create",
        "X-Shopify-Webhook-Id": str(uuid.uuid4()),
    },
    "woo-eu": lambda body: woocommerce_headers(body, "weir-demo-woocommerce-secret-woo-eu"),
    "bigc-us": lambda body: bigcommerce_headers(body, "weir-demo-bigcommerce-client-secret"),
    "square-us": lambda body: square_headers(
        body, "weir-demo-square-signature-key", "http://127.0.0.1:8000/webhooks/square-us"
    ),
    "stripe-us": lambda body: stripe_headers(body, "whsec_weir-demo-stripe-endpoint-secret"),
    "pos-eu": lambda body: standard_headers(body, POS_SECRET),
    "wms-eu": lambda body: hmac_headers(
        body,
        "weir-demo-hmac-secret-wms-eu",
        topic="stock.changed",
        names=("X-Wms-Signature-256", "X-Wms-Delivery", "X-Wms-Event"),
    ),
}


#: A payload each channel really sends, for :func:`mutated` to break one part of.
SAMPLES: dict[str, Callable[[], Any]] = {
    "shop-us": lambda: shopify_order(7),
    "woo-eu": lambda: woocommerce_order(7),
    "bigc-us": lambda: bigcommerce_event("store/order/created", 250),
    "square-us": lambda: square_event("order.created", "ORDER-1"),
    "stripe-us": lambda: stripe_event("charge.refunded", {"id": "ch_1", "object": "charge", "amount_refunded": 200}),
    "pos-eu": lambda: standard_order("POS-1"),
    "wms-eu": lambda: {"sku": "SKU-0001", "available": 3},
}


@st.composite
def mutated(draw: st.DrawFn, payload: Any) -> bytes:
    """``payload`` with one value somewhere inside it (or a key's value) replaced by anything."""
    if isinstance(payload, dict) and payload and draw(st.integers(0, 3)):
        key = draw(st.sampled_from(sorted(payload)))
        return _with(payload, key, draw(mutated(payload[key])))
    if isinstance(payload, list) and payload and draw(st.integers(0, 3)):
        index = draw(st.integers(0, len(payload) - 1))
        return _with(payload, index, draw(mutated(payload[index])))
    return dumped(draw(JSON_VALUES))


def _with(container: Any, at: Any, encoded: bytes) -> bytes:
    changed = container.copy()
    changed[at] = json.loads(encoded)
    return dumped(changed)


@FUZZ
@given(data=st.data(), channel=st.sampled_from(sorted(SAMPLES)))
def test_a_correctly_signed_payload_of_any_provider_broken_anywhere_is_accepted_or_refused_never_a_500(
    receiver: httpx.Client, rabbit: RabbitProbe, namespace: str, data: st.DataObject, channel: str
) -> None:
    body = data.draw(mutated(SAMPLES[channel]()))
    headers = list(SIGNERS[channel](body).items())
    status = check_answer(receiver, rabbit, namespace, f"/webhooks/{channel}", body, headers)
    assert status in {200, 202, 400}


@FUZZ
@given(channel=st.sampled_from(sorted(SIGNERS)), body=BODIES)
def test_a_correctly_signed_fuzzed_body_on_any_provider_is_accepted_or_refused_never_a_500(
    receiver: httpx.Client, rabbit: RabbitProbe, namespace: str, channel: str, body: bytes
) -> None:
    headers = list(SIGNERS[channel](body).items())
    status = check_answer(receiver, rabbit, namespace, f"/webhooks/{channel}", body, headers)
    assert status in {200, 202, 400}
