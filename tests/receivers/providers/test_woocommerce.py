"""WooCommerce's signature, ping and delivery identity, checked without any server."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from receivers.errors import BadSignature, MalformedRequest
from receivers.providers import WooCommerceProvider
from samples.payloads import php_encode, woocommerce_headers, woocommerce_order, woocommerce_ping

SECRET = "woo-secret"
NOW = datetime(2026, 11, 23, tzinfo=UTC)
provider = WooCommerceProvider()
keys = (provider.signing_key(SECRET),)


def lower(headers: dict[str, str]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def verify(headers: dict[str, str], body: bytes, secrets: tuple[bytes, ...] = keys) -> None:
    provider.verify(lower(headers), body, secrets, 0.0)


def parse(headers: dict[str, str], body: bytes):  # type: ignore[no-untyped-def]
    return provider.parse(lower(headers), body, NOW)


def test_an_order_signed_with_the_webhook_secret_verifies_over_its_php_escaped_bytes() -> None:
    body = php_encode(woocommerce_order(1001))
    assert b"\\/" in body and b"\\u00fc" in body
    verify(woocommerce_headers(body, SECRET), body)


def test_the_same_order_reserialised_by_python_is_refused() -> None:
    body = php_encode(woocommerce_order(1001))
    with pytest.raises(BadSignature):
        verify(woocommerce_headers(body, SECRET), json.dumps(json.loads(body)).encode())


def test_a_tampered_body_is_refused() -> None:
    body = php_encode(woocommerce_order(1001))
    with pytest.raises(BadSignature):
        verify(woocommerce_headers(body, SECRET), body.replace(b"11.00", b"1.00"))


def test_a_wrong_secret_is_refused() -> None:
    body = php_encode(woocommerce_order(1001))
    with pytest.raises(BadSignature):
        verify(woocommerce_headers(body, "someone-else"), body)


def test_a_missing_signature_is_a_bad_signature() -> None:
    body = php_encode(woocommerce_order(1001))
    headers = woocommerce_headers(body, SECRET)
    del headers["X-WC-Webhook-Signature"]
    with pytest.raises(BadSignature):
        verify(headers, body)


def test_a_secret_with_html_entities_signs_as_woocommerce_decodes_it() -> None:
    # Woo signs with wp_specialchars_decode($secret, ENT_QUOTES).
    body = b'{"id":1}'
    stored = "a&amp;b&lt;c&#039;d&#x27;e&quot;f&#0038;g"
    verify(woocommerce_headers(body, "a&b<c'd'e\"f&g"), body, (provider.signing_key(stored),))


def test_the_creation_ping_is_a_handshake() -> None:
    body, headers = woocommerce_ping(webhook_id=77)
    assert provider.is_handshake(lower(headers), body)


@pytest.mark.parametrize(
    ("body", "signed"),
    [(b"webhook_id=77", True), (b"webhook_id=77&x=1", False), (b'{"webhook_id":77}', False), (b"", False)],
)
def test_only_an_unsigned_form_ping_is_a_handshake(body: bytes, signed: bool) -> None:
    headers = {"x-wc-webhook-signature": "AAAA"} if signed else {}
    assert not provider.is_handshake(headers, body)


def test_a_delivery_is_identified_by_webhook_topic_resource_and_modification_time() -> None:
    body = php_encode(woocommerce_order(1001))
    delivery = parse(woocommerce_headers(body, SECRET, webhook_id=12), body)
    assert delivery.delivery_id == "12:order.created:1001:2026-11-23T10:15:02"
    assert (delivery.source_topic, delivery.topic, delivery.entity_id) == ("order.created", "order.created", "1001")
    assert delivery.occurred_at == datetime(2026, 11, 23, 10, 15, 2, tzinfo=UTC)


def test_two_deliveries_in_the_same_second_with_other_content_are_not_taken_for_one() -> None:
    first = php_encode(woocommerce_order(1001))
    second = php_encode({**woocommerce_order(1001), "date_modified_gmt": "2026-11-23T10:16:00"})
    headers = woocommerce_headers(first, SECRET)  # the same X-WC-Webhook-Delivery-ID for both
    assert parse(headers, first).delivery_id != parse(headers, second).delivery_id


def test_a_resource_without_modification_time_is_identified_by_its_body_hash() -> None:
    deleted = b'{"id":1001}'
    delivery = parse(woocommerce_headers(deleted, SECRET, topic="order.deleted"), deleted)
    assert delivery.delivery_id.startswith("12:order.deleted:sha256:")
    assert (delivery.topic, delivery.entity_id, delivery.occurred_at) == ("order.deleted", "1001", NOW)


def test_stock_arrives_as_a_product_update() -> None:
    body = b'{"id":5,"stock_quantity":3,"date_modified_gmt":"2026-11-23T10:00:00"}'
    assert parse(woocommerce_headers(body, SECRET, topic="product.updated"), body).topic == "product.updated"


@pytest.mark.parametrize("header", ["X-WC-Webhook-Topic", "X-WC-Webhook-ID"])
def test_a_missing_topic_or_webhook_id_is_a_malformed_request(header: str) -> None:
    body = php_encode(woocommerce_order(1001))
    headers = woocommerce_headers(body, SECRET)
    del headers[header]
    with pytest.raises(MalformedRequest):
        parse(headers, body)
