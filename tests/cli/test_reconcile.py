"""``weir reconcile``: a run by hand over a local server standing in for a Shopify shop, and the
drift findings listed with both values; ``weir status`` prints a line per reconciled channel."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis
from typer.testing import CliRunner, Result

from cli import app
from queues.dead.audit import audit_log
from samples.payloads import shopify_order
from tests.cli.conftest import Weir
from tests.fixtures.simulator import RunningSimulator
from tests.support.reconciliation import record_run
from tests.support.shop_orders import FakeShopOrders
from tests.support.shopify import SHOPIFY_TOKEN

CHANNEL = "shop-recon"


@pytest.fixture
def shop() -> Iterator[FakeShopOrders]:
    with FakeShopOrders() as fake:
        yield fake


@pytest.fixture
def reconcile(namespace: str, simulator: RunningSimulator, shop: FakeShopOrders, tmp_path: Path) -> Weir:
    """``weir reconcile ...`` with a Shopify channel whose Admin API is the fake shop."""
    channels = tmp_path / "channels.toml"
    channels.write_text(
        f'[channels.{CHANNEL}]\nprovider = "shopify"\nsecrets = ["weir-test-shopify-secret-recon"]\n'
        f'[channels.{CHANNEL}.options]\napi_base_url = "{shop.url}"\naccess_token_env = "SHOP_RECON_TOKEN"\n'
    )
    env = {
        "WEIR_NAMESPACE": namespace,
        "WEIR_CHANNELS_FILE": str(channels),
        "SHOP_RECON_TOKEN": SHOPIFY_TOKEN,
        "WEIR_ERP_KIND": "simulator",
        "WEIR_ERP_URL": simulator.url,
        "COLUMNS": "200",
    }

    def run(*args: str) -> Result:
        return CliRunner().invoke(app, ["reconcile", *args], env=env)

    return run


def test_a_dry_run_by_hand_lists_the_missing_order_enqueues_nothing_and_is_audited(
    reconcile: Weir, shop: FakeShopOrders, redis_client: redis.Redis, namespace: str
) -> None:
    updated = datetime.now(UTC) - timedelta(minutes=10)
    shop.put(shopify_order(random.randrange(2**40, 2**50)) | {"updated_at": updated.isoformat()})

    result = reconcile("--dry-run", "--why", "checking the shop", "--json")

    assert result.exit_code == 0, result.output
    [report] = json.loads(result.stdout)
    assert (report["channel"], report["listed"], report["missing"], report["dry_run"]) == (CHANNEL, 1, 1, True)
    [entry] = audit_log(redis_client, namespace).read()
    assert (entry.action, entry.why, entry.selection["missing"]) == ("reconcile", "checking the shop", 1)


def test_a_channel_without_an_order_api_is_refused_by_name(reconcile: Weir) -> None:
    result = reconcile("--channel", "shop-nowhere")

    assert result.exit_code == 2
    assert "shop-nowhere has no API" in result.output


def test_the_drift_findings_are_listed_with_both_values(
    reconcile: Weir, redis_client: redis.Redis, namespace: str
) -> None:
    record_run(redis_client, namespace, CHANNEL, drifting=2)

    result = reconcile("--drift")

    assert result.exit_code == 0, result.output
    assert "2 drift finding(s)" in result.stdout
    assert f"{CHANNEL}:2" in result.stdout and "12.00" in result.stdout and "2.00" in result.stdout


def test_weir_status_prints_a_line_per_reconciled_channel_and_alerts_on_drift(
    redis_client: redis.Redis, namespace: str
) -> None:
    record_run(redis_client, namespace, CHANNEL, missing=2, drifting=1)

    result = CliRunner().invoke(app, ["status"], env={"WEIR_NAMESPACE": namespace, "COLUMNS": "200"})

    assert "Reconcile shop-recon: last run" in result.stdout
    assert "2 missing enqueued (2 ever); 1 drifting" in result.stdout
    assert "ALERT 1 order(s) of shop-recon drift from their sale" in result.stdout
