"""Provider payloads as canonical orders and customers, and clear reasons when they are not."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from events.envelope import EventEnvelope
from events.errors import PayloadError, UnsupportedEvent
from events.mapping import customer_from, order_from
from weir.samples import shopify_order, standard_order


def envelope(payload: object, *, provider: str = "shopify", topic: str = "order.created") -> EventEnvelope:
    now = datetime(2026, 11, 23, tzinfo=UTC)
    return EventEnvelope(
        event_id="e",
        delivery_id="d",
        channel="shop-us",
        provider=provider,
        topic=topic,
        source_topic=topic,
        entity_type=topic.partition(".")[0],
        entity_id="1",
        occurred_at=now,
        received_at=now,
        correlation_id="c",
        lane="critical",
        payload=payload if isinstance(payload, str) else json.dumps(payload),
    )


def test_a_shopify_order_maps_with_exact_ids_and_money() -> None:
    order = order_from(envelope(shopify_order(820982911946154508, customer_id=115310627314723954)))

    assert (order.id, order.currency, order.number) == ("820982911946154508", "USD", "#54508")
    assert order.customer.id == "115310627314723954"
    assert [(line.sku, line.quantity, line.unit_price) for line in order.lines] == [
        ("SKU-0001", Decimal(2), Decimal("11.00")),
        ("SKU-0002", Decimal(1), Decimal("12.00")),
    ]
    assert order.lines_total == Decimal("34.00")
    assert order.shipping_address is not None and order.shipping_address.city == "Springfield"


def test_a_price_sent_as_a_json_number_stays_exact() -> None:
    payload = (
        '{"id": 1, "currency": "USD", "customer": {"id": 2}, "line_items": [{"sku": "A", "quantity": 3, "price": 0.1}]}'
    )
    order = order_from(envelope(payload))

    assert order.lines[0].unit_price == Decimal("0.1")
    assert order.lines_total == Decimal("0.3")


def test_a_guest_checkout_is_identified_by_its_email() -> None:
    payload = shopify_order(5)
    del payload["customer"]

    assert order_from(envelope(payload)).customer.id == "guest:jane@example.com"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda p: p["line_items"][0].pop("sku"), r"line_items\[0\].sku"),
        (lambda p: p["line_items"][1].update(quantity=0), "quantity"),
        (lambda p: p["line_items"][0].update(price="free"), r"line_items\[0\].price"),
        (lambda p: p.pop("currency"), "currency"),
        (lambda p: p.update(line_items=[]), "line_items"),
    ],
    ids=["no-sku", "zero-quantity", "bad-price", "no-currency", "no-lines"],
)
def test_a_payload_that_is_not_an_order_fails_permanently_with_its_reason(change, reason: str) -> None:  # type: ignore[no-untyped-def]
    payload = shopify_order(6)
    change(payload)

    with pytest.raises(PayloadError, match=reason) as failure:
        order_from(envelope(payload))
    assert failure.value.permanent


def test_a_standard_webhooks_order_is_weirs_canonical_json() -> None:
    order = order_from(envelope(standard_order("PO-9"), provider="standard"))

    assert (order.id, order.currency, order.customer.id) == ("PO-9", "EUR", "C-42")


def test_a_shopify_customer_maps() -> None:
    customer = customer_from(
        envelope({"id": 7, "first_name": "Ada", "last_name": "L", "email": "a@x"}, topic="customer.created")
    )

    assert (customer.id, customer.name, customer.email) == ("7", "Ada L", "a@x")


def test_a_provider_without_a_mapping_is_unsupported() -> None:
    with pytest.raises(UnsupportedEvent):
        order_from(envelope({}, provider="carrier-pigeon"))
