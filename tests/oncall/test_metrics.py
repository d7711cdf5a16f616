"""The fleet's metrics, scraped as Prometheus would, from the real RabbitMQ and Redis."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pika
import pytest
import redis
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from oncall.fleet import OnCall, OnCallConfig
from oncall.metrics import FleetCollector, fleet_registry
from oncall.reading import FleetReader
from queues.activity import activity_keys
from queues.lanes import Lane
from queues.outbound_tally import OutboundCounts
from queues.settings import BrokerSettings
from queues.tally import OutcomeTally, tally_key
from queues.topology import lane_queues, ready_arguments
from tests.support.dead_letters import DeadLetterSeeder
from tests.support.net import free_port
from tests.support.rabbit import RABBITMQ_URL, RabbitProbe
from tests.support.reconciliation import record_run
from throttling import FleetGate, GatePolicy
from throttling.gate import Admission
from weir.settings import RedisSettings

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(registry: CollectorRegistry) -> Samples:
    """Every sample of one scrape, by name and labels, parsed back from the text format."""
    text = generate_latest(registry).decode()
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float | None:
    return samples.get((name, frozenset(labels.items())))


def publish(queue: str, count: int) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(RABBITMQ_URL))
    channel = connection.channel()
    channel.confirm_delivery()
    for n in range(count):
        channel.basic_publish("", queue, f'{{"n": {n}}}'.encode(), pika.BasicProperties(delivery_mode=2))
    connection.close()


@pytest.fixture
def registry(oncall: OnCall) -> Iterator[CollectorRegistry]:
    collector = FleetCollector(FleetReader(oncall, max_age_seconds=0))
    registry = CollectorRegistry()
    registry.register(collector)
    yield registry
    collector.close()


def test_lane_depths_are_those_rabbitmq_reports(
    registry: CollectorRegistry, seeder: DeadLetterSeeder, namespace: str, rabbit: RabbitProbe
) -> None:
    # Given messages ready in two lanes and two dead letters in a third
    publish(lane_queues(namespace, Lane.BULK).ready, 7)
    publish(lane_queues(namespace, Lane.CRITICAL).ready, 3)
    seeder.seed(lane=Lane.STANDARD)
    seeder.seed(lane=Lane.STANDARD)

    samples = scrape(registry)

    for lane in Lane:
        queues = lane_queues(namespace, lane)
        assert value(samples, "weir_lane_messages", lane=lane.value, state="ready") == rabbit.count(queues.ready)
        assert value(samples, "weir_lane_messages", lane=lane.value, state="dead") == rabbit.count(queues.dead)
    assert value(samples, "weir_lane_messages", lane="bulk", state="ready") == 7
    assert value(samples, "weir_lane_messages", lane="standard", state="dead") == 2
    assert value(samples, "weir_up", dependency="rabbitmq") == 1
    assert value(samples, "weir_up", dependency="redis") == 1


def test_each_lane_s_consumers_are_a_gauge_and_a_backlog_nobody_consumes_an_alert(
    registry: CollectorRegistry, namespace: str
) -> None:
    # Given a consumer on the critical lane, none on bulk, and events waiting in both
    critical, bulk = (lane_queues(namespace, lane).ready for lane in (Lane.CRITICAL, Lane.BULK))
    connection = pika.BlockingConnection(pika.URLParameters(RABBITMQ_URL))
    channel = connection.channel()
    for queue, events in ((critical, 2), (bulk, 3)):
        channel.queue_declare(queue, durable=True, arguments=ready_arguments(queue))
        publish(queue, events)
    channel.basic_qos(prefetch_count=1)
    channel.basic_consume(critical, lambda *delivery: None)
    try:
        samples = scrape(registry)
    finally:
        connection.close()

    assert value(samples, "weir_lane_consumers", lane="critical") == 1
    assert value(samples, "weir_lane_consumers", lane="bulk") == 0
    assert value(samples, "weir_alert", kind="backlog_without_consumers", lane="bulk") == 1
    assert value(samples, "weir_alert", kind="backlog_without_consumers", lane="critical") == 0
    assert value(samples, "weir_alert", kind="no_consumers", lane="replay") == 1
    assert value(samples, "weir_alert", kind="no_consumers", lane="critical") == 0


def test_events_parked_behind_a_dead_letter_are_counted_apart_from_failures(
    registry: CollectorRegistry, seeder: DeadLetterSeeder
) -> None:
    seeder.seed(lane=Lane.STANDARD)
    seeder.seed(lane=Lane.STANDARD, classification="parked")

    samples = scrape(registry)

    assert value(samples, "weir_lane_messages", lane="standard", state="dead") == 2
    assert value(samples, "weir_lane_parked", lane="standard") == 1
    assert value(samples, "weir_lane_parked", lane="critical") == 0
    assert value(samples, "weir_dead_letters_recent") == 1


def test_a_backlog_shows_its_age_its_drain_eta_the_workers_it_wants_and_its_alerts(
    registry: CollectorRegistry, seeder: DeadLetterSeeder, namespace: str, redis_client: redis.Redis
) -> None:
    # Given a critical backlog nothing drains, whose head has waited ten minutes (the SLO is one)
    publish(lane_queues(namespace, Lane.CRITICAL).ready, 5)
    redis_client.hset(activity_keys(namespace, "critical").heads, "critical", int((time.time() - 600) * 1000))

    samples = scrape(registry)

    assert 600 <= value(samples, "weir_lane_oldest_age_seconds", lane="critical") < 700  # type: ignore[operator]
    assert value(samples, "weir_lane_drain_eta_seconds", lane="critical") == float("inf")
    assert value(samples, "weir_lane_slo_seconds", lane="critical") == 60
    assert value(samples, "weir_desired_workers", lane="critical") >= 1  # type: ignore[operator]
    assert value(samples, "weir_alert", kind="waiting_beyond_slo", lane="critical") == 1
    assert value(samples, "weir_alert", kind="drain_beyond_slo", lane="critical") == 1
    assert value(samples, "weir_alert", kind="drain_beyond_slo", lane="bulk") == 0
    assert value(samples, "weir_alert", kind="dead_letters_growing", lane="") == 0


def test_dead_letters_appear_by_cause_with_their_count_and_short_text(
    registry: CollectorRegistry, seeder: DeadLetterSeeder, namespace: str, redis_client: redis.Redis
) -> None:
    # Given three dead letters of one cause and one of another, tallied as the retry policy does
    tally = OutcomeTally(redis_client, tally_key(namespace))
    for error in ["unknown SKU SKU-0099"] * 3 + ["the order has no lines " + "x" * 200]:
        reason = seeder.seed(error_message=error)
        tally.count("dead:permanent", f"dead_cause:{reason.fingerprint}")
    sku = seeder.seed(error_message="unknown SKU SKU-0099")

    samples = scrape(registry)

    held = {labels: count for (name, labels), count in samples.items() if name == "weir_dead_letters"}
    assert held[frozenset({("fingerprint", sku.fingerprint), ("cause", sku.cause)})] == 4
    assert sorted(held.values()) == [1, 4]
    assert max(len(dict(labels)["cause"]) for labels in held) <= 80
    assert value(samples, "weir_dead_lettered_total", classification="permanent") == 4
    assert value(samples, "weir_alert", kind="dead_letters_growing", lane="") == 1
    assert value(samples, "weir_dead_letters_recent") == 5


def test_causes_beyond_the_largest_are_summed_as_other(
    oncall: OnCall, seeder: DeadLetterSeeder, namespace: str, redis_client: redis.Redis
) -> None:
    tally = OutcomeTally(redis_client, tally_key(namespace))
    for sku in ("SKU-0001", "SKU-0002", "SKU-0002", "SKU-0003"):
        reason = seeder.seed(error_message=f"unknown SKU {sku}")
        tally.count(f"dead_cause:{reason.fingerprint}")
    collector = FleetCollector(FleetReader(oncall, max_age_seconds=0, top_causes=1))
    registry = CollectorRegistry()
    registry.register(collector)

    samples = scrape(registry)
    collector.close()

    held = {
        dict(labels)["fingerprint"]: count for (name, labels), count in samples.items() if name == "weir_dead_letters"
    }
    assert sorted(held.values()) == [2, 2]
    assert held["other"] == 2


def test_retries_deferrals_and_dedupe_hits_come_from_the_fleet_s_tally(
    registry: CollectorRegistry, namespace: str, redis_client: redis.Redis
) -> None:
    tally = OutcomeTally(redis_client, tally_key(namespace))
    tally.count("retries", "deferrals", "deferrals:ErpThrottled", "dedupe_hits:shop-us")
    tally.count("retries", "deferrals", "deferrals:EntityBusy")

    samples = scrape(registry)

    assert value(samples, "weir_retries_total") == 2
    assert value(samples, "weir_deferrals_total", cause="ErpThrottled") == 1
    assert value(samples, "weir_deferrals_total", cause="EntityBusy") == 1
    assert value(samples, "weir_dedupe_hits_total", channel="shop-us") == 1


def test_the_erp_s_latency_histogram_rate_budget_and_breaker_come_from_its_gate(
    registry: CollectorRegistry, namespace: str, redis_client: redis.Redis
) -> None:
    # Given three calls settled through the fleet's gate: 3 ms, 40 ms and 4 s
    gate = FleetGate(redis_client, prefix=f"{namespace}:erp:", policy=GatePolicy(rate_per_second=0, concurrency=0))
    for latency_ms, outcome in ((3, "ok"), (40, "ok"), (4_000, "failure")):
        gate.settle(Admission(True, 0, "ok", ticket=f"t{latency_ms}"), outcome, latency_ms=latency_ms)  # type: ignore[arg-type]

    samples = scrape(registry)

    assert value(samples, "weir_erp_call_duration_seconds_bucket", le="0.005") == 1
    assert value(samples, "weir_erp_call_duration_seconds_bucket", le="0.05") == 2
    assert value(samples, "weir_erp_call_duration_seconds_bucket", le="+Inf") == 3
    assert value(samples, "weir_erp_call_duration_seconds_count") == 3
    assert value(samples, "weir_erp_call_duration_seconds_sum") == pytest.approx(4.043)
    assert value(samples, "weir_erp_calls_total", outcome="failure") == 1
    assert value(samples, "weir_erp_budget_per_second") == 100
    assert value(samples, "weir_erp_breaker_state", state="closed") == 1
    assert value(samples, "weir_erp_breaker_state", state="open") == 0


def test_a_scrape_with_redis_unreachable_still_answers_and_says_so(oncall_config: OnCallConfig) -> None:
    config = OnCallConfig(**{**vars(oncall_config), "redis": RedisSettings(url=f"redis://127.0.0.1:{free_port()}/0")})
    oncall = OnCall(config)
    try:
        samples = scrape(fleet_registry(oncall))
    finally:
        oncall.close()

    assert value(samples, "weir_up", dependency="redis") == 0
    assert value(samples, "weir_up", dependency="rabbitmq") == 1
    assert not any(name.startswith("weir_lane_") for name, _ in samples)


def test_a_scrape_with_rabbitmq_unreachable_still_reports_what_redis_knows(
    oncall_config: OnCallConfig, namespace: str, redis_client: redis.Redis
) -> None:
    OutcomeTally(redis_client, tally_key(namespace)).count("retries")
    url = f"amqp://guest:guest@127.0.0.1:{free_port()}/%2F"
    config = OnCallConfig(**{**vars(oncall_config), "broker": BrokerSettings(url=url)})
    oncall = OnCall(config)
    try:
        samples = scrape(fleet_registry(oncall))
    finally:
        oncall.close()

    assert value(samples, "weir_up", dependency="rabbitmq") == 0
    assert value(samples, "weir_up", dependency="redis") == 1
    assert value(samples, "weir_retries_total") == 1


def test_scrapes_within_the_cache_age_reuse_one_reading(
    oncall: OnCall, seeder: DeadLetterSeeder, namespace: str
) -> None:
    now = [100.0]
    collector = FleetCollector(FleetReader(oncall, max_age_seconds=5, clock=lambda: now[0]))
    registry = CollectorRegistry()
    registry.register(collector)
    queue = lane_queues(namespace, Lane.BULK).ready
    publish(queue, 1)
    first = scrape(registry)

    publish(queue, 1)
    now[0] += 4.9
    cached = scrape(registry)
    now[0] += 0.1
    fresh = scrape(registry)
    collector.close()

    assert value(first, "weir_lane_messages", lane="bulk", state="ready") == 1
    assert value(cached, "weir_lane_messages", lane="bulk", state="ready") == 1
    assert value(fresh, "weir_lane_messages", lane="bulk", state="ready") == 2


def test_reconciliation_s_drift_missing_orders_and_failures_are_metrics_per_channel(
    registry: CollectorRegistry, redis_client: redis.Redis, namespace: str
) -> None:
    record_run(redis_client, namespace, "shop-us", missing=3, drifting=2)
    record_run(redis_client, namespace, "shop-us", missing=1)
    record_run(redis_client, namespace, "shop-eu", error="shop-eu failed 4 times for page 1 of its orders")

    samples = scrape(registry)

    assert value(samples, "weir_reconcile_drift", channel="shop-us") == 2
    assert value(samples, "weir_reconcile_missing_total", channel="shop-us") == 4
    assert value(samples, "weir_reconcile_failed", channel="shop-eu") == 1
    assert value(samples, "weir_reconcile_failed", channel="shop-us") == 0


def test_orders_held_because_their_total_does_not_reconcile_are_a_gauge(
    registry: CollectorRegistry, seeder: DeadLetterSeeder, namespace: str, redis_client: redis.Redis
) -> None:
    tally = OutcomeTally(redis_client, tally_key(namespace))
    reason = seeder.seed(
        error_class="TotalMismatch",
        error_message="order #1001's total does not reconcile: channel 41.34 USD, computed 41.30 USD",
    )
    tally.count(f"dead_cause:{reason.fingerprint}")

    samples = scrape(registry)

    assert value(samples, "weir_order_total_mismatches") == 1


def test_outbound_notices_are_counted_by_channel_and_outcome(
    oncall: OnCall, redis_client: redis.Redis, namespace: str
) -> None:
    counts = OutboundCounts(redis_client, namespace)
    for outcome in ("sent", "sent", "superseded"):
        counts.add("shop-us", outcome)

    collector = FleetCollector(FleetReader(oncall, max_age_seconds=0))
    samples = {
        (sample.labels["channel"], sample.labels["outcome"]): sample.value
        for family in collector.collect()
        if family.name == "weir_outbound_notices"
        for sample in family.samples
    }

    assert samples == {("shop-us", "sent"): 2.0, ("shop-us", "superseded"): 1.0}
