"""A signed webhook becomes a confirmed sale in the real Tryton, through the real fleet.

The receiver and the workers run as the Procfile runs them (``python -m receivers``,
``python -m workers critical``), against the real RabbitMQ, Redis and Tryton.
"""

from __future__ import annotations

import random
import uuid
from decimal import Decimal
from typing import Any

import redis

from erp.adapter import SaleRecord
from erp.settings import ErpSettings
from erp.tryton import TrytonClient, TrytonErp
from queues.dead import DeadLetterStore
from queues.lanes import Lane
from queues.topology import lane_queues
from samples.payloads import encode, shopify_headers, shopify_order, standard_headers, standard_order
from tests.end_to_end.conftest import Fleet
from tests.support.net import eventually
from tests.support.proxy import TcpProxy
from tests.support.rabbit import RabbitProbe

SHOP_SECRET = "weir-demo-shopify-secret-shop-us"
POS_SECRET = "whsec_d2Vpci1kZW1vLXN0YW5kYXJkLWtleS1wb3MtZXUtMzJi"


def new_order_id() -> int:
    # Shopify-sized ids (above 2**53), unique per test run against the shared Tryton.
    return random.randrange(2**60, 2**62)


def confirmed_sale(erp: TrytonErp, reference: str) -> SaleRecord:
    def confirmed() -> SaleRecord | None:
        sale = erp.find_sale(reference)
        return sale if sale is not None and sale.state == "processing" else None

    return eventually(
        confirmed,
        timeout=60,
        interval=0.25,
        what=f"sale {reference} to be confirmed",
    )


def count(client: TrytonClient, model: str, domain: list[object]) -> int:
    return int(client.call(f"model.{model}.search_count", domain))


def shipments(client: TrytonClient, reference: str) -> int:
    [sale] = client.call("model.sale.sale.search_read", [["reference", "=", reference]], 0, None, None, ["shipments"])
    return len(sale["shipments"])


def test_a_signed_shopify_order_becomes_one_confirmed_sale_with_its_lines_and_total(
    fleet: Fleet, tryton_erp: TrytonErp
) -> None:
    fleet.receiver()
    fleet.worker()
    order_id = new_order_id()
    body = encode(shopify_order(order_id, lines=[("SKU-0003", 2, "13.50"), ("SKU-0004", 1, "14.25")]))

    response = fleet.post("shop-us", body, shopify_headers(body, SHOP_SECRET))

    assert response.status_code == 202
    sale = confirmed_sale(tryton_erp, f"shop-us:{order_id}")
    assert [(line.sku, line.quantity, line.unit_price) for line in sale.lines] == [
        ("SKU-0003", Decimal(2), Decimal("13.50")),
        ("SKU-0004", Decimal(1), Decimal("14.25")),
    ]
    # 41.25 of goods, 5.00 shipping and the 6 % tax on both, as Shopify's total_price says.
    assert sale.total == Decimal("49.03")


def discounted_shopify_order(order_id: int) -> dict[str, Any]:
    """Shopify's shape of 2 x 20.00 less a WELCOME10 code's 4.00 (allocated to the line), 5.00
    shipping, and 6 % tax on both: 36.00 + 5.00 + 2.46 = 43.46."""
    payload = shopify_order(order_id, lines=[("SKU-0005", 2, "20.00")])
    (line,) = payload["line_items"]
    money = {"shop_money": {"amount": "4.00", "currency_code": "USD"}}
    line["discount_allocations"] = [{"amount": "4.00", "amount_set": money, "discount_application_index": 0}]
    line["total_discount"] = "4.00"
    line["tax_lines"] = [{"price": "2.16", "rate": 0.06, "title": "State Tax"}]
    code = {
        "target_type": "line_item",
        "type": "discount_code",
        "value": "10.0",
        "value_type": "percentage",
        "allocation_method": "across",
        "target_selection": "all",
        "code": "WELCOME10",
    }
    return {
        **payload,
        "subtotal_price": "36.00",
        "total_discounts": "4.00",
        "total_tax": "2.46",
        "total_price": "43.46",
        "tax_lines": [{"price": "2.46", "rate": 0.06, "title": "State Tax"}],
        "discount_codes": [{"code": "WELCOME10", "amount": "4.00", "type": "percentage"}],
        "discount_applications": [code],
    }


def test_a_shopify_order_with_a_discount_shipping_and_tax_lands_at_the_channels_total(
    fleet: Fleet, tryton_erp: TrytonErp, tryton: ErpSettings
) -> None:
    fleet.receiver()
    fleet.worker()
    order_id = new_order_id()
    body = encode(discounted_shopify_order(order_id))

    assert fleet.post("shop-us", body, shopify_headers(body, SHOP_SECRET)).status_code == 202

    sale = confirmed_sale(tryton_erp, f"shop-us:{order_id}")
    assert sale.total == Decimal("43.46")
    assert [(line.sku, line.quantity, line.unit_price) for line in sale.lines] == [
        ("SKU-0005", Decimal(2), Decimal("20.00"))
    ]
    assert [(line.sku, line.unit_price) for line in sale.money] == [
        ("DISCOUNT", Decimal("-4.00")),
        ("DISCOUNT", Decimal("0")),
        ("SHIPPING", Decimal("5.00")),
        ("TAX", Decimal("2.46")),
    ]
    client = TrytonClient.from_settings(tryton)
    try:
        (read,) = client.call("model.sale.sale.read", [sale.erp_id], ["total_amount"])
    finally:
        client.close()
    assert read["total_amount"] == Decimal("43.46")


def test_a_shopify_order_whose_total_does_not_reconcile_is_dead_lettered_with_both_figures_and_no_sale(
    fleet: Fleet, tryton_erp: TrytonErp, redis_client: redis.Redis, namespace: str
) -> None:
    fleet.receiver()
    fleet.worker()
    order_id = new_order_id()
    body = encode({**discounted_shopify_order(order_id), "total_price": "47.46"})

    assert fleet.post("shop-us", body, shopify_headers(body, SHOP_SECRET)).status_code == 202

    store = DeadLetterStore(redis_client, prefix=f"{namespace}:dead:")
    (reason,) = eventually(lambda: store.select() or None, timeout=60, what="the order's dead letter")
    assert (reason.error_class, reason.classification) == ("TotalMismatch", "permanent")
    assert "channel 47.46 USD, computed 43.46 USD" in reason.error_message
    assert tryton_erp.find_sale(f"shop-us:{order_id}") is None


def test_a_standard_webhooks_order_becomes_a_confirmed_sale(fleet: Fleet, tryton_erp: TrytonErp) -> None:
    fleet.receiver()
    fleet.worker()
    order_id = f"PO-{uuid.uuid4().hex[:10]}"
    body = encode(standard_order(order_id, customer_id=f"C-{order_id}"))

    assert fleet.post("pos-eu", body, standard_headers(body, POS_SECRET)).status_code == 202

    # 34.00 of goods, 4.90 shipping and 21 % VAT on top, as the order's total says.
    assert confirmed_sale(tryton_erp, f"pos-eu:{order_id}").total == Decimal("47.07")


def test_the_same_order_delivered_twice_under_two_delivery_ids_gives_one_sale(
    fleet: Fleet, tryton_erp: TrytonErp, tryton: ErpSettings, rabbit: RabbitProbe, namespace: str
) -> None:
    fleet.receiver()
    order_id = new_order_id()
    body = encode(shopify_order(order_id))
    for delivery in ("first", "second", "second"):
        fleet.post("shop-us", body, shopify_headers(body, SHOP_SECRET, webhook_id=f"{order_id}-{delivery}"))
    critical = lane_queues(namespace, Lane.CRITICAL)
    assert rabbit.count(critical.ready) == 2

    # Two workers' threads race for the two copies.
    fleet.worker()
    fleet.worker()
    confirmed_sale(tryton_erp, f"shop-us:{order_id}")
    eventually(
        lambda: rabbit.count(critical.ready) + rabbit.count(critical.delayed) == 0, what="both copies to be applied"
    )

    client = TrytonClient.from_settings(tryton)
    try:
        assert count(client, "sale.sale", [["reference", "=", f"shop-us:{order_id}"]]) == 1
        assert shipments(client, f"shop-us:{order_id}") == 1
    finally:
        client.close()


def test_an_unknown_sku_is_dead_lettered_with_its_reason_and_writes_nothing(
    fleet: Fleet,
    tryton_erp: TrytonErp,
    tryton: ErpSettings,
    rabbit: RabbitProbe,
    redis_client: redis.Redis,
    namespace: str,
) -> None:
    fleet.receiver()
    fleet.worker()
    order_id = new_order_id()
    customer_id = new_order_id()
    body = encode(
        shopify_order(order_id, customer_id=customer_id, lines=[("SKU-0001", 1, "11.00"), ("SKU-0099", 1, "5.00")])
    )

    event_id = fleet.post("shop-us", body, shopify_headers(body, SHOP_SECRET)).json()["event_id"]

    reasons = DeadLetterStore(redis_client, prefix=f"{namespace}:dead:")
    reason = eventually(lambda: reasons.get(event_id), timeout=60, what="the dead-letter reason")
    assert (reason.classification, reason.error_class) == ("permanent", "UnknownSku")
    assert "SKU-0099" in reason.error_message
    assert (reason.channel, reason.entity_id, reason.lane) == ("shop-us", str(order_id), "critical")
    eventually(lambda: rabbit.count(lane_queues(namespace, Lane.CRITICAL).dead) == 1, what="the dead letter")
    assert tryton_erp.find_sale(f"shop-us:{order_id}") is None
    client = TrytonClient.from_settings(tryton)
    try:
        assert count(client, "party.party", [["code", "=", f"shop-us:{customer_id}"]]) == 0
    finally:
        client.close()


def test_a_worker_killed_between_the_erp_write_and_the_ack_still_lands_the_order_exactly_once(
    fleet: Fleet, tryton_erp: TrytonErp, tryton: ErpSettings
) -> None:
    # Given a worker whose ERP answers are held back once it creates the sale
    proxy = TcpProxy(tryton.url.host or "127.0.0.1", tryton.url.port or 80)
    port = proxy.start()
    held = proxy.hold_after(b"model.sale.sale.create")
    fleet.receiver()
    doomed = fleet.worker(WEIR_ERP_URL=f"http://127.0.0.1:{port}/")
    order_id = new_order_id()
    reference = f"shop-us:{order_id}"
    body = encode(shopify_order(order_id))
    try:
        assert fleet.post("shop-us", body, shopify_headers(body, SHOP_SECRET)).status_code == 202
        assert held.wait(60), "the worker never created the sale"
        # The ERP committed the draft sale; the worker never heard back and never acked.
        eventually(lambda: tryton_erp.find_sale(reference), timeout=30, what="the draft sale")

        # When the worker is killed outright, and another one takes over
        doomed.kill()
        fleet.worker()

        # Then the order lands once: the same sale, driven on to confirmed
        sale = confirmed_sale(tryton_erp, reference)
    finally:
        proxy.stop()
    client = TrytonClient.from_settings(tryton)
    try:
        assert count(client, "sale.sale", [["reference", "=", reference]]) == 1
        assert shipments(client, reference) == 1
    finally:
        client.close()
    assert sale.total == Decimal("41.34")
