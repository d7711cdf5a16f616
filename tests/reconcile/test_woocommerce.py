"""Listing a WooCommerce store's orders through a real local server standing in for its REST
API: page after page as X-WP-TotalPages says, 429s waited out, a refused key, and a missing
order that the reconcile lane's worker applies from the listed body."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from erp.settings import ErpSettings
from erp.simulator.adapter import SimulatorErp
from queues.settings import BrokerSettings
from reconcile.app import ReconcileConfig, reconciler
from reconcile.calls import GatedCalls
from reconcile.errors import ChannelUnreachable
from reconcile.listing import OrderPage
from reconcile.settings import ReconcileSettings
from reconcile.woocommerce import WooCommerceOrders
from samples.payloads import woocommerce_order
from tasks.settings import ChannelApiSettings
from tests.end_to_end.conftest import Fleet, simulator_env
from tests.fixtures.simulator import RunningSimulator
from tests.support.net import eventually
from tests.support.woocommerce_store import WOO_KEY, WOO_SECRET, FakeWooCommerce
from throttling.budget import BreakerSettings, BudgetSettings
from weir.settings import RedisSettings, ServiceSettings

CHANNEL = "woo-recon"
NOW = datetime.now(UTC).replace(microsecond=0)
WINDOW = (NOW - timedelta(hours=1), NOW)


@pytest.fixture
def store() -> Iterator[FakeWooCommerce]:
    with FakeWooCommerce() as fake:
        yield fake


@pytest.fixture
def orders(store: FakeWooCommerce) -> Iterator[WooCommerceOrders]:
    lister = WooCommerceOrders(store.url, WOO_KEY, WOO_SECRET, page_size=2)
    yield lister
    lister.close()


def an_order(minutes_ago: float, **fields: Any) -> dict[str, Any]:
    modified = (NOW - timedelta(minutes=minutes_ago)).replace(tzinfo=None).isoformat()
    return woocommerce_order(random.randrange(10**5, 10**9)) | {"date_modified_gmt": modified, **fields}


def hold(store: FakeWooCommerce, count: int) -> list[str]:
    held = [an_order(30 - n) for n in range(count)]
    for order in held:
        store.put(order)
    return [str(order["id"]) for order in held]


def listed(orders: WooCommerceOrders, calls: GatedCalls) -> list[str]:
    found: list[str] = []
    after: str | None = None
    while True:
        page: OrderPage = calls.call("a page", partial(orders.page, *WINDOW, after))
        found.extend(order.order_id for order in page.orders)
        if page.next is None:
            return found
        after = page.next


def test_every_page_is_listed_as_x_wp_totalpages_says(store: FakeWooCommerce, orders: WooCommerceOrders) -> None:
    ids = hold(store, 5)

    assert listed(orders, GatedCalls(CHANNEL, None)) == ids
    assert [call["page"] for call in store.calls] == ["1", "2", "3"]
    assert (store.calls[0]["orderby"], store.calls[0]["dates_are_gmt"]) == ("modified", "true")


def test_a_429_is_waited_out_and_no_page_is_lost(store: FakeWooCommerce, orders: WooCommerceOrders) -> None:
    ids = hold(store, 3)
    store.answer_next(429, times=1, headers={"Retry-After": "3"})
    waits: list[float] = []

    assert listed(orders, GatedCalls(CHANNEL, None, sleep=waits.append)) == ids
    assert waits == [3.0]


def test_a_refused_key_ends_the_run_for_that_channel(store: FakeWooCommerce) -> None:
    lister = WooCommerceOrders(store.url, WOO_KEY, "cs_revoked")
    try:
        with pytest.raises(ChannelUnreachable, match="refused"):
            GatedCalls(CHANNEL, None).call("a page", partial(lister.page, *WINDOW, None))
    finally:
        lister.close()


def test_a_listed_order_has_its_total_its_status_and_the_totals_its_sale_may_hold(
    store: FakeWooCommerce, orders: WooCommerceOrders
) -> None:
    order = an_order(5, status="cancelled")
    store.put(order)

    [found] = orders.page(*WINDOW, None).orders

    assert (found.total, found.cancelled, found.updated_at) == (
        Decimal(order["total"]),
        True,
        NOW - timedelta(minutes=5),
    )
    assert Decimal(order["total"]) in found.sale_totals


def test_a_store_order_no_webhook_brought_is_in_the_erp_after_one_run(
    store: FakeWooCommerce,
    namespace: str,
    simulator: RunningSimulator,
    simulator_erp: SimulatorErp,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a store holding an order no webhook brought, and the reconcile lane's worker
    order = an_order(10)
    store.put(order)
    channels = tmp_path / "channels.toml"
    channels.write_text(
        f'[channels.{CHANNEL}]\nprovider = "woocommerce"\nsecrets = ["weir-test-woo-secret"]\n'
        f'[channels.{CHANNEL}.options]\napi_base_url = "{store.url}"\nconsumer_key = "{WOO_KEY}"\n'
        'consumer_secret_env = "WOO_RECON_SECRET"\n'
    )
    monkeypatch.setenv("WOO_RECON_SECRET", WOO_SECRET)
    fleet = Fleet(env=simulator_env(namespace, simulator.url, WEIR_CHANNELS_FILE=channels), logs=tmp_path)
    config = ReconcileConfig(
        service=ServiceSettings(namespace=namespace),
        reconcile=ReconcileSettings(),
        channel_api=ChannelApiSettings(channels_file=channels, channel_api_rate_per_second=50),
        budget=BudgetSettings(),
        breaker=BreakerSettings(),
        broker=BrokerSettings(),
        redis=RedisSettings(),
        erp=ErpSettings(kind="simulator", url=simulator.url, timeout_seconds=5),
    )
    try:
        fleet.worker("reconcile")

        # When reconciliation runs once
        with reconciler(config) as running:
            report = running.run(CHANNEL, who="test")

        # Then its sale is in the ERP, and the next run finds it neither missing nor drifting
        assert (report.listed, report.missing, report.error) == (1, 1, None)
        reference = f"{CHANNEL}:{order['id']}"
        eventually(lambda: simulator_erp.find_sale(reference), timeout=30, what=f"sale {reference}")
        with reconciler(config) as running:
            again = running.run(CHANNEL, who="test", since=NOW - timedelta(hours=1))
        assert (again.missing, again.updates, again.drift) == (0, 0, 0)
    finally:
        fleet.stop()
