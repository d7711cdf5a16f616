"""A worker process SIGKILLed (the OOM killer, a lost host) under a stream of orders, again and
again, restarted each time as systemd's ``Restart=always`` would: every accepted order is one sale.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from erp.settings import ErpSettings
from tests.faults.conftest import Fleet, assert_each_is_one_sale
from tests.support.net import eventually
from tests.support.order_feed import OrderFeed, sales_by_reference
from tests.support.rabbit import RabbitProbe
from tests.support.servers import ServiceProcess

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

KILLS = 5
READY = "Worker process is ready for action"


def worker_process(supervisor: ServiceProcess) -> int:
    """The pid of the one worker process Dramatiq's supervisor forked, once it is ready."""
    eventually(lambda: READY in supervisor.log(), timeout=60, what="the worker process to be ready")
    children = Path(f"/proc/{supervisor.pid}/task/{supervisor.pid}/children").read_text().split()
    (child,) = children
    return int(child)


def landed(feed: OrderFeed, tryton: ErpSettings) -> int:
    return sum(sales_by_reference(tryton, [delivery.reference for delivery in feed.accepted()]).values())


def wait_for_one_more_sale(feed: OrderFeed, tryton: ErpSettings) -> None:
    before = landed(feed, tryton)
    eventually(lambda: landed(feed, tryton) > before, timeout=60, interval=0.2, what="the worker to apply an order")


def test_a_worker_process_killed_five_times_under_a_stream_of_orders_loses_and_duplicates_none(
    fleet: Fleet, feed: OrderFeed, tryton: ErpSettings, rabbit: RabbitProbe, namespace: str
) -> None:
    fleet.receiver()
    supervisor = fleet.worker(threads=4)
    feed.start()

    for _ in range(KILLS):
        # Given a worker process that is applying orders (one more sale since it started),
        child = worker_process(supervisor)
        wait_for_one_more_sale(feed, tryton)
        # when it is SIGKILLed,
        os.kill(child, signal.SIGKILL)
        # then Dramatiq's supervisor exits with 1 (not 2, which systemd leaves stopped),
        assert supervisor.wait(30) == 1
        # and the unit is started again.
        supervisor = fleet.worker(threads=4)

    feed.stop()
    feed.retry_until_accepted()
    # (503: RabbitMQ did not confirm in time on a busy machine; the provider retried)
    assert set(feed.answers()) <= {202, 503}
    assert_each_is_one_sale(tryton, rabbit, namespace, [d.reference for d in feed.accepted()])
