"""Shopify's signature and delivery format, checked without any server."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from receivers.errors import BadSignature, MalformedRequest
from receivers.providers import ShopifyProvider
from samples.payloads import encode, shopify_headers, shopify_order

SECRET = "app-secret"
NOW = datetime(2026, 11, 23, tzinfo=UTC)
provider = ShopifyProvider()
keys = (provider.signing_key(SECRET),)


def verify(headers: dict[str, str], body: bytes, secrets: tuple[bytes, ...] = keys) -> None:
    provider.verify({name.lower(): value for name, value in headers.items()}, body, secrets, 0.0)


def parse(headers: dict[str, str], body: bytes):  # type: ignore[no-untyped-def]
    return provider.parse({name.lower(): value for name, value in headers.items()}, body, NOW)


def test_a_delivery_signed_with_the_channel_secret_verifies() -> None:
    body = encode(shopify_order(820982911946154508))
    verify(shopify_headers(body, SECRET), body)


def test_any_of_several_rotating_secrets_verifies() -> None:
    body = b'{"id":1}'
    verify(shopify_headers(body, SECRET), body, (b"old-secret", keys[0]))


def test_a_tampered_body_is_refused() -> None:
    body = encode(shopify_order(1))
    headers = shopify_headers(body, SECRET)
    with pytest.raises(BadSignature):
        verify(headers, body.replace(b"11.00", b"1.00"))


def test_the_same_json_reserialised_into_other_bytes_is_refused() -> None:
    body = encode(shopify_order(1))
    headers = shopify_headers(body, SECRET)
    with pytest.raises(BadSignature):
        verify(headers, json.dumps(json.loads(body), indent=2).encode())


def test_a_wrong_secret_is_refused() -> None:
    body = b'{"id":1}'
    with pytest.raises(BadSignature):
        verify(shopify_headers(body, "someone-else"), body)


def test_a_hex_signature_is_refused() -> None:
    import hashlib
    import hmac

    body = b'{"id":1}'
    headers = shopify_headers(body, SECRET)
    headers["X-Shopify-Hmac-Sha256"] = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    with pytest.raises(BadSignature):
        verify(headers, body)


def test_a_missing_signature_is_a_bad_signature() -> None:
    body = b'{"id":1}'
    headers = shopify_headers(body, SECRET)
    del headers["X-Shopify-Hmac-Sha256"]
    with pytest.raises(BadSignature):
        verify(headers, body)


def test_a_delivery_reads_its_id_topic_and_entity() -> None:
    body = encode(shopify_order(820982911946154508))
    headers = shopify_headers(body, SECRET, webhook_id="b54557e4-bdd9-4b37-8a5f-bf7d70bcd043")
    delivery = parse(headers, body)
    assert delivery.delivery_id == "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043"
    assert (delivery.source_topic, delivery.topic) == ("orders/create", "order.created")
    assert delivery.entity_id == "820982911946154508"


def test_ids_above_two_to_the_53_keep_every_digit() -> None:
    body = b'{"id":9007199254740993123}'
    delivery = parse(shopify_headers(body, SECRET), body)
    assert delivery.entity_id == "9007199254740993123"


def test_triggered_at_with_nanoseconds_is_the_time_the_event_occurred() -> None:
    body = b'{"id":1}'
    headers = shopify_headers(body, SECRET)
    headers["X-Shopify-Triggered-At"] = "2023-03-29T18:00:27.877041743Z"
    delivery = parse(headers, body)
    assert delivery.occurred_at == datetime(2023, 3, 29, 18, 0, 27, 877041, tzinfo=UTC)


def test_an_inventory_level_is_identified_by_item_and_location() -> None:
    body = b'{"inventory_item_id":271878346596884015,"location_id":24826418,"available":42}'
    delivery = parse(shopify_headers(body, SECRET, topic="inventory_levels/update"), body)
    assert (delivery.topic, delivery.entity_id) == ("inventory.updated", "271878346596884015@24826418")


@pytest.mark.parametrize("header", ["X-Shopify-Topic", "X-Shopify-Webhook-Id"])
def test_a_missing_required_header_is_a_malformed_request(header: str) -> None:
    body = b'{"id":1}'
    headers = shopify_headers(body, SECRET)
    del headers[header]
    with pytest.raises(MalformedRequest):
        parse(headers, body)


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b"\xff\xfe", b""])
def test_a_body_that_is_not_a_json_object_is_a_malformed_request(body: bytes) -> None:
    with pytest.raises(MalformedRequest):
        parse(shopify_headers(body, SECRET), body)
