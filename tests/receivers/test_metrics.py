"""``GET /metrics`` on a real receiver: its own counters, dedupe hits and the fleet's metrics."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from oncall.fleet import OnCall, OnCallConfig
from oncall.metrics import FleetCollector
from oncall.reading import FleetReader
from oncall.settings import OnCallSettings
from queues.dead import DeadLetterSettings
from queues.lanes import Lane
from queues.settings import BrokerSettings
from queues.topology import lane_queues
from receivers.app import ReceiverConfig, create_app
from receivers.server import SERVER_OPTIONS
from samples.payloads import encode, shopify_headers, shopify_order
from tests.receivers.conftest import SHOP_SECRET
from tests.support.rabbit import RabbitProbe
from tests.support.servers import AppServer
from throttling.budget import BreakerSettings, BudgetSettings
from weir.settings import RedisSettings, ServiceSettings

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@pytest.fixture
def fleet(
    service: ServiceSettings, broker_settings: BrokerSettings, redis_settings: RedisSettings
) -> Iterator[FleetCollector]:
    config = OnCallConfig(
        service=service,
        redis=redis_settings,
        broker=broker_settings,
        budget=BudgetSettings(),
        breaker=BreakerSettings(),
        dead=DeadLetterSettings(),
        oncall=OnCallSettings(),
    )
    oncall = OnCall(config)
    collector = FleetCollector(FleetReader(oncall, max_age_seconds=0))
    yield collector
    collector.close()
    oncall.close()


@pytest.fixture
def receiver(receiver_config: ReceiverConfig, fleet: FleetCollector) -> Iterator[httpx.Client]:
    with (
        AppServer(create_app(receiver_config, fleet=fleet), **SERVER_OPTIONS) as server,
        httpx.Client(base_url=server.url, timeout=10) as client,
    ):
        yield client


def scrape(client: httpx.Client) -> Samples:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def post_order(client: httpx.Client, order_id: int, webhook_id: str) -> httpx.Response:
    body = encode(shopify_order(order_id))
    return client.post(
        "/webhooks/shop-us", content=body, headers=shopify_headers(body, SHOP_SECRET, webhook_id=webhook_id)
    )


def test_redeliveries_count_as_dedupe_hits_of_their_channel(receiver: httpx.Client) -> None:
    # Given one delivery accepted, then delivered twice more by its provider
    assert post_order(receiver, 1, "delivery-1").status_code == 202
    assert post_order(receiver, 1, "delivery-1").status_code == 200
    assert post_order(receiver, 1, "delivery-1").status_code == 200
    assert post_order(receiver, 2, "delivery-2").status_code == 202

    samples = scrape(receiver)

    assert samples[("weir_dedupe_hits_total", frozenset({("channel", "shop-us")}))] == 2


def test_answers_are_counted_by_channel_and_status_without_labelling_unknown_channels(receiver: httpx.Client) -> None:
    body = encode(shopify_order(1))
    post_order(receiver, 1, "delivery-1")
    receiver.post("/webhooks/shop-us", content=body, headers=shopify_headers(body, "not-the-secret"))
    receiver.post("/webhooks/made-up-by-a-scanner", content=body)

    samples = scrape(receiver)

    answers = {
        (dict(labels)["channel"], dict(labels)["status"]): count
        for (name, labels), count in samples.items()
        if name == "weir_webhooks_total"
    }
    assert answers == {("shop-us", "202"): 1, ("shop-us", "401"): 1, ("unknown", "404"): 1}


def test_the_lane_depths_the_receiver_serves_are_those_rabbitmq_reports(
    receiver: httpx.Client, rabbit: RabbitProbe, namespace: str
) -> None:
    for order_id in range(5):
        assert post_order(receiver, order_id, f"delivery-{order_id}").status_code == 202

    samples = scrape(receiver)

    ready = rabbit.count(lane_queues(namespace, Lane.CRITICAL).ready)
    assert ready == 5
    assert samples[("weir_lane_messages", frozenset({("lane", "critical"), ("state", "ready")}))] == ready
    assert samples[("weir_up", frozenset({("dependency", "rabbitmq")}))] == 1
