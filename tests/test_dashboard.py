"""The Grafana dashboard in ``docs/grafana/weir.json`` only charts metrics Weir exports."""

from __future__ import annotations

import json
import re
from pathlib import Path

from prometheus_client import CollectorRegistry, Metric

from oncall.fleet import OnCall, OnCallConfig
from oncall.metrics import FleetCollector
from oncall.reading import FleetReader
from oncall.settings import OnCallSettings
from queues.dead import DeadLetterSettings
from queues.settings import BrokerSettings
from receivers.metrics import ReceiverMetrics
from throttling.budget import BreakerSettings, BudgetSettings
from weir.settings import RedisSettings, ServiceSettings

DASHBOARD = Path(__file__).resolve().parents[1] / "docs" / "grafana" / "weir.json"

_SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count"), "gauge": ("",)}


def exported(registry: CollectorRegistry) -> set[str]:
    families: list[Metric] = list(registry.collect())
    return {family.name + suffix for family in families for suffix in _SUFFIXES.get(family.type, ("",))}


def charted() -> set[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    expressions = [target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])]
    return {name for expression in expressions for name in re.findall(r"\bweir_[a-z_]+", expression)}


def fleet_metric_names(service: ServiceSettings, broker: BrokerSettings, redis: RedisSettings) -> set[str]:
    """Every series name a receiver serves at ``GET /metrics``: its own counter and the fleet's."""
    config = OnCallConfig(
        service=service,
        redis=redis,
        broker=broker,
        budget=BudgetSettings(),
        breaker=BreakerSettings(),
        dead=DeadLetterSettings(),
        oncall=OnCallSettings(),
    )
    oncall = OnCall(config)
    fleet = FleetCollector(FleetReader(oncall))
    receiver = ReceiverMetrics(["shop-us"], fleet)
    receiver.count_answer("shop-us", 202)
    try:
        return exported(receiver.registry)
    finally:
        fleet.close()
        oncall.close()


def test_every_metric_the_dashboard_charts_is_exported(
    service: ServiceSettings, broker_settings: BrokerSettings, redis_settings: RedisSettings
) -> None:
    names = fleet_metric_names(service, broker_settings, redis_settings)

    assert charted() - names == set()
    assert {"weir_lane_messages", "weir_erp_call_duration_seconds_bucket", "weir_alert"} <= charted()
