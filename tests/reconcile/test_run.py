"""Reconciliation runs against a real local server standing in for a Shopify shop, the real
Redis and RabbitMQ, and the ERP simulator (the reconcile lane's worker a real process where a
test needs the order applied)."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from erp.settings import ErpSettings
from erp.simulator.adapter import SimulatorErp
from events.mapping.shopify import shopify_order as canonical
from events.order import Order
from oncall.reconciliation import ReconcileRecord, RunReport
from queues.dead.audit import audit_log
from queues.lanes import Lane
from queues.settings import BrokerSettings
from queues.topology import lane_queues
from reconcile.app import ReconcileConfig, reconciler
from reconcile.errors import RunInProgress
from reconcile.lease import RunLease
from reconcile.settings import ReconcileSettings
from samples.payloads import shopify_order
from tasks.settings import ChannelApiSettings
from tests.end_to_end.conftest import Fleet, simulator_env
from tests.fixtures.simulator import RunningSimulator
from tests.support.net import eventually
from tests.support.rabbit import RabbitProbe
from tests.support.shop_orders import FakeShopOrders
from tests.support.shopify import SHOPIFY_TOKEN
from throttling.budget import BreakerSettings, BudgetSettings
from weir.settings import RedisSettings, ServiceSettings

CHANNEL = "shop-recon"
TOKEN_VARIABLE = "SHOP_RECON_TOKEN"


@pytest.fixture
def shop() -> Iterator[FakeShopOrders]:
    with FakeShopOrders() as fake:
        yield fake


@pytest.fixture
def channels_file(shop: FakeShopOrders, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A channels file with one Shopify channel whose Admin API is the fake shop."""
    path = tmp_path / "channels.toml"
    path.write_text(
        f'[channels.{CHANNEL}]\nprovider = "shopify"\nsecrets = ["weir-test-shopify-secret-recon"]\n'
        f'[channels.{CHANNEL}.options]\napi_base_url = "{shop.url}"\naccess_token_env = "{TOKEN_VARIABLE}"\n'
    )
    monkeypatch.setenv(TOKEN_VARIABLE, SHOPIFY_TOKEN)
    return path


@pytest.fixture
def config(namespace: str, simulator: RunningSimulator, channels_file: Path) -> ReconcileConfig:
    return ReconcileConfig(
        service=ServiceSettings(namespace=namespace),
        reconcile=ReconcileSettings(attempts=2, backoff_ms=0),
        channel_api=ChannelApiSettings(channels_file=channels_file, channel_api_rate_per_second=50),
        budget=BudgetSettings(),
        breaker=BreakerSettings(),
        broker=BrokerSettings(),
        redis=RedisSettings(),
        erp=ErpSettings(kind="simulator", url=simulator.url, timeout_seconds=5),
    )


@pytest.fixture
def fleet(namespace: str, simulator: RunningSimulator, channels_file: Path, tmp_path: Path) -> Iterator[Fleet]:
    fleet = Fleet(env=simulator_env(namespace, simulator.url, WEIR_CHANNELS_FILE=channels_file), logs=tmp_path)
    yield fleet
    fleet.stop()


def an_order(minutes_ago: float = 10, **fields: Any) -> dict[str, Any]:
    """A Shopify order, as its webhook and the Admin API give it, updated ``minutes_ago``."""
    updated = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    return shopify_order(random.randrange(2**40, 2**50)) | {"updated_at": updated.isoformat(), **fields}


def canonical_order(order: dict[str, Any]) -> Order:
    """``order`` mapped as the workers map its webhook's body (numbers read as decimals)."""
    return canonical(json.loads(json.dumps(order), parse_float=Decimal))


def queued(rabbit: RabbitProbe, namespace: str) -> int:
    return rabbit.count(lane_queues(namespace, Lane.RECONCILE).ready)


def test_a_shop_order_no_webhook_brought_is_in_the_erp_after_one_run(
    config: ReconcileConfig, shop: FakeShopOrders, fleet: Fleet, simulator_erp: SimulatorErp
) -> None:
    # Given an order the shop holds and no webhook brought, and the reconcile lane's worker
    order = an_order()
    shop.put(order)
    fleet.worker("reconcile")

    # When reconciliation runs once
    with reconciler(config) as running:
        report = running.run(CHANNEL, who="test")

    # Then it was found missing, enqueued, and its sale is in the ERP
    assert (report.listed, report.missing, report.drift, report.error) == (1, 1, 0, None)
    reference = f"{CHANNEL}:{order['id']}"
    eventually(lambda: simulator_erp.find_sale(reference) is not None, timeout=30, what=f"sale {reference}")


def test_a_sale_whose_total_differs_from_the_shop_s_order_is_a_drift_finding_with_both_values(
    config: ReconcileConfig, shop: FakeShopOrders, simulator_erp: SimulatorErp, redis_client: Any, namespace: str
) -> None:
    # Given a sale made from an order the shop has since edited (a line's price)
    order = an_order()
    sale = simulator_erp.ensure_sale(CHANNEL, canonical_order(order))
    edited = order | {"line_items": [order["line_items"][0] | {"price": "99.00"}, *order["line_items"][1:]]}
    shop.put(edited | {"total_price": "215.00"})

    # When reconciliation runs
    with reconciler(config) as running:
        report = running.run(CHANNEL, who="test")

    # Then the sale is a drift finding naming both totals, which on-call sees
    assert (report.missing, report.drift) == (0, 1)
    [finding] = ReconcileRecord(redis_client, namespace).drift(CHANNEL)
    assert (finding.field, finding.channel_value, finding.erp_value) == ("total", "215.00", str(sale.total))
    [overview] = ReconcileRecord(redis_client, namespace).overview()
    assert (overview.channel, overview.drift, overview.error) == (CHANNEL, 1, None)


def test_a_sale_that_agrees_with_the_shop_is_no_finding_and_nothing_is_enqueued(
    config: ReconcileConfig, shop: FakeShopOrders, simulator_erp: SimulatorErp, rabbit: RabbitProbe, namespace: str
) -> None:
    order = an_order()
    simulator_erp.ensure_sale(CHANNEL, canonical_order(order))
    shop.put(order)

    with reconciler(config) as running:
        report = running.run(CHANNEL, who="test")

    assert (report.listed, report.missing, report.updates, report.drift) == (1, 0, 0, 0)
    assert queued(rabbit, namespace) == 0


def test_a_shop_answering_429_loses_no_order_and_its_pauses_hold_the_fleet_s_gate_to_it(
    config: ReconcileConfig, shop: FakeShopOrders, rabbit: RabbitProbe, namespace: str, redis_client: Any
) -> None:
    shop.put(an_order())
    shop.answer_next(429, times=2, headers={"Retry-After": "0.2"})

    with reconciler(config) as running:
        report = running.run(CHANNEL, who="test")

    assert (report.throttled, report.missing, report.error) == (2, 1, None)
    assert queued(rabbit, namespace) == 1
    # The calls went through the gate the workers' lookups of this channel share.
    outcomes = redis_client.hgetall(f"{namespace}:channel-api:{CHANNEL}:calls")
    assert (outcomes[b"outcome:throttled"], outcomes[b"outcome:ok"]) == (b"2", b"1")


def test_a_shop_that_is_down_loses_no_order_the_next_run_finds_it(
    config: ReconcileConfig, shop: FakeShopOrders, rabbit: RabbitProbe, namespace: str, redis_client: Any
) -> None:
    # Given a channel reconciled once, then an order, and a shop that answers 503 to every
    # attempt of the next run
    record = ReconcileRecord(redis_client, namespace)
    with reconciler(config) as running:
        running.run(CHANNEL, who="test")
        cursor = record.cursor(CHANNEL)
        shop.put(an_order(minutes_ago=0))
        shop.answer_next(503, times=2)

        # When reconciliation runs, then again once the shop is back
        down = running.run(CHANNEL, who="test")
        kept = record.cursor(CHANNEL)
        back = running.run(CHANNEL, who="test")

    # Then the run stopped with its cursor unmoved, and the next one listed the same window
    assert down.error is not None and "failed 2 times" in down.error
    assert (down.missing, kept) == (0, cursor)
    assert (back.missing, back.since, back.error) == (1, down.since, None)
    assert record.overview()[0].error is None
    assert queued(rabbit, namespace) == 1


def test_overlapping_runs_enqueue_an_order_version_once(
    config: ReconcileConfig, shop: FakeShopOrders, rabbit: RabbitProbe, namespace: str
) -> None:
    shop.put(an_order())
    since = datetime.now(UTC) - timedelta(hours=1)

    with reconciler(config) as running:
        first = running.run(CHANNEL, who="test", since=since)
        second = running.run(CHANNEL, who="test", since=since)

    assert (first.missing, second.missing, second.listed) == (1, 0, 1)
    assert queued(rabbit, namespace) == 1


def test_the_cursor_survives_a_restart_and_the_next_run_starts_just_before_it(
    config: ReconcileConfig, shop: FakeShopOrders
) -> None:
    with reconciler(config) as running:
        first = running.run(CHANNEL, who="test")

    # A new process: nothing is carried over but what Redis holds
    with reconciler(config) as running:
        second = running.run(CHANNEL, who="test")

    assert second.since == first.until - timedelta(seconds=config.reconcile.overlap_seconds)


def test_a_dry_run_enqueues_nothing_leaves_the_cursor_and_is_audited(
    config: ReconcileConfig, shop: FakeShopOrders, rabbit: RabbitProbe, namespace: str, redis_client: Any
) -> None:
    shop.put(an_order())

    with reconciler(config) as running:
        report = running.run(CHANNEL, who="ops@host", why="checking", dry_run=True, audit_always=True)

    assert (report.missing, report.dry_run) == (1, True)
    assert queued(rabbit, namespace) == 0
    assert ReconcileRecord(redis_client, namespace).cursor(CHANNEL) is None
    [entry] = audit_log(redis_client, namespace).read()
    assert (entry.who, entry.action, entry.why) == ("ops@host", "reconcile", "checking")
    assert entry.selection["channel"] == CHANNEL and entry.selection["dry_run"] is True


def test_a_channel_days_behind_catches_up_one_window_a_run(
    config: ReconcileConfig, shop: FakeShopOrders, redis_client: Any, namespace: str
) -> None:
    # Given a channel whose last complete run ended three days ago, and an order of two days ago
    record = ReconcileRecord(redis_client, namespace)
    three_days_ago = datetime.now(UTC) - timedelta(days=3)
    ended = RunReport(
        channel=CHANNEL,
        started_at=three_days_ago,
        finished_at=three_days_ago,
        since=three_days_ago,
        until=three_days_ago,
    )
    record.finish(ended, {})
    shop.put(an_order(minutes_ago=2 * 24 * 60))

    # When reconciliation runs twice
    with reconciler(config) as running:
        first = running.run(CHANNEL, who="test")
        second = running.run(CHANNEL, who="test")

    # Then each run listed one day, the second finding the order
    assert first.until - first.since == timedelta(hours=config.reconcile.max_window_hours)
    assert (first.missing, second.missing) == (0, 1)
    assert second.since == first.until - timedelta(seconds=config.reconcile.overlap_seconds)


def test_an_edit_no_webhook_brought_is_enqueued_as_an_update_once_and_a_sale_that_cannot_follow_stays_drift(
    config: ReconcileConfig,
    shop: FakeShopOrders,
    fleet: Fleet,
    simulator_erp: SimulatorErp,
    redis_client: Any,
    namespace: str,
) -> None:
    # Given an order reconciled into the ERP by the reconcile lane's worker
    order = an_order(minutes_ago=20)
    shop.put(order)
    fleet.worker("reconcile")
    since = datetime.now(UTC) - timedelta(hours=1)
    reference = f"{CHANNEL}:{order['id']}"
    with reconciler(config) as running:
        assert running.run(CHANNEL, who="test", since=since).missing == 1
    sale = eventually(lambda: simulator_erp.find_sale(reference), timeout=30, what=f"sale {reference}")

    # When the shop edits it (a line's price) and no webhook says so, and reconciliation runs
    edited_at = datetime.now(UTC) - timedelta(minutes=1)
    edited = order | {
        "updated_at": edited_at.isoformat(),
        "line_items": [order["line_items"][0] | {"price": "99.00"}, *order["line_items"][1:]],
        "total_price": "215.00",
    }
    shop.put(edited)
    with reconciler(config) as running:
        first = running.run(CHANNEL, who="test", since=since)
        mark = f"{namespace}:mark:{CHANNEL}:order:{order['id']}"
        version = int(edited_at.timestamp() * 1000)
        eventually(lambda: int(redis_client.get(mark) or 0) >= version, timeout=30, what="the update to be applied")
        second = running.run(CHANNEL, who="test", since=since)

    # Then the edit was enqueued as an update once; the ERP's sale, confirmed, kept its lines,
    # so the order stays a drift finding with both totals, and nothing more is enqueued
    assert (first.missing, first.updates, first.drift) == (0, 1, 1)
    assert (second.missing, second.updates, second.drift) == (0, 0, 1)
    assert simulator_erp.find_sale(reference).total == sale.total  # type: ignore[union-attr]


def test_a_run_by_hand_from_after_the_cursor_leaves_the_cursor_for_the_orders_before_it(
    config: ReconcileConfig, shop: FakeShopOrders, redis_client: Any, namespace: str
) -> None:
    # Given a channel whose cursor is a day back
    record = ReconcileRecord(redis_client, namespace)
    day_ago = datetime.now(UTC) - timedelta(days=1)
    record.finish(RunReport(channel=CHANNEL, started_at=day_ago, finished_at=day_ago, since=day_ago, until=day_ago), {})

    # When someone reconciles the last hour by hand
    with reconciler(config) as running:
        report = running.run(CHANNEL, who="ops@host", since=datetime.now(UTC) - timedelta(hours=1))

    # Then the run completed, and the day before it is still the scheduled runs' to list
    assert (report.error, report.moves_cursor) == (None, False)
    assert record.cursor(CHANNEL) == day_ago


def test_a_run_while_another_holds_the_channel_s_lease_does_not_start(
    config: ReconcileConfig, shop: FakeShopOrders, redis_client: Any, namespace: str
) -> None:
    # Given another process running the channel
    other = RunLease(redis_client, namespace).take(CHANNEL)
    shop.put(an_order())

    # When reconciliation runs it, then again once the other is done
    with reconciler(config) as running:
        with pytest.raises(RunInProgress):
            running.run(CHANNEL, who="test")
        RunLease(redis_client, namespace).release(CHANNEL, other or "")
        report = running.run(CHANNEL, who="test")

    # Then the first asked nothing of the shop, and the second ran and gave its lease back
    assert (report.missing, len(shop.calls)) == (1, 1)
    assert RunLease(redis_client, namespace).take(CHANNEL) is not None
