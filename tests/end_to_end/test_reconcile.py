"""Reconciliation through the real fleet: ``python -m reconcile`` lists a local server standing in
for a Shopify shop's Admin API, ``python -m workers reconcile`` applies what it found missing to
the real Tryton; an order that arrives by webhook too lands once. RabbitMQ and Redis are real."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from erp.settings import ErpSettings
from erp.tryton import TrytonClient, TrytonErp
from queues.lanes import Lane
from queues.settings import BrokerSettings
from queues.topology import lane_queues
from reconcile.app import ReconcileConfig, reconciler
from reconcile.settings import ReconcileSettings
from samples.payloads import encode, shopify_headers, shopify_order
from tasks.settings import ChannelApiSettings
from tests.end_to_end.conftest import Fleet
from tests.support.net import eventually
from tests.support.rabbit import RabbitProbe
from tests.support.shop_orders import FakeShopOrders
from tests.support.shopify import SHOPIFY_TOKEN
from throttling.budget import BreakerSettings, BudgetSettings
from weir.settings import RedisSettings, ServiceSettings

CHANNEL = "shop-recon"
SECRET = "weir-test-shopify-secret-recon"


@pytest.fixture
def shop() -> Any:
    with FakeShopOrders() as fake:
        yield fake


def shop_channel(fleet: Fleet, tmp_path: Path, shop: FakeShopOrders, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Give the fleet (and this process) a Shopify channel whose Admin API is the fake shop."""
    path = tmp_path / "channels.toml"
    path.write_text(
        f'[channels.{CHANNEL}]\nprovider = "shopify"\nsecrets = ["{SECRET}"]\n[channels.{CHANNEL}.options]\n'
        f'api_base_url = "{shop.url}"\naccess_token_env = "SHOP_RECON_TOKEN"\n'
    )
    fleet.env.update({"WEIR_CHANNELS_FILE": str(path), "SHOP_RECON_TOKEN": SHOPIFY_TOKEN})
    monkeypatch.setenv("SHOP_RECON_TOKEN", SHOPIFY_TOKEN)
    return path


def an_order() -> dict[str, Any]:
    updated = datetime.now(UTC) - timedelta(minutes=10)
    order = shopify_order(random.randrange(2**60, 2**62), lines=[("SKU-0005", 2, "15.00"), ("SKU-0006", 1, "16.00")])
    return order | {"updated_at": updated.isoformat()}


def sale_of(erp: TrytonErp, order: dict[str, Any]) -> Any:
    reference = f"{CHANNEL}:{order['id']}"
    return eventually(lambda: erp.find_sale(reference), timeout=60, interval=0.25, what=f"sale {reference}")


def test_python_m_reconcile_puts_a_shop_order_no_webhook_brought_into_tryton(
    fleet: Fleet, tryton_erp: TrytonErp, shop: FakeShopOrders, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a shop holding an order whose webhook never came
    shop_channel(fleet, tmp_path, shop, monkeypatch)
    order = an_order()
    shop.put(order)

    # When the reconcile process and the reconcile lane's worker run
    fleet.worker("reconcile")
    process = fleet.reconcile(WEIR_RECONCILE_INTERVAL_SECONDS="3600")

    # Then the order is a sale in Tryton, with its lines
    sale = sale_of(tryton_erp, order)
    assert [(line.sku, line.quantity) for line in sale.lines] == [("SKU-0005", Decimal(2)), ("SKU-0006", Decimal(1))]
    process.stop()
    assert process.wait(10) == 0


def test_an_order_that_arrives_by_webhook_and_by_reconciliation_lands_once(
    fleet: Fleet,
    tryton: ErpSettings,
    tryton_erp: TrytonErp,
    shop: FakeShopOrders,
    rabbit: RabbitProbe,
    namespace: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given an order both in the reconcile lane and, by its webhook, in the critical lane
    channels_file = shop_channel(fleet, tmp_path, shop, monkeypatch)
    order = an_order()
    shop.put(order)
    config = ReconcileConfig(
        service=ServiceSettings(namespace=namespace),
        reconcile=ReconcileSettings(),
        channel_api=ChannelApiSettings(channels_file=channels_file, channel_api_rate_per_second=50),
        budget=BudgetSettings(),
        breaker=BreakerSettings(),
        broker=BrokerSettings(),
        redis=RedisSettings(),
        erp=tryton,
    )
    with reconciler(config) as running:
        assert running.run(CHANNEL, who="test").missing == 1
    fleet.receiver()
    body = encode(order)
    assert fleet.post(CHANNEL, body, shopify_headers(body, SECRET)).status_code == 202

    # When both lanes' workers apply them
    fleet.worker("critical")
    fleet.worker("reconcile")
    sale_of(tryton_erp, order)
    lanes = [lane_queues(namespace, lane) for lane in (Lane.CRITICAL, Lane.RECONCILE)]
    eventually(
        lambda: sum(rabbit.count(queues.ready) + rabbit.count(queues.delayed) for queues in lanes) == 0,
        timeout=60,
        what="both copies to be applied",
    )

    # Then Tryton holds one sale, and the next run finds nothing missing and nothing drifting
    client = TrytonClient.from_settings(tryton)
    try:
        found = client.call("model.sale.sale.search_count", [["reference", "=", f"{CHANNEL}:{order['id']}"]])
    finally:
        client.close()
    assert found == 1
    with reconciler(config) as running:
        again = running.run(CHANNEL, who="test", since=datetime.now(UTC) - timedelta(hours=1))
    assert (again.listed, again.missing, again.updates, again.drift) == (1, 0, 0, 0)
