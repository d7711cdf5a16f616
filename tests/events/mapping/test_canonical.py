"""Weir's own canonical JSON, as in-house systems send it through Standard Webhooks or generic HMAC."""

from __future__ import annotations

from decimal import Decimal

import pytest

from events import (
    CustomerUpdated,
    FulfillmentCreated,
    InventoryUpdated,
    OrderCancelled,
    OrderCreated,
    PayloadError,
    RefundCreated,
)
from events.mapping import canonical_events
from samples.payloads import standard_order
from tests.events.mapping.envelopes import envelope


def test_a_standard_webhooks_order_is_the_canonical_order_in_data() -> None:
    (event,) = canonical_events(envelope(standard_order("PO-9"), provider="standard", topic="order.created"))

    assert isinstance(event, OrderCreated)
    assert (event.order.id, event.order.currency, event.order.customer.id) == ("PO-9", "EUR", "C-42")
    assert (event.order.total, event.order.tax_total) == (Decimal("47.07"), Decimal("8.17"))
    assert event.order.reconciles()


def test_an_in_house_order_carries_its_discounts_charges_and_taxes_included_as_it_sends_them() -> None:
    order = {
        "id": "PO-10",
        "currency": "EUR",
        "customer": {"id": "C-1", "name": "Ada"},
        "lines": [{"sku": "SKU-0001", "quantity": "2", "unit_price": "12.10", "discount": "2.42"}],
        "discounts": [
            {"title": "Staff", "amount": "1.21"},
            {"title": "Spring", "code": "SPRING", "amount": "2.42", "allocated": True},
        ],
        "shipping": [
            {"title": "Courier", "amount": "6.05", "taxes": [{"title": "VAT", "rate": "0.21", "amount": "1.05"}]}
        ],
        "fees": [{"title": "Packaging", "amount": "1.21"}],
        "taxes": [{"title": "VAT", "rate": "0.21", "amount": "4.62"}],
        "taxes_included": True,
        "total": "27.83",
    }

    (event,) = canonical_events(envelope(order, provider="hmac", topic="order.created"))

    assert isinstance(event, OrderCreated)
    assert event.order.computed_total == Decimal("27.83")
    assert event.order.reconciles()


def test_an_order_whose_money_is_not_the_models_fails_permanently_naming_the_field() -> None:
    order = {**standard_order("PO-11")["data"], "shipping": [{"title": "Courier", "amount": "-1.00"}]}

    with pytest.raises(PayloadError, match="shipping"):
        canonical_events(envelope(order, provider="hmac", topic="order.created"))


@pytest.mark.parametrize(
    ("topic", "subject", "family"),
    [
        ("order.cancelled", {"order_id": "PO-1", "reason": "fraud"}, OrderCancelled),
        (
            "refund.created",
            {"order_id": "PO-1", "refund_id": "R-1", "amount": "5.00", "currency": "EUR"},
            RefundCreated,
        ),
        ("fulfillment.created", {"order_id": "PO-1", "fulfillment_id": "F-1"}, FulfillmentCreated),
        ("inventory.updated", {"levels": [{"sku": "SKU-0001", "available": "12"}]}, InventoryUpdated),
        ("customer.updated", {"id": "C-1", "name": "Ada"}, CustomerUpdated),
    ],
)
def test_a_generic_hmac_body_is_the_subject_of_its_topic(topic: str, subject: dict[str, object], family: type) -> None:
    (event,) = canonical_events(envelope(subject, provider="hmac", topic=topic))

    assert isinstance(event, family)


def test_a_stock_level_keeps_its_figure_exact() -> None:
    body = {"levels": [{"sku": "SKU-0001", "available": 12.5}]}

    (event,) = canonical_events(envelope(body, provider="hmac", topic="inventory.updated"))

    assert isinstance(event, InventoryUpdated) and event.levels[0].available == Decimal("12.5")


def test_a_body_that_is_not_the_topics_subject_fails_permanently_naming_the_fields() -> None:
    with pytest.raises(PayloadError, match="levels"):
        canonical_events(envelope({"id": "SKU-0001", "on_hand": 12}, provider="hmac", topic="inventory.updated"))


def test_a_standard_webhooks_body_without_data_fails_permanently() -> None:
    with pytest.raises(PayloadError, match="data"):
        canonical_events(envelope({"type": "order.created"}, provider="standard", topic="order.created"))
