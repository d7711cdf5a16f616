"""The fault checks' fleet and what they all assert: every order accepted once is one sale.

The fleet is end-to-end's (real processes on the real RabbitMQ, Redis and Tryton, one
namespace per test), stopped after the test whatever happened, its logs printed on failure. Its
ERP timeout is 5 s: a killed worker's ERP-gate slots are held for that plus 5 s, and at the
default 30 s the restarted worker would wait most of a test for them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from erp.settings import ErpSettings
from queues.lanes import Lane
from queues.topology import lane_queues
from tests.end_to_end.conftest import Fleet, fleet_env, running_fleet
from tests.support.net import eventually
from tests.support.order_feed import OrderFeed, sales_by_reference
from tests.support.rabbit import RabbitProbe

__all__ = ["Fleet", "assert_each_is_one_sale", "feed", "fleet"]

#: How long the orders of a fault check may take to land once the fault is over, in seconds.
LANDING_SECONDS = 120


@pytest.fixture
def fleet(namespace: str, tryton: ErpSettings, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Fleet]:
    with running_fleet({**fleet_env(namespace, tryton), "WEIR_ERP_TIMEOUT_SECONDS": "5"}, tmp_path, request) as fleet:
        yield fleet


@pytest.fixture
def feed(fleet: Fleet) -> Iterator[OrderFeed]:
    """Orders for the fleet's receiver, not yet flowing (``feed.start()``)."""
    orders = OrderFeed(fleet.url)
    yield orders
    orders.close()


def assert_each_is_one_sale(
    tryton: ErpSettings, rabbit: RabbitProbe, namespace: str, references: Iterable[str]
) -> None:
    """Wait until every reference is a sale and every lane is idle, then check that each is
    exactly one sale and that nothing was dead-lettered."""
    wanted = sorted(set(references))
    assert wanted, "no order was accepted"

    def landed() -> bool:
        counts = sales_by_reference(tryton, wanted)
        return all(counts[reference] for reference in wanted)

    eventually(landed, timeout=LANDING_SECONDS, interval=0.5, what=f"{len(wanted)} orders to be sales")
    lanes = [lane_queues(namespace, lane) for lane in Lane]
    eventually(
        lambda: sum(rabbit.count(queues.ready) + rabbit.count(queues.delayed) for queues in lanes) == 0,
        timeout=LANDING_SECONDS,
        interval=0.5,
        what="the lanes to drain",
    )
    counts = sales_by_reference(tryton, wanted)
    assert {reference: counts[reference] for reference in wanted if counts[reference] != 1} == {}
    assert {queues.dead: rabbit.count(queues.dead) for queues in lanes if rabbit.count(queues.dead)} == {}
