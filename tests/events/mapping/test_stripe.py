"""Stripe events as canonical events: refunds name their order through metadata."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from events import CustomerUpdated, PayloadError, RefundCreated
from events.mapping import canonical_events
from samples.payloads import stripe_event
from tests.events.mapping.envelopes import envelope


def mapped(event_type: str, event_object: dict[str, Any], topic: str) -> tuple[Any, ...]:
    payload = stripe_event(event_type, event_object)
    return canonical_events(envelope(payload, provider="stripe", topic=topic, source_topic=event_type))


def test_a_refunded_charge_credits_its_newest_refund_on_the_order_its_metadata_names() -> None:
    charge = {
        "id": "ch_1",
        "currency": "usd",
        "amount_refunded": 1500,
        "metadata": {"order_id": "1001", "order_channel": "shop-us"},
        "refunds": {"data": [{"id": "re_2", "amount": 500, "currency": "usd", "status": "succeeded"}]},
    }

    (event,) = mapped("charge.refunded", charge, "refund.created")

    assert isinstance(event, RefundCreated)
    refund = event.refund
    assert (refund.order_id, refund.order_channel, refund.refund_id) == ("1001", "shop-us", "re_2")
    assert (refund.amount, refund.currency) == (Decimal("5.00"), "USD")


def test_a_refund_without_an_order_in_its_metadata_fails_permanently_saying_what_to_set() -> None:
    refund = {"id": "re_1", "amount": 100, "currency": "eur", "metadata": {}}

    with pytest.raises(PayloadError, match=r"metadata\.order_id"):
        mapped("refund.created", refund, "refund.created")


def test_a_payment_changes_nothing_the_erp_keeps() -> None:
    assert mapped("payment_intent.succeeded", {"id": "pi_1", "metadata": {"order_id": "1"}}, "order.paid") == ()


def test_a_customer_maps() -> None:
    (event,) = mapped("customer.created", {"id": "cus_1", "name": "Ada", "email": "a@x"}, "customer.created")

    assert isinstance(event, CustomerUpdated)
    assert (event.customer.id, event.customer.name, event.customer.email) == ("cus_1", "Ada", "a@x")
