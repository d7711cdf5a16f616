"""Square's signature over the notification URL and the body, checked without any server."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from channels import SquareOptions
from receivers.errors import BadSignature, MalformedRequest
from receivers.providers import SquareProvider
from samples.payloads import encode, square_event, square_headers

# The official vector, from square-python-sdk's tests/utilities/test_webhooks_helper.py.
VECTOR_BODY = (
    b'{"merchant_id":"MLEFBHHSJGVHD","type":"webhooks.test_notification",'
    b'"event_id":"ac3ac95b-f97d-458c-a6e6-18981597e05f","created_at":"2022-07-13T20:30:59.037339943Z",'
    b'"data":{"type":"webhooks","id":"bc368e64-01aa-407e-b46e-3231809b1129"}}'
)
VECTOR_SIGNATURE = "GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4="
VECTOR_KEY = "Ibxx_5AKakO-3qeNVR61Dw"
VECTOR_URL = "https://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9"

provider = SquareProvider(VECTOR_URL)
keys = (provider.signing_key(VECTOR_KEY),)
VECTOR_HEADERS = {"x-square-hmacsha256-signature": VECTOR_SIGNATURE}


def test_the_sdk_vector_verifies() -> None:
    provider.verify(VECTOR_HEADERS, VECTOR_BODY, keys, 0.0)


def test_a_signature_over_another_url_is_refused() -> None:
    # The SDK's own negative: the same request, the URL one character short.
    other = SquareProvider("https://webhook.site/79a4f3a-dcfa-49ee-bac5-9d0edad886b9")
    with pytest.raises(BadSignature):
        other.verify(VECTOR_HEADERS, VECTOR_BODY, keys, 0.0)


@pytest.mark.parametrize("url", [VECTOR_URL + "/", VECTOR_URL.replace("https", "http"), VECTOR_URL + "?x=1"])
def test_the_url_must_match_byte_for_byte(url: str) -> None:
    with pytest.raises(BadSignature):
        SquareProvider(url).verify(VECTOR_HEADERS, VECTOR_BODY, keys, 0.0)


def test_a_tampered_body_is_refused() -> None:
    with pytest.raises(BadSignature):
        provider.verify(VECTOR_HEADERS, VECTOR_BODY.replace(b"2022-07", b"2022-06"), keys, 0.0)


def test_a_wrong_signature_key_is_refused() -> None:
    with pytest.raises(BadSignature):
        provider.verify(VECTOR_HEADERS, VECTOR_BODY, (b"MCmhFRxGX82xMwg5FsaoQA",), 0.0)


def test_a_missing_signature_is_a_bad_signature() -> None:
    with pytest.raises(BadSignature):
        provider.verify({}, VECTOR_BODY, keys, 0.0)


def test_a_notification_reads_its_event_id_type_entity_and_time() -> None:
    body = encode(square_event("order.created", "eA3vssLHKJrv9H0IdJCM3gNqfdcZY", event_id="ev-1"))
    headers = square_headers(body, VECTOR_KEY, VECTOR_URL)
    delivery = provider.parse(headers, body, datetime(2026, 1, 1, tzinfo=UTC))
    assert (delivery.delivery_id, delivery.topic, delivery.entity_id) == (
        "ev-1",
        "order.created",
        "eA3vssLHKJrv9H0IdJCM3gNqfdcZY",
    )
    assert delivery.occurred_at == datetime(2026, 11, 23, 15, 15, 0, 123456, tzinfo=UTC)


@pytest.mark.parametrize(
    ("event_type", "topic"),
    [
        ("refund.updated", "refund.updated"),
        ("inventory.count.updated", "inventory.updated"),
        ("order.fulfillment.updated", "fulfillment.updated"),
        ("payment.created", "payment.created"),
    ],
)
def test_event_types_map_to_canonical_topics(event_type: str, topic: str) -> None:
    body = encode(square_event(event_type, "X1"))
    assert provider.parse({}, body, datetime(2026, 1, 1, tzinfo=UTC)).topic == topic


@pytest.mark.parametrize("body", [b'{"type": "order.created"}', b'{"event_id": "e1"}'])
def test_a_body_without_event_id_or_type_is_a_malformed_request(body: bytes) -> None:
    with pytest.raises(MalformedRequest):
        provider.parse({}, body, datetime(2026, 1, 1, tzinfo=UTC))


@pytest.mark.parametrize("url", ["webhook.site/x", "https://weir.example/ x", ""])
def test_a_notification_url_that_is_not_an_http_url_is_refused(url: str) -> None:
    with pytest.raises(ValueError):
        SquareOptions(notification_url=url)


def test_the_sdk_vector_is_square_s_test_notification_and_an_order_event_is_not() -> None:
    order = encode(square_event("order.created", "O-1"))

    assert provider.is_ping(VECTOR_HEADERS, VECTOR_BODY)
    assert not provider.is_ping({}, order)


def test_a_notification_only_mentioning_the_test_type_is_not_a_test() -> None:
    body = encode({**square_event("customer.created", "C-1"), "note": "webhooks.test_notification"})

    assert not provider.is_ping({}, body)
