"""A backlog of orders written to the real Tryton in batches, through the real fleet: each order
still lands once, and a bad one is dead-lettered alone.

The orders are posted before the worker starts, so they wait as a backlog; its threads then hand
them to the process's batcher together.
"""

from __future__ import annotations

import random

import redis

from erp.settings import ErpSettings
from erp.tryton import TrytonClient, TrytonErp
from queues.dead import DeadLetterStore
from queues.lanes import Lane
from queues.topology import lane_queues
from samples.payloads import encode, shopify_headers, shopify_order
from tests.end_to_end.conftest import Fleet
from tests.end_to_end.test_webhook_to_sale import SHOP_SECRET, confirmed_sale, count, shipments
from tests.support.net import eventually
from tests.support.proxy import TcpProxy
from tests.support.rabbit import RabbitProbe

THREADS = 8


def post_backlog(fleet: Fleet, lines: list[list[tuple[str, int, str]]]) -> list[int]:
    """Post one order per entry of ``lines``, each from its own customer; return their ids."""
    first = random.randrange(2**60, 2**62)
    order_ids = [first + number for number in range(len(lines))]
    for order_id, order_lines in zip(order_ids, lines, strict=True):
        body = encode(shopify_order(order_id, customer_id=order_id, lines=order_lines))
        assert fleet.post("shop-us", body, shopify_headers(body, SHOP_SECRET)).status_code == 202
    return order_ids


def sales_of(client: TrytonClient, order_ids: list[int]) -> dict[int, list[str]]:
    """The states of each order's sales."""
    references = [f"shop-us:{order_id}" for order_id in order_ids]
    rows = client.call(
        "model.sale.sale.search_read", [["reference", "in", references]], 0, None, None, ["reference", "state"]
    )
    found: dict[int, list[str]] = {order_id: [] for order_id in order_ids}
    for row in rows:
        found[int(row["reference"].split(":")[1])].append(row["state"])
    return found


def test_a_bad_sku_in_a_backlog_is_dead_lettered_alone_and_the_other_orders_land_once(
    fleet: Fleet,
    tryton_erp: TrytonErp,
    tryton: ErpSettings,
    rabbit: RabbitProbe,
    redis_client: redis.Redis,
    namespace: str,
) -> None:
    # Given a backlog of six orders, the fourth naming a SKU the ERP does not have
    fleet.receiver()
    good = [("SKU-0005", 1, "10.00"), ("SKU-0006", 2, "3.00")]
    order_ids = post_backlog(fleet, [good, good, good, [("SKU-0005", 1, "10.00"), ("SKU-0099", 1, "1.00")], good, good])
    bad = order_ids[3]

    # When a worker with batches drains it
    fleet.worker(threads=THREADS)

    # Then the five good orders are one confirmed sale each, and only the bad one is dead-lettered
    for order_id in order_ids:
        if order_id != bad:
            confirmed_sale(tryton_erp, f"shop-us:{order_id}")
    eventually(lambda: rabbit.count(lane_queues(namespace, Lane.CRITICAL).dead) == 1, what="the dead letter")
    reasons = DeadLetterStore(redis_client, prefix=f"{namespace}:dead:")
    (reason,) = reasons.select()
    assert (reason.error_class, reason.entity_id) == ("UnknownSku", str(bad))
    client = TrytonClient.from_settings(tryton)
    try:
        assert sales_of(client, order_ids) == {
            order_id: [] if order_id == bad else ["processing"] for order_id in order_ids
        }
    finally:
        client.close()


def test_a_worker_killed_in_the_middle_of_a_batch_still_lands_each_order_once(
    fleet: Fleet, tryton_erp: TrytonErp, tryton: ErpSettings
) -> None:
    # Given a backlog, and a worker whose ERP answers are held back once it creates the sale of
    # the last order (in a batch with others: the first order was written alone, at once)
    fleet.receiver()
    order_ids = post_backlog(fleet, [[("SKU-0007", 1, "9.00")]] * 6)
    proxy = TcpProxy(tryton.url.host or "127.0.0.1", tryton.url.port or 80)
    port = proxy.start()
    held = proxy.hold_after(f'"description":"#{order_ids[-1] % 100000}"'.encode())
    doomed = fleet.worker(threads=THREADS, WEIR_ERP_URL=f"http://127.0.0.1:{port}/")
    client = TrytonClient.from_settings(tryton)
    try:
        assert held.wait(60), "the worker never created the last order's sale"
        drafts = eventually(
            lambda: [order_id for order_id, states in sales_of(client, order_ids).items() if states == ["draft"]],
            timeout=30,
            what="the batch's draft sales",
        )
        assert len(drafts) > 1, "the held create was not a batch"

        # When the worker is killed outright, and another one takes over
        doomed.kill()
        fleet.worker(threads=THREADS)

        # Then every order is one confirmed sale with one shipment
        for order_id in order_ids:
            confirmed_sale(tryton_erp, f"shop-us:{order_id}")
        assert sales_of(client, order_ids) == {order_id: ["processing"] for order_id in order_ids}
        for order_id in order_ids:
            assert count(client, "sale.sale", [["reference", "=", f"shop-us:{order_id}"]]) == 1
            assert shipments(client, f"shop-us:{order_id}") == 1
    finally:
        client.close()
        proxy.stop()
