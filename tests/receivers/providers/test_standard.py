"""Standard Webhooks' signature and delivery format, checked without any server."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from receivers.errors import BadSignature, MalformedRequest, StaleTimestamp
from receivers.providers import StandardWebhooksProvider
from samples.payloads import encode, standard_headers, standard_order

# The specification's own test vector.
VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
VECTOR = {
    "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
    "webhook-timestamp": "1614265330",
    "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
}
VECTOR_BODY = b'{"test": 2432232314}'
VECTOR_NOW = 1614265330.0

provider = StandardWebhooksProvider(tolerance_seconds=300)
keys = (provider.signing_key(VECTOR_SECRET),)


def lower(headers: dict[str, str]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def test_the_specification_vector_verifies() -> None:
    provider.verify(VECTOR, VECTOR_BODY, keys, VECTOR_NOW)


def test_the_specification_negative_vector_is_refused() -> None:
    headers = {**VECTOR, "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA="}
    with pytest.raises(BadSignature):
        provider.verify(headers, VECTOR_BODY, keys, VECTOR_NOW)


def test_one_matching_signature_among_several_verifies() -> None:
    headers = {**VECTOR, "webhook-signature": "v1,Zm9v v1a,YmFy " + VECTOR["webhook-signature"]}
    provider.verify(headers, VECTOR_BODY, keys, VECTOR_NOW)


def test_signatures_of_other_versions_are_ignored() -> None:
    headers = {**VECTOR, "webhook-signature": VECTOR["webhook-signature"].replace("v1,", "v2,")}
    with pytest.raises(BadSignature):
        provider.verify(headers, VECTOR_BODY, keys, VECTOR_NOW)


def test_a_key_used_without_decoding_the_secret_is_refused() -> None:
    raw_key = VECTOR_SECRET.encode()
    with pytest.raises(BadSignature):
        provider.verify(VECTOR, VECTOR_BODY, (raw_key,), VECTOR_NOW)


def test_a_tampered_body_is_refused() -> None:
    with pytest.raises(BadSignature):
        provider.verify(VECTOR, b'{"test": 2432232315}', keys, VECTOR_NOW)


@pytest.mark.parametrize("offset", [-301, 301])
def test_a_timestamp_more_than_five_minutes_away_is_stale(offset: int) -> None:
    with pytest.raises(StaleTimestamp):
        provider.verify(VECTOR, VECTOR_BODY, keys, VECTOR_NOW + offset)


@pytest.mark.parametrize("offset", [-300, 300])
def test_a_timestamp_within_five_minutes_is_accepted(offset: int) -> None:
    provider.verify(VECTOR, VECTOR_BODY, keys, VECTOR_NOW + offset)


def test_a_missing_signature_is_a_bad_signature() -> None:
    headers = {name: value for name, value in VECTOR.items() if name != "webhook-signature"}
    with pytest.raises(BadSignature):
        provider.verify(headers, VECTOR_BODY, keys, VECTOR_NOW)


@pytest.mark.parametrize("header", ["webhook-id", "webhook-timestamp"])
def test_a_missing_id_or_timestamp_is_a_malformed_request(header: str) -> None:
    headers = {name: value for name, value in VECTOR.items() if name != header}
    with pytest.raises(MalformedRequest):
        provider.verify(headers, VECTOR_BODY, keys, VECTOR_NOW)


def test_a_non_numeric_timestamp_is_a_malformed_request() -> None:
    with pytest.raises(MalformedRequest):
        provider.verify({**VECTOR, "webhook-timestamp": "yesterday"}, VECTOR_BODY, keys, VECTOR_NOW)


def test_a_delivery_reads_its_id_type_and_entity() -> None:
    body = encode(standard_order("PO-77"))
    headers = lower(standard_headers(body, VECTOR_SECRET, message_id="msg_1"))
    delivery = provider.parse(headers, body, datetime(2026, 11, 23, tzinfo=UTC))
    assert (delivery.delivery_id, delivery.topic, delivery.entity_id) == ("msg_1", "order.created", "PO-77")
    assert delivery.occurred_at == datetime(2026, 11, 23, 15, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    ("topic", "data"),
    [
        ("order.cancelled", {"order_id": "PO-77", "reason": "customer"}),
        ("refund.created", {"order_id": "PO-77", "refund_id": "r-1", "amount": "2.00"}),
        ("fulfillment.created", {"order_id": "PO-77", "fulfillment_id": "f-1"}),
    ],
)
def test_a_cancellation_refund_or_fulfillment_is_about_the_order_it_names(topic: str, data: dict[str, str]) -> None:
    # So the workers apply it under the order's lock, fence it with the order's versions and
    # hold it behind the order's dead letter, rather than as an entity of its own delivery.
    body = encode({"type": topic, "timestamp": "2026-11-23T15:15:00Z", "data": data})
    delivery = provider.parse(lower(standard_headers(body, VECTOR_SECRET)), body, datetime(2026, 11, 23, tzinfo=UTC))
    assert delivery.entity_id == "PO-77"


def test_stock_levels_are_about_the_skus_they_count_so_an_older_count_of_them_is_stale() -> None:
    levels = [{"sku": "SKU-2", "available": 3}, {"sku": "SKU-1", "available": 5, "location": "back"}]
    bodies = [
        encode({"type": "inventory.updated", "timestamp": f"2026-11-23T15:1{minute}:00Z", "data": {"levels": levels}})
        for minute in (5, 6)
    ]
    deliveries = [
        provider.parse(lower(standard_headers(body, VECTOR_SECRET)), body, datetime(2026, 11, 23, tzinfo=UTC))
        for body in bodies
    ]
    assert [delivery.entity_id for delivery in deliveries] == ["SKU-1@back,SKU-2", "SKU-1@back,SKU-2"]


def test_stock_levels_naming_too_many_skus_for_one_id_are_each_their_own_entity() -> None:
    levels = [{"sku": f"SKU-{n:04}", "available": n} for n in range(40)]
    body = encode({"type": "inventory.updated", "data": {"levels": levels}})
    headers = lower(standard_headers(body, VECTOR_SECRET, message_id="msg_9"))
    assert provider.parse(headers, body, datetime(2026, 11, 23, tzinfo=UTC)).entity_id == "msg_9"


@pytest.mark.parametrize("body", [b'{"data": {}}', b'{"type": "order.created", "data": [1]}'])
def test_a_body_without_type_or_data_object_is_a_malformed_request(body: bytes) -> None:
    headers = lower(standard_headers(body, VECTOR_SECRET))
    with pytest.raises(MalformedRequest):
        provider.parse(headers, body, datetime(2026, 11, 23, tzinfo=UTC))


def test_a_secret_that_is_not_base64_is_refused_at_start_up() -> None:
    with pytest.raises(ValueError):
        provider.signing_key("whsec_not*base64")
