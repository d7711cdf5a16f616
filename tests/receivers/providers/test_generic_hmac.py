"""GitHub-style ``sha256=<hex>`` signatures with per-channel header names, checked without any server."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from channels import GenericHmacOptions
from receivers.errors import BadSignature, MalformedRequest
from receivers.providers import GenericHmacProvider
from samples.payloads import hmac_headers

# GitHub's documented vector (docs.github.com, "Validating webhook deliveries").
VECTOR_SECRET = "It's a Secret to Everybody"
VECTOR_BODY = b"Hello, World!"
VECTOR_SIGNATURE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
NOW = datetime(2026, 11, 23, tzinfo=UTC)

provider = GenericHmacProvider()
keys = (provider.signing_key(VECTOR_SECRET),)


def test_the_github_vector_verifies() -> None:
    provider.verify({"x-hub-signature-256": VECTOR_SIGNATURE}, VECTOR_BODY, keys, 0.0)


@pytest.mark.parametrize(
    "signature",
    [
        VECTOR_SIGNATURE.removeprefix("sha256="),  # no prefix
        VECTOR_SIGNATURE.upper().replace("SHA256=", "sha256="),  # not lowercase hex
        "sha1=" + VECTOR_SIGNATURE.removeprefix("sha256="),
    ],
    ids=["missing-prefix", "uppercase-hex", "sha1-prefix"],
)
def test_a_signature_in_another_format_is_refused(signature: str) -> None:
    with pytest.raises(BadSignature):
        provider.verify({"x-hub-signature-256": signature}, VECTOR_BODY, keys, 0.0)


def test_a_tampered_body_is_refused() -> None:
    with pytest.raises(BadSignature):
        provider.verify({"x-hub-signature-256": VECTOR_SIGNATURE}, b"Hello, World?", keys, 0.0)


def test_a_wrong_secret_is_refused() -> None:
    with pytest.raises(BadSignature):
        provider.verify({"x-hub-signature-256": VECTOR_SIGNATURE}, VECTOR_BODY, (b"another secret",), 0.0)


def test_a_missing_signature_is_a_bad_signature() -> None:
    with pytest.raises(BadSignature):
        provider.verify({}, VECTOR_BODY, keys, 0.0)


def test_a_delivery_reads_its_id_topic_and_entity_from_the_default_github_headers() -> None:
    body = b'{"id": "PO-7"}'
    headers = {k.lower(): v for k, v in hmac_headers(body, "s", delivery_id="d-1", topic="order.created").items()}
    delivery = provider.parse(headers, body, NOW)
    assert (delivery.delivery_id, delivery.topic, delivery.entity_id, delivery.occurred_at) == (
        "d-1",
        "order.created",
        "PO-7",
        NOW,
    )


def test_header_names_and_topic_names_are_per_channel() -> None:
    options = GenericHmacOptions(
        signature_header="X-Wms-Signature",
        delivery_header="X-Wms-Delivery",
        topic_header="X-Wms-Event",
        topics={"stock.changed": "inventory.updated"},
    )
    custom = GenericHmacProvider(options)
    body = b'{"id": "SKU-1"}'
    sent = hmac_headers(body, "wms", topic="stock.changed", names=("X-Wms-Signature", "X-Wms-Delivery", "X-Wms-Event"))
    headers = {name.lower(): value for name, value in sent.items()}

    custom.verify(headers, body, (custom.signing_key("wms"),), 0.0)
    delivery = custom.parse(headers, body, NOW)

    assert (delivery.source_topic, delivery.topic, delivery.entity_id) == (
        "stock.changed",
        "inventory.updated",
        "SKU-1",
    )


def test_a_refund_is_about_the_order_it_names_and_stock_levels_about_their_skus() -> None:
    refund = b'{"order_id": "PO-7", "refund_id": "r-1", "amount": "2.00"}'
    stock = b'{"levels": [{"sku": "SKU-1", "available": 4}]}'
    parsed = [
        provider.parse({k.lower(): v for k, v in hmac_headers(body, "s", topic=topic).items()}, body, NOW)
        for body, topic in ((refund, "refund.created"), (stock, "inventory.updated"))
    ]
    assert [delivery.entity_id for delivery in parsed] == ["PO-7", "SKU-1"]


@pytest.mark.parametrize("header", ["x-github-delivery", "x-github-event"])
def test_a_missing_delivery_id_or_topic_is_a_malformed_request(header: str) -> None:
    headers = {"x-github-delivery": "d-1", "x-github-event": "order.created"}
    del headers[header]
    with pytest.raises(MalformedRequest):
        provider.parse(headers, b"{}", NOW)


def test_a_header_name_that_is_not_a_token_is_refused() -> None:
    with pytest.raises(ValueError):
        GenericHmacOptions(signature_header="X Signature")


def test_a_ping_in_the_topic_header_is_a_test_notification() -> None:
    custom = GenericHmacProvider(GenericHmacOptions(topic_header="X-Wms-Event"))

    assert provider.is_ping({"x-github-event": "ping"}, b"{}")
    assert custom.is_ping({"x-wms-event": "ping"}, b"{}")
    assert not provider.is_ping({"x-github-event": "order.created"}, b"{}")
    assert not custom.is_ping({"x-github-event": "ping"}, b"{}")


def test_a_channel_that_translates_ping_receives_it_as_an_event() -> None:
    translating = GenericHmacProvider(GenericHmacOptions(topics={"ping": "customer.updated"}))

    assert not translating.is_ping({"x-github-event": "ping"}, b"{}")
