"""From an envelope to the ERP: each family's operation runs against the real simulator."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest

from erp.adapter import sale_reference
from erp.errors import SaleMissing
from erp.simulator import SimulatorErp
from events.errors import PayloadError, UnsupportedEvent
from tasks import apply
from tests.events.mapping.envelopes import envelope
from weir.samples import shopify_order

CHANNEL = "shop-test"


def shopify(payload: object, topic: str, source_topic: str) -> Any:
    return envelope(payload, provider="shopify", topic=topic, source_topic=source_topic, channel=CHANNEL)


def order_id() -> int:
    return uuid.uuid4().int % 10**15


def test_an_order_its_fulfillment_and_its_refund_reach_the_erp(simulator_erp: SimulatorErp) -> None:
    number = order_id()
    shipped = {"id": 1, "order_id": number, "status": "success", "line_items": []}
    refunded = {
        "id": 2,
        "order_id": number,
        "refund_line_items": [{"quantity": 1, "line_item_id": 1, "line_item": {"sku": "SKU-0001", "price": "11.00"}}],
        "transactions": [{"kind": "refund", "status": "success", "amount": "11.00", "currency": "USD"}],
    }

    apply(shopify(shopify_order(number), "order.created", "orders/create"), simulator_erp)
    apply(shopify(shipped, "fulfillment.created", "fulfillments/create"), simulator_erp)
    apply(shopify(refunded, "refund.created", "refunds/create"), simulator_erp)

    sale = simulator_erp.find_sale(sale_reference(CHANNEL, str(number)))
    assert sale is not None and sale.shipped and sale.total == Decimal("34.00")


def test_a_cancelled_order_s_update_cancels_its_sale(simulator_erp: SimulatorErp) -> None:
    number = order_id()
    cancelled = {**shopify_order(number), "cancelled_at": "2026-11-23T11:00:00-05:00", "cancel_reason": "customer"}

    apply(shopify(shopify_order(number), "order.created", "orders/create"), simulator_erp)
    apply(shopify(cancelled, "order.updated", "orders/updated"), simulator_erp)

    sale = simulator_erp.find_sale(sale_reference(CHANNEL, str(number)))
    assert sale is not None and sale.cancelled


def test_a_refund_before_its_order_waits_without_spending_a_retry(simulator_erp: SimulatorErp) -> None:
    refunded = {
        "id": 3,
        "order_id": order_id(),
        "transactions": [{"kind": "refund", "status": "success", "amount": "1.00", "currency": "USD"}],
    }

    with pytest.raises(SaleMissing) as caught:
        apply(shopify(refunded, "refund.created", "refunds/create"), simulator_erp)

    assert caught.value.deferral


def test_a_payload_that_does_not_map_fails_permanently_with_its_reason(simulator_erp: SimulatorErp) -> None:
    broken = {**shopify_order(order_id()), "line_items": "nope"}

    with pytest.raises(PayloadError) as caught:
        apply(shopify(broken, "order.created", "orders/create"), simulator_erp)

    assert caught.value.permanent
    assert "line_items" in str(caught.value)


def test_a_topic_without_a_family_fails_permanently(simulator_erp: SimulatorErp) -> None:
    with pytest.raises(UnsupportedEvent):
        apply(envelope({}, provider="nobody", topic="order.created"), simulator_erp)


def test_a_bigcommerce_payload_is_refused_until_what_it_names_is_fetched(simulator_erp: SimulatorErp) -> None:
    thin = {"scope": "store/order/created", "data": {"type": "order", "id": 250}, "created_at": 1795425300}

    with pytest.raises(PayloadError, match="fetched"):
        apply(envelope(thin, provider="bigcommerce", topic="order.created"), simulator_erp)
