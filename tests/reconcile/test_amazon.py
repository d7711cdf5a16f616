"""Listing an Amazon seller's orders through a real local server standing in for SP-API:
getOrders by LastUpdateDate in the marketplaces the seller participates in, NextToken after
NextToken, a window ending two minutes back, 429s waited out, and a missing order that the
reconcile lane's worker fetches (getOrder, getOrderItems) and applies like a live ORDER_CHANGE."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path

import pytest

from erp.settings import ErpSettings
from erp.simulator.adapter import SimulatorErp
from queues.settings import BrokerSettings
from reconcile.amazon import AmazonOrders
from reconcile.app import ReconcileConfig, reconciler
from reconcile.calls import GatedCalls
from reconcile.listing import OrderPage
from reconcile.settings import ReconcileSettings
from samples.payloads import sp_api_order, sp_api_order_item
from tasks.lwa import FixedToken
from tasks.settings import ChannelApiSettings
from tests.end_to_end.conftest import Fleet, simulator_env
from tests.fixtures.simulator import RunningSimulator
from tests.support.net import eventually
from tests.support.sp_api import SP_API_TOKEN
from tests.support.sp_api_orders import FakeSpApiOrders
from throttling.budget import BreakerSettings, BudgetSettings
from weir.settings import RedisSettings, ServiceSettings

CHANNEL = "amazon-recon"
US, CA = "ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"
NOW = datetime.now(UTC)
WINDOW = (NOW - timedelta(hours=1), NOW - timedelta(minutes=2))


@pytest.fixture
def seller() -> Iterator[FakeSpApiOrders]:
    with FakeSpApiOrders([US, CA]) as fake:
        yield fake


@pytest.fixture
def orders(seller: FakeSpApiOrders) -> Iterator[AmazonOrders]:
    lister = AmazonOrders(seller.url, FixedToken(SP_API_TOKEN), page_size=2)
    yield lister
    lister.close()


def hold(seller: FakeSpApiOrders, count: int, *, minutes_ago: float = 30, marketplace: str = US) -> list[str]:
    ids = []
    for n in range(count):
        order_id = f"902-{uuid.uuid4().int % 10**7:07d}-{n:07d}"
        updated = (NOW - timedelta(minutes=minutes_ago - n)).isoformat().replace("+00:00", "Z")
        order = sp_api_order(order_id, LastUpdateDate=updated, MarketplaceId=marketplace)
        order["OrderTotal"] = {"CurrencyCode": "USD", "Amount": "34.00"}
        seller.add(order, [sp_api_order_item("SKU-0001", 2, "22.00"), sp_api_order_item("SKU-0002", 1, "12.00")])
        ids.append(order_id)
    return ids


def listed(orders: AmazonOrders, calls: GatedCalls) -> list[str]:
    found: list[str] = []
    after: str | None = None
    while True:
        page: OrderPage = calls.call("a page", partial(orders.page, *WINDOW, after))
        found.extend(order.order_id for order in page.orders)
        if page.next is None:
            return found
        after = page.next


def test_every_page_is_listed_next_token_after_next_token_in_each_marketplace(
    seller: FakeSpApiOrders, orders: AmazonOrders
) -> None:
    ids = hold(seller, 3) + hold(seller, 2, minutes_ago=20, marketplace=CA)

    assert sorted(listed(orders, GatedCalls(CHANNEL, None))) == sorted(ids)
    assert [call["MarketplaceIds"] for call in seller.list_calls] == [f"{CA},{US}"] * 3
    assert ["NextToken" in call for call in seller.list_calls] == [False, True, True]
    assert len([call for call in seller.calls if call.path.endswith("marketplaceParticipations")]) == 1


def test_a_429_is_waited_out_one_interval_of_the_operation_s_rate_and_no_page_is_lost(
    seller: FakeSpApiOrders, orders: AmazonOrders
) -> None:
    ids = hold(seller, 3)
    listed(orders, GatedCalls(CHANNEL, None))  # the marketplaces are known from here on
    seller.list_calls.clear()
    seller.answer_next(429, headers={"x-amzn-RateLimit-Limit": "0.0167"})
    waits: list[float] = []

    assert sorted(listed(orders, GatedCalls(CHANNEL, None, sleep=waits.append))) == sorted(ids)
    assert waits == [59.881]


def test_a_cancelled_order_is_listed_as_cancelled_and_its_total_is_not_compared(
    seller: FakeSpApiOrders, orders: AmazonOrders
) -> None:
    [order_id] = hold(seller, 1)
    seller.add(sp_api_order(order_id, "Canceled", LastUpdateDate=(NOW - timedelta(minutes=9)).isoformat()), [])

    [order] = orders.page(*WINDOW, None).orders

    assert (order.order_id, order.cancelled, order.total, order.sale_totals) == (order_id, True, None, frozenset())
    assert orders.webhook(order, "cancelled").topic == "order.cancelled"


def test_a_seller_order_no_notification_brought_is_in_the_erp_after_one_run(
    seller: FakeSpApiOrders,
    namespace: str,
    simulator: RunningSimulator,
    simulator_erp: SimulatorErp,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a seller holding an order updated 10 minutes ago that no notification brought
    [order_id] = hold(seller, 1, minutes_ago=10)
    channels = tmp_path / "channels.toml"
    channels.write_text(
        f'[channels.{CHANNEL}]\nprovider = "amazon"\n[channels.{CHANNEL}.options]\n'
        'queue_url = "https://sqs.us-east-1.amazonaws.com/123456789012/weir-recon"\n'
        f'api_base_url = "{seller.url}"\naccess_token_env = "AMAZON_RECON_TOKEN"\n'
    )
    monkeypatch.setenv("AMAZON_RECON_TOKEN", SP_API_TOKEN)
    env = simulator_env(namespace, simulator.url, WEIR_CHANNELS_FILE=channels, AMAZON_RECON_TOKEN=SP_API_TOKEN)
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

        # When reconciliation runs once (its window ends two minutes back, as getOrders requires)
        with reconciler(config) as running:
            report = running.run(CHANNEL, who="test")

        # Then the worker fetched the order and its items, and its sale is in the ERP
        assert (report.listed, report.missing, report.error) == (1, 1, None)
        assert report.until <= datetime.now(UTC) - timedelta(minutes=2)
        reference = f"{CHANNEL}:{order_id}"
        sale = eventually(lambda: simulator_erp.find_sale(reference), timeout=30, what=f"sale {reference}")
        assert sale.total == Decimal("34.00")
    finally:
        fleet.stop()
