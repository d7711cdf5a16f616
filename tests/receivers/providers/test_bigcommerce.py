"""BigCommerce: Standard Webhooks keyed with the raw client secret, and its thin payloads."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest

from receivers.errors import BadSignature, MalformedRequest, StaleTimestamp
from receivers.providers import BigCommerceProvider
from samples.payloads import bigcommerce_event, bigcommerce_headers, encode, standard_headers

SECRET = "bc-client-secret"
SIGNED_AT = 1795425300
provider = BigCommerceProvider(tolerance_seconds=300)
keys = (provider.signing_key(SECRET),)


def lower(headers: dict[str, str]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def signed(body: bytes, secret: str = SECRET) -> dict[str, str]:
    return lower(bigcommerce_headers(body, secret, message_id="msg_1", timestamp=SIGNED_AT))


def parse(body: bytes):  # type: ignore[no-untyped-def]
    return provider.parse(signed(body), body, datetime(2026, 1, 1, tzinfo=UTC))


BODY = encode(bigcommerce_event("store/order/created", 250))


def test_a_delivery_signed_with_the_client_secret_verifies() -> None:
    provider.verify(signed(BODY), BODY, keys, SIGNED_AT)


def test_the_sample_code_that_base64_encodes_the_secret_for_the_library_signs_the_same() -> None:
    # BigCommerce's samples call Webhook(base64(client_secret)); the library decodes it back.
    library_secret = "whsec_" + base64.b64encode(SECRET.encode()).decode()
    headers = lower(standard_headers(BODY, library_secret, message_id="msg_1", timestamp=SIGNED_AT))
    provider.verify(headers, BODY, keys, SIGNED_AT)


def test_a_tampered_body_is_refused() -> None:
    with pytest.raises(BadSignature):
        provider.verify(signed(BODY), BODY.replace(b"250", b"251"), keys, SIGNED_AT)


def test_a_wrong_secret_is_refused() -> None:
    with pytest.raises(BadSignature):
        provider.verify(signed(BODY, "someone-else"), BODY, keys, SIGNED_AT)


def test_a_missing_signature_is_a_bad_signature() -> None:
    headers = {name: value for name, value in signed(BODY).items() if name != "webhook-signature"}
    with pytest.raises(BadSignature):
        provider.verify(headers, BODY, keys, SIGNED_AT)


@pytest.mark.parametrize("offset", [-301, 301])
def test_a_timestamp_more_than_five_minutes_away_is_stale(offset: int) -> None:
    with pytest.raises(StaleTimestamp):
        provider.verify(signed(BODY), BODY, keys, SIGNED_AT + offset)


@pytest.mark.parametrize("offset", [-300, 300])
def test_a_timestamp_within_five_minutes_is_accepted(offset: int) -> None:
    provider.verify(signed(BODY), BODY, keys, SIGNED_AT + offset)


def test_an_order_delivery_reads_its_webhook_id_scope_order_and_time() -> None:
    delivery = parse(BODY)
    assert (delivery.delivery_id, delivery.source_topic, delivery.topic) == (
        "msg_1",
        "store/order/created",
        "order.created",
    )
    assert delivery.entity_id == "250"
    assert delivery.occurred_at == datetime.fromtimestamp(1795425300, UTC)


@pytest.mark.parametrize(
    ("data", "scope", "topic", "entity_id"),
    [
        ({"type": "order", "id": 250, "refund": {"refund_id": 3}}, "store/order/refund/created", "refund.created", "3"),
        ({"type": "product", "id": 167}, "store/product/inventory/updated", "inventory.updated", "product/167"),
        ({"type": "sku", "id": 461}, "store/sku/inventory/order/updated", "inventory.updated", "sku/461"),
        ({"type": "shipment", "id": 12}, "store/shipment/created", "fulfillment.created", "12"),
        ({"type": "customer", "id": 32}, "store/customer/created", "customer.created", "32"),
        ({"type": "order", "id": 250}, "store/order/transaction/created", "order.transaction.created", "250"),
    ],
)
def test_scopes_map_to_canonical_topics_and_entities(data: dict, scope: str, topic: str, entity_id: str) -> None:  # type: ignore[type-arg]
    body = encode({"scope": scope, "data": data, "created_at": SIGNED_AT})
    delivery = parse(body)
    assert (delivery.topic, delivery.entity_id) == (topic, entity_id)


@pytest.mark.parametrize("body", [b'{"data": {"id": 1}}', b'{"scope": "store/order/created", "data": 1}'])
def test_a_body_without_scope_or_data_object_is_a_malformed_request(body: bytes) -> None:
    with pytest.raises(MalformedRequest):
        parse(body)


def test_an_empty_client_secret_is_refused_at_start_up() -> None:
    with pytest.raises(ValueError):
        provider.signing_key("")
