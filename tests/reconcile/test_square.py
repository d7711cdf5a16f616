"""Listing a Square seller's orders through a real local server standing in for its Locations and
Orders APIs: SearchOrders by updated_at over every location, cursor after cursor, 429s waited
out, and a missing order that the reconcile lane's worker applies without fetching it again."""

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
from reconcile.app import ReconcileConfig, reconciler
from reconcile.calls import GatedCalls
from reconcile.listing import OrderPage
from reconcile.settings import ReconcileSettings
from reconcile.square import SquareOrders
from tasks.settings import ChannelApiSettings
from tests.end_to_end.conftest import Fleet, simulator_env
from tests.fixtures.simulator import RunningSimulator
from tests.support.net import eventually
from tests.support.square_seller import SQUARE_TOKEN, FakeSquare, square_seller_order
from throttling.budget import BreakerSettings, BudgetSettings
from weir.settings import RedisSettings, ServiceSettings

CHANNEL = "square-recon"
NOW = datetime.now(UTC)
WINDOW = (NOW - timedelta(hours=1), NOW)
LOCATIONS = [f"L{n:02d}" for n in range(12)]


@pytest.fixture
def seller() -> Iterator[FakeSquare]:
    with FakeSquare(LOCATIONS) as fake:
        yield fake


@pytest.fixture
def orders(seller: FakeSquare) -> Iterator[SquareOrders]:
    lister = SquareOrders(seller.url, SQUARE_TOKEN, page_size=2)
    yield lister
    lister.close()


def hold(seller: FakeSquare, locations: list[str]) -> list[str]:
    ids = []
    for n, location in enumerate(locations):
        order_id = uuid.uuid4().hex
        seller.put(square_seller_order(order_id, location, NOW - timedelta(minutes=30 - n)))
        ids.append(order_id)
    return ids


def listed(orders: SquareOrders, calls: GatedCalls) -> list[str]:
    found: list[str] = []
    after: str | None = None
    while True:
        page: OrderPage = calls.call("a page", partial(orders.page, *WINDOW, after))
        found.extend(order.order_id for order in page.orders)
        if page.next is None:
            return found
        after = page.next


def test_every_location_is_searched_ten_at_a_time_cursor_after_cursor(seller: FakeSquare, orders: SquareOrders) -> None:
    ids = hold(seller, ["L00", "L00", "L03", "L09", "L10", "L11"])

    found = listed(orders, GatedCalls(CHANNEL, None))

    assert sorted(found) == sorted(ids)
    assert [len(search["location_ids"]) for search in seller.searches] == [10, 10, 2]
    assert all(search["query"]["sort"]["sort_field"] == "UPDATED_AT" for search in seller.searches)


def test_a_429_is_waited_out_and_no_page_is_lost(seller: FakeSquare, orders: SquareOrders) -> None:
    ids = hold(seller, ["L01", "L02", "L03"])
    seller.answer_next(429, times=2, headers={"Retry-After": "1"})
    waits: list[float] = []

    assert sorted(listed(orders, GatedCalls(CHANNEL, None, sleep=waits.append))) == sorted(ids)
    assert waits == [1.0, 1.0]


def test_a_listed_order_has_its_total_in_major_units_and_its_cancellation(
    seller: FakeSquare, orders: SquareOrders
) -> None:
    seller.put(square_seller_order("O-1", "L01", NOW - timedelta(minutes=3), state="CANCELED"))

    [order] = orders.page(*WINDOW, None).orders

    assert (order.total, order.currency, order.cancelled) == (Decimal("34.00"), "USD", True)
    assert Decimal("34.00") in order.sale_totals


def test_a_seller_order_no_webhook_brought_is_in_the_erp_after_one_run(
    seller: FakeSquare,
    namespace: str,
    simulator: RunningSimulator,
    simulator_erp: SimulatorErp,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a seller holding an order no webhook brought, and the reconcile lane's worker
    [order_id] = hold(seller, ["L05"])
    channels = tmp_path / "channels.toml"
    channels.write_text(
        f'[channels.{CHANNEL}]\nprovider = "square"\nsecrets = ["weir-test-square-key"]\n'
        f'[channels.{CHANNEL}.options]\nnotification_url = "http://127.0.0.1:8000/webhooks/{CHANNEL}"\n'
        f'api_base_url = "{seller.url}"\naccess_token_env = "SQUARE_RECON_TOKEN"\n'
    )
    monkeypatch.setenv("SQUARE_RECON_TOKEN", SQUARE_TOKEN)
    env = simulator_env(namespace, simulator.url, WEIR_CHANNELS_FILE=channels, SQUARE_RECON_TOKEN=SQUARE_TOKEN)
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

        # Then its sale is in the ERP, and a second run finds it neither missing nor drifting
        assert (report.listed, report.missing, report.error) == (1, 1, None)
        reference = f"{CHANNEL}:{order_id}"
        sale = eventually(lambda: simulator_erp.find_sale(reference), timeout=30, what=f"sale {reference}")
        assert sale.total == Decimal("34.00")
        with reconciler(config) as running:
            again = running.run(CHANNEL, who="test", since=NOW - timedelta(hours=1))
        assert (again.missing, again.updates, again.drift) == (0, 0, 0)
    finally:
        fleet.stop()
