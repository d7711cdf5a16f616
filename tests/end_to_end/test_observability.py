"""What on-call sees of the real fleet (``python -m receivers``, ``python -m workers critical``)
applying orders to the ERP simulator: JSON logs that one grep follows from the webhook to the ERP,
and the metrics the receiver serves, on the real RabbitMQ and Redis."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import redis
from prometheus_client.parser import text_string_to_metric_families

from queues.dead import DeadLetterStore
from samples.payloads import encode, shopify_headers, shopify_order
from tests.end_to_end.conftest import Fleet, simulator_env
from tests.fixtures.simulator import RunningSimulator
from tests.support.net import eventually

SHOP_SECRET = "weir-demo-shopify-secret-shop-us"


def json_lines(fleet: Fleet, process: str) -> list[dict[str, Any]]:
    """The JSON log lines of the processes named ``process``, in order (other output skipped)."""
    lines = []
    for path in sorted(fleet.logs.glob(f"{process}-*.log")):
        lines += [json.loads(line) for line in path.read_text(errors="replace").splitlines() if line.startswith("{")]
    return lines


def grep(fleet: Fleet, process: str, text: str) -> list[dict[str, Any]]:
    return [line for line in json_lines(fleet, process) if text in json.dumps(line)]


def scrape(url: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    text = httpx.get(f"{url}/metrics", timeout=10).text
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def post_order(fleet: Fleet, order_id: int, **headers: str) -> httpx.Response:
    body = encode(shopify_order(order_id))
    return fleet.post("shop-us", body, {**shopify_headers(body, SHOP_SECRET, webhook_id=f"d-{order_id}"), **headers})


def test_one_grep_for_a_correlation_id_follows_an_order_from_the_webhook_to_the_erp(
    namespace: str, simulator: RunningSimulator, tmp_path: Path
) -> None:
    fleet = Fleet(env=simulator_env(namespace, simulator.url, WEIR_LOG_FORMAT="json"), logs=tmp_path)
    try:
        fleet.receiver()
        fleet.worker("critical")

        # When a provider posts an order with its own correlation id
        response = post_order(fleet, 6001, **{"X-Correlation-Id": "trace-6001"})
        assert response.status_code == 202
        eventually(lambda: simulator.stats().orders == 1, timeout=60, what="the sale")
        eventually(lambda: grep(fleet, "worker-critical", "is sale"), what="the worker's sale line")
    finally:
        fleet.stop()

    # Then the receiver's and the worker's lines for it all carry it, with the event's ids
    event_id = response.json()["event_id"]
    received = grep(fleet, "receiver", "trace-6001")
    applied = grep(fleet, "worker-critical", "trace-6001")
    assert [line["message"] for line in received] == [
        f"Accepted event {event_id} (order.created 6001) from shop-us into the critical lane."
    ]
    assert {line["event_id"] for line in received + applied} == {event_id}
    assert {line["channel"] for line in received + applied} == {"shop-us"}
    [sale] = [line for line in applied if "is sale" in line["message"]]
    assert sale["erp_reference"] == "shop-us:6001"
    assert sale["lane"] == "critical"
    assert {"ts", "level", "logger"} <= sale.keys()


def test_the_receiver_s_metrics_add_up_across_its_processes(
    namespace: str, simulator: RunningSimulator, tmp_path: Path
) -> None:
    fleet = Fleet(env=simulator_env(namespace, simulator.url, WEIR_WEB_PROCESSES=2), logs=tmp_path)
    try:
        fleet.receiver()
        for order_id in range(10):
            assert post_order(fleet, 7000 + order_id).status_code == 202
        assert post_order(fleet, 7000).status_code == 200

        # Each scrape reaches one of the two processes, and each sees every answer and the lane
        scrapes = [scrape(fleet.url) for _ in range(4)]
    finally:
        fleet.stop()

    for samples in scrapes:
        assert samples[("weir_webhooks_total", frozenset({("channel", "shop-us"), ("status", "202")}))] == 10
        assert samples[("weir_webhooks_total", frozenset({("channel", "shop-us"), ("status", "200")}))] == 1
        assert samples[("weir_dedupe_hits_total", frozenset({("channel", "shop-us")}))] == 1
        assert samples[("weir_lane_messages", frozenset({("lane", "critical"), ("state", "ready")}))] == 10


#: What a customer tells a shop, none of which may reach a log line.
PERSONAL = {
    "email": "zelphine.quartermaine@example.org",
    "first_name": "Zelphine",
    "last_name": "Quartermaine",
    "address1": "742 Evergreen Terrace",
    "city": "Shelbyville",
    "zip": "ZX9 4QJ",
    "phone": "+1-555-0199-4242",
    "title": "Hand-knitted heather scarf",
}


def private_order(order_id: int, sku: str) -> bytes:
    """A Shopify order carrying :data:`PERSONAL` in its customer, address and line."""
    order = shopify_order(order_id, lines=[(sku, 1, "19.00")])
    person = {name: PERSONAL[name] for name in ("email", "first_name", "last_name", "phone")}
    order.update(email=PERSONAL["email"], phone=PERSONAL["phone"], customer={**order["customer"], **person})
    address = {name: PERSONAL[name] for name in ("first_name", "last_name", "address1", "city", "zip", "phone")}
    order["shipping_address"] = order["billing_address"] = {**order["shipping_address"], **address}
    order["line_items"][0]["title"] = order["line_items"][0]["name"] = PERSONAL["title"]
    return encode(order)


def test_log_lines_name_events_by_their_ids_and_never_carry_customers_data(
    namespace: str, simulator: RunningSimulator, tmp_path: Path, redis_client: redis.Redis
) -> None:
    fleet = Fleet(env=simulator_env(namespace, simulator.url, WEIR_LOG_LEVEL="DEBUG"), logs=tmp_path)
    dead_letters = DeadLetterStore(redis_client, prefix=f"{namespace}:dead:")
    simulator.control.set_policy(error_rate=1.0)
    try:
        fleet.receiver()
        fleet.worker("critical")

        # Given an order the ERP fails to take once, so the worker retries it
        body = private_order(8001, "SKU-0001")
        retried = fleet.post("shop-us", body, shopify_headers(body, SHOP_SECRET, webhook_id="d-8001"))
        assert retried.status_code == 202
        eventually(lambda: re.search(r"failed \(1 of \d+\)", fleet.output()), timeout=60, what="a retry")
        simulator.control.set_policy(error_rate=0.0)
        # And an order the ERP refuses for good: it sells no such SKU
        body = private_order(8002, "SKU-NOT-SOLD")
        refused = fleet.post("shop-us", body, shopify_headers(body, SHOP_SECRET, webhook_id="d-8002"))
        assert refused.status_code == 202

        # When both are settled: one sale, one dead letter
        eventually(lambda: simulator.stats().orders == 1, timeout=60, what="the retried order's sale")
        eventually(lambda: dead_letters.get(refused.json()["event_id"]), timeout=60, what="the dead letter")
    finally:
        fleet.stop()

    # Then the logs name both events by their ids, and nothing the customer told the shop
    logs = fleet.output()
    assert retried.json()["event_id"] in logs
    assert refused.json()["event_id"] in logs
    assert "Failed to process message" in logs
    assert [field for field, value in PERSONAL.items() if value in logs] == []
