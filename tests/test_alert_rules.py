"""The Prometheus alert rules in ``docs/prometheus/weir-alerts.yml`` only watch metrics Weir exports."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from queues.settings import BrokerSettings
from tests.test_dashboard import fleet_metric_names
from weir.settings import RedisSettings, ServiceSettings

RULES = Path(__file__).resolve().parents[1] / "docs" / "prometheus" / "weir-alerts.yml"


def rules() -> list[dict[str, Any]]:
    document = yaml.safe_load(RULES.read_text())
    return [rule for group in document["groups"] for rule in group["rules"]]


def watched() -> set[str]:
    return {name for rule in rules() for name in re.findall(r"\bweir_[a-z_]+", rule["expr"])}


def complete(rule: dict[str, Any]) -> bool:
    """Named, paging or warning, and saying what fired."""
    labels, annotations = rule.get("labels", {}), rule.get("annotations", {})
    named = bool(rule.get("alert")) and bool(annotations.get("summary"))
    return named and labels.get("severity") in {"page", "warning"}


def test_every_rule_is_an_alert_with_a_severity_and_a_summary() -> None:
    incomplete = [rule.get("alert", rule["expr"]) for rule in rules() if not complete(rule)]

    assert incomplete == []
    assert len({rule["alert"] for rule in rules()}) == len(rules())


def test_every_metric_the_alert_rules_watch_is_exported(
    service: ServiceSettings, broker_settings: BrokerSettings, redis_settings: RedisSettings
) -> None:
    names = fleet_metric_names(service, broker_settings, redis_settings)

    assert watched() - names == set()
    assert {"weir_alert", "weir_erp_breaker_state", "weir_webhooks_total", "weir_lane_consumers"} <= watched()
