"""Listing a BigCommerce store's orders through a real local server standing in for its v2 Orders
API: page after page until a short page or a 204, 429s waited out, and a missing order that the
reconcile lane's worker fetches and applies like a live thin webhook."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path

import pytest

from erp.settings import ErpSettings
from erp.simulator.adapter import SimulatorErp
from events.envelope import EventEnvelope
from events.mapping import BigCommerceResource, thin_resource
from queues.settings import BrokerSettings
from reconcile.app import ReconcileConfig, reconciler
from reconcile.bigcommerce import BigCommerceOrders
from reconcile.calls import GatedCalls
from reconcile.listing import OrderPage
from reconcile.settings import ReconcileSettings
from tasks.settings import ChannelApiSettings
from tests.end_to_end.conftest import Fleet, simulator_env
from tests.fixtures.simulator import RunningSimulator
from tests.support.bigcommerce_store import BIGCOMMERCE_TOKEN, FakeBigCommerce, bigcommerce_store_order
from tests.support.net import eventually
from throttling.budget import BreakerSettings, BudgetSettings
from weir.settings import RedisSettings, ServiceSettings

CHANNEL = "bigc-recon"
NOW = datetime.now(UTC).replace(microsecond=0)
WINDOW = (NOW - timedelta(hours=1), NOW)


@pytest.fixture
def store() -> Iterator[FakeBigCommerce]:
    with FakeBigCommerce() as fake:
        yield fake


@pytest.fixture
def orders(store: FakeBigCommerce) -> Iterator[BigCommerceOrders]:
    lister = BigCommerceOrders(f"{store.url}/", BIGCOMMERCE_TOKEN, page_size=2)
    yield lister
    lister.close()


def hold(store: FakeBigCommerce, count: int) -> list[str]:
    ids = [random.randrange(10**6, 10**9) for _ in range(count)]
    for n, order_id in enumerate(ids):
        store.put(bigcommerce_store_order(order_id, NOW - timedelta(minutes=30 - n)))
    return [str(order_id) for order_id in ids]


def listed(orders: BigCommerceOrders, calls: GatedCalls) -> list[str]:
    found: list[str] = []
    after: str | None = None
    while True:
        page: OrderPage = calls.call("a page", partial(orders.page, *WINDOW, after))
        found.extend(order.order_id for order in page.orders)
        if page.next is None:
            return found
        after = page.next


def test_every_page_is_listed_until_a_short_page(store: FakeBigCommerce, orders: BigCommerceOrders) -> None:
    ids = hold(store, 5)

    assert listed(orders, GatedCalls(CHANNEL, None)) == ids
    assert [call["page"] for call in store.list_calls] == ["1", "2", "3"]
    assert store.list_calls[0]["sort"] == "date_modified:asc"


def test_a_full_last_page_ends_with_the_204_that_follows_it(store: FakeBigCommerce, orders: BigCommerceOrders) -> None:
    ids = hold(store, 4)

    assert listed(orders, GatedCalls(CHANNEL, None)) == ids
    assert len(store.list_calls) == 3


def test_a_429_is_waited_out_for_the_window_s_reset_and_no_page_is_lost(
    store: FakeBigCommerce, orders: BigCommerceOrders
) -> None:
    ids = hold(store, 3)
    store.answer_next(429, times=1, headers={"X-Rate-Limit-Time-Reset-Ms": "1500"})
    waits: list[float] = []

    assert listed(orders, GatedCalls(CHANNEL, None, sleep=waits.append)) == ids
    assert waits == [1.5]


def test_a_listed_order_has_its_totals_status_version_and_a_thin_webhook_naming_it(
    store: FakeBigCommerce, orders: BigCommerceOrders
) -> None:
    store.put(bigcommerce_store_order(250, NOW - timedelta(minutes=5), status_id=5))

    [order] = orders.page(*WINDOW, None).orders
    webhook = orders.webhook(order, "cancelled")

    assert (order.order_id, order.total, order.cancelled) == ("250", Decimal("34.0000"), True)
    assert order.updated_at == NOW - timedelta(minutes=5)
    envelope = EventEnvelope.model_validate(
        {
            "event_id": "e",
            "delivery_id": "d",
            "channel": CHANNEL,
            "provider": "bigcommerce",
            "topic": webhook.topic,
            "source_topic": webhook.source_topic,
            "entity_type": "order",
            "entity_id": "250",
            "occurred_at": NOW,
            "received_at": NOW,
            "correlation_id": "c",
            "lane": "reconcile",
            "payload": webhook.payload,
        }
    )
    assert thin_resource(envelope) == BigCommerceResource("order", "250")


def test_a_store_order_no_webhook_brought_is_in_the_erp_after_one_run(
    store: FakeBigCommerce,
    namespace: str,
    simulator: RunningSimulator,
    simulator_erp: SimulatorErp,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a store holding an order no webhook brought, and the reconcile lane's worker
    [order_id] = hold(store, 1)
    channels = tmp_path / "channels.toml"
    channels.write_text(
        f'[channels.{CHANNEL}]\nprovider = "bigcommerce"\nsecrets = ["weir-test-bigcommerce-secret"]\n'
        f'[channels.{CHANNEL}.options]\napi_base_url = "{store.url}/"\napi_token_env = "BIGC_RECON_TOKEN"\n'
    )
    monkeypatch.setenv("BIGC_RECON_TOKEN", BIGCOMMERCE_TOKEN)
    env = simulator_env(namespace, simulator.url, WEIR_CHANNELS_FILE=channels, BIGC_RECON_TOKEN=BIGCOMMERCE_TOKEN)
    fleet = Fleet(env=env, logs=tmp_path)
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

        # Then the worker fetched the order from the store and its sale is in the ERP
        assert (report.listed, report.missing, report.error) == (1, 1, None)
        reference = f"{CHANNEL}:{order_id}"
        sale = eventually(lambda: simulator_erp.find_sale(reference), timeout=30, what=f"sale {reference}")
        assert sale.total == Decimal("34.00")
    finally:
        fleet.stop()
