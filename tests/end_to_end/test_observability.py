"""What on-call sees of the real fleet (``python -m receivers``, ``python -m workers critical``)
applying orders to the ERP simulator: JSON logs that one grep follows from the webhook to the ERP,
and the metrics the receiver serves, on the real RabbitMQ and Redis."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

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
