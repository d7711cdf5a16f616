"""Stripe's ``Stripe-Signature`` and its timestamp rule, checked without any server."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime

import pytest

from receivers.errors import BadSignature, MalformedRequest, StaleTimestamp
from receivers.providers import StripeProvider
from samples.payloads import encode, stripe_event, stripe_headers

SECRET = "whsec_test_secret"
SIGNED_AT = 1795425300
provider = StripeProvider(tolerance_seconds=300)
keys = (provider.signing_key(SECRET),)
# Stripe pretty-prints its bodies; the signature covers those exact bytes.
BODY = json.dumps(
    stripe_event("payment_intent.succeeded", {"id": "pi_1", "object": "payment_intent"}), indent=2
).encode()


def header(body: bytes = BODY, secret: str = SECRET, timestamp: int = SIGNED_AT) -> dict[str, str]:
    return {"stripe-signature": stripe_headers(body, secret, timestamp=timestamp)["Stripe-Signature"]}


def verify(headers: dict[str, str], body: bytes = BODY, now: float = SIGNED_AT) -> None:
    provider.verify(headers, body, keys, now)


def test_a_delivery_signed_with_the_whole_whsec_string_verifies() -> None:
    expected = hmac.new(SECRET.encode(), f"{SIGNED_AT}.".encode() + BODY, hashlib.sha256).hexdigest()
    verify({"stripe-signature": f"t={SIGNED_AT},v1={expected}"})


def test_a_key_decoded_from_the_secret_is_refused() -> None:
    decoded = "test_secret"  # what a Standard Webhooks-minded receiver would use
    with pytest.raises(BadSignature):
        verify(header(secret=decoded))


def test_any_of_several_v1_signatures_verifies_and_v0_is_ignored() -> None:
    rotated = stripe_headers(BODY, "whsec_old", timestamp=SIGNED_AT, also=[SECRET])["Stripe-Signature"]
    verify({"stripe-signature": rotated + ",v0=deadbeef"})


def test_a_v0_signature_alone_is_refused() -> None:
    v0 = hmac.new(SECRET.encode(), f"{SIGNED_AT}.".encode() + BODY, hashlib.sha256).hexdigest()
    with pytest.raises(BadSignature):
        verify({"stripe-signature": f"t={SIGNED_AT},v0={v0}"})


def test_a_tampered_body_is_refused() -> None:
    with pytest.raises(BadSignature):
        verify(header(), BODY.replace(b"pi_1", b"pi_2"))


def test_a_wrong_secret_is_refused() -> None:
    with pytest.raises(BadSignature):
        verify(header(secret="whsec_someone_else"))


@pytest.mark.parametrize("value", ["", "v1=abc", f"t={SIGNED_AT}", "t=soon,v1=abc"])
def test_a_missing_or_incomplete_signature_header_is_a_bad_signature(value: str) -> None:
    with pytest.raises(BadSignature):
        verify({"stripe-signature": value} if value else {})


def test_a_timestamp_older_than_the_tolerance_is_stale() -> None:
    with pytest.raises(StaleTimestamp):
        verify(header(), now=SIGNED_AT + 301)


def test_a_timestamp_further_than_the_tolerance_in_the_future_is_stale() -> None:
    with pytest.raises(StaleTimestamp):
        verify(header(), now=SIGNED_AT - 301)


@pytest.mark.parametrize("offset", [-300, 300])
def test_a_timestamp_within_the_tolerance_is_accepted(offset: int) -> None:
    verify(header(), now=SIGNED_AT + offset)


def test_a_stale_timestamp_with_a_wrong_signature_is_a_bad_signature() -> None:
    with pytest.raises(BadSignature):
        verify(header(secret="whsec_someone_else"), now=SIGNED_AT + 3600)


def test_an_event_reads_its_id_type_object_and_creation_time() -> None:
    delivery = provider.parse(header(), BODY, datetime(2026, 1, 1, tzinfo=UTC))
    assert delivery.delivery_id.startswith("evt_")
    assert (delivery.source_topic, delivery.topic, delivery.entity_id) == (
        "payment_intent.succeeded",
        "order.paid",
        "pi_1",
    )
    assert delivery.occurred_at == datetime.fromtimestamp(1795425300, UTC)


@pytest.mark.parametrize(
    ("event_type", "topic"),
    [("charge.refunded", "refund.created"), ("refund.updated", "refund.updated"), ("invoice.paid", "invoice.paid")],
)
def test_event_types_map_to_canonical_topics(event_type: str, topic: str) -> None:
    body = encode(stripe_event(event_type, {"id": "x_1"}))
    assert provider.parse({}, body, datetime(2026, 1, 1, tzinfo=UTC)).topic == topic


@pytest.mark.parametrize("body", [b'{"type": "charge.refunded"}', b'{"id": "evt_1"}'])
def test_an_event_without_id_or_type_is_a_malformed_request(body: bytes) -> None:
    with pytest.raises(MalformedRequest):
        provider.parse({}, body, datetime(2026, 1, 1, tzinfo=UTC))


@pytest.mark.parametrize("secret", ["", "whsec_", "sk_live_123"])
def test_a_secret_that_is_not_a_webhook_secret_is_refused_at_start_up(secret: str) -> None:
    with pytest.raises(ValueError):
        provider.signing_key(secret)
