"""A shuffled, duplicated stream of events for orders of several channels converges in the real
Tryton to the latest state of each order, applied the way workers apply them.

What this side (the tasks and the Tryton adapter) guarantees, whatever the order and however
often each event comes: one sale per order and one return per refund (unique references), a
fulfillment ships once, a cancellation cancels once and a later creation does not revive it,
and an event whose sale is missing waits (``SaleMissing`` is a deferral: the test re-queues it,
as the worker's retry policy does). What it does not guarantee: among *state* events of one
entity (a customer's, a SKU's stock figure), the last one applied wins. Putting the latest one
last is stale-write fencing's job (a per-entity high-water mark of ``source_version``); the test
stands in for it with :class:`Fence`, so a fence in the workers must behave like it: skip an
event strictly older than the newest applied for its entity, let equal versions through.
"""

from __future__ import annotations

import random
import uuid
from collections import deque
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from erp.adapter import SaleLine, refund_reference, sale_reference
from erp.errors import SaleMissing
from erp.settings import ErpSettings
from erp.tryton import TrytonClient, TrytonErp
from erp.tryton.parties import party_code
from events.cancellation import Cancellation
from events.canonical import (
    CanonicalEvent,
    CustomerUpdated,
    FulfillmentCreated,
    InventoryUpdated,
    OrderCancelled,
    OrderCreated,
    OrderUpdated,
    RefundCreated,
)
from events.envelope import EventEnvelope
from events.fulfillment import Fulfillment
from events.order import Address, Customer, Order, OrderLine
from events.refund import Refund, RefundLine
from events.stock import StockLevel
from tasks import handle
from tests.events.mapping.envelopes import envelope

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
#: SKU-0016 is this test's stock SKU; its orders sell SKU-0017 to SKU-0020 (no other test does).
STOCK_SKU = "SKU-0016"
Stream = list[tuple[str, CanonicalEvent]]


class Fence:
    """Stands in for the workers' stale-write fencing: the newest ``source_version`` applied per
    entity; state events strictly older are skipped."""

    def __init__(self) -> None:
        self._applied: dict[str, datetime] = {}

    def admits(self, channel: str, event: CanonicalEvent) -> bool:
        match event:
            case CustomerUpdated():
                key = f"{channel}:customer:{event.customer.id}"
            case InventoryUpdated():
                key = f"{channel}:stock:{','.join(sorted(level.sku for level in event.levels))}"
            case _:
                return True
        if event.source_version < self._applied.get(key, event.source_version):
            return False
        self._applied[key] = event.source_version
        return True


@pytest.fixture
def looker(tryton: ErpSettings) -> Iterator[TrytonClient]:
    client = TrytonClient.from_settings(tryton)
    try:
        yield client
    finally:
        client.close()


def at(minutes: int) -> datetime:
    return START + timedelta(minutes=minutes)


def placed(order_id: str, skus: tuple[str, ...], customer: Customer) -> Order:
    lines = tuple(
        OrderLine(sku=sku, quantity=Decimal(index + 1), unit_price=Decimal(f"{10 + index}.50"))
        for index, sku in enumerate(skus)
    )
    return Order(id=order_id, number=f"#{order_id}", currency="USD", customer=customer, lines=lines)


def stream_of(run: str) -> tuple[Stream, dict[str, Order]]:
    """Per channel: two orders (created, updated with what the channel re-sends), the first one
    shipped and partly refunded, the second cancelled; a payment provider's refund of a
    storefront order; a CRM customer renamed twice; the stock SKU counted three times."""
    orders: dict[str, Order] = {}
    events: Stream = []
    skus = ("SKU-0017", "SKU-0018", "SKU-0019", "SKU-0020")
    for number, channel in enumerate((f"shop-{run}", f"woo-{run}", f"pos-{run}")):
        buyer = Customer(id=f"c{number}", name=f"Buyer {number}", address=Address(city="Springfield"))
        kept = placed(f"{run}-{number}-a", skus[number : number + 2], buyer)
        dropped = placed(f"{run}-{number}-b", skus[number + 1 : number + 2], buyer)
        orders[sale_reference(channel, kept.id)] = kept
        orders[sale_reference(channel, dropped.id)] = dropped
        refunded = RefundLine(sku=kept.lines[0].sku, quantity=Decimal(1))
        events += [
            (channel, OrderCreated(source_version=at(0), order=kept)),
            (channel, OrderUpdated(source_version=at(1), order=kept)),
            (
                channel,
                FulfillmentCreated(source_version=at(2), fulfillment=Fulfillment(order_id=kept.id, fulfillment_id="f")),
            ),
            (
                channel,
                RefundCreated(source_version=at(3), refund=Refund(order_id=kept.id, refund_id="r", lines=(refunded,))),
            ),
            (channel, OrderCreated(source_version=at(0), order=dropped)),
            (
                channel,
                OrderCancelled(source_version=at(4), cancellation=Cancellation(order_id=dropped.id, order=dropped)),
            ),
        ]
    credit = Refund(order_id=f"{run}-0-a", order_channel=f"shop-{run}", refund_id="re_1", amount=Decimal("2.00"))
    crm = f"crm-{run}"
    events += [
        (f"stripe-{run}", RefundCreated(source_version=at(5), refund=credit)),
        *((crm, CustomerUpdated(source_version=at(m), customer=Customer(id="k", name=f"Name {m}"))) for m in (1, 2, 3)),
        *(
            (
                crm,
                InventoryUpdated(source_version=at(m), levels=(StockLevel(sku=STOCK_SKU, available=Decimal(m * 10)),)),
            )
            for m in (1, 2, 3)
        ),
    ]
    return events, orders


def apply_all(stream: Stream, erp: TrytonErp, fence: Fence) -> None:
    """Apply every event once it can be: a deferred one goes back to the end of the queue."""
    queue = deque(stream)
    deferrals = 0
    while queue:
        channel, event = queue.popleft()
        if not fence.admits(channel, event):
            continue
        try:
            handle(_envelope(channel, event), event, erp)
        except SaleMissing:
            deferrals += 1
            assert deferrals < 10 * len(stream), "events wait for sales that never come"
            queue.append((channel, event))


def _envelope(channel: str, event: CanonicalEvent) -> EventEnvelope:
    return envelope({}, provider="canonical", topic=event.family, channel=channel)


def test_a_shuffled_duplicated_stream_converges_to_the_latest_state_of_every_order(
    tryton_erp: TrytonErp, looker: TrytonClient
) -> None:
    # Given every event twice, in a random order (seeded, so a failure can be replayed)
    run = uuid.uuid4().hex[:8]
    events, orders = stream_of(run)
    stream = events + events
    random.Random(run).shuffle(stream)

    apply_all(stream, tryton_erp, Fence())

    for reference, order in orders.items():
        assert looker.call("model.sale.sale.search_count", [["reference", "=", reference]]) == 1
        sale = tryton_erp.find_sale(reference)
        assert sale is not None
        assert sorted(sale.lines, key=lambda line: line.sku) == [
            SaleLine(sku=line.sku, quantity=line.quantity, unit_price=line.unit_price) for line in order.lines
        ]
        assert sale.total == order.lines_total
        assert sale.exceptions == ()
        if order.id.endswith("-a"):
            assert (sale.shipped, sale.cancelled) == (True, False)
        else:
            assert (sale.shipped, sale.cancelled) == (False, True)
    for channel, number in ((f"shop-{run}", 0), (f"woo-{run}", 1), (f"pos-{run}", 2)):
        kept = orders[sale_reference(channel, f"{run}-{number}-a")]
        returned = tryton_erp.find_sale(refund_reference(channel, kept.id, "r"))
        assert returned is not None
        assert returned.lines == (
            SaleLine(sku=kept.lines[0].sku, quantity=Decimal(-1), unit_price=kept.lines[0].unit_price),
        )
    credit = tryton_erp.find_sale(refund_reference(f"shop-{run}", f"{run}-0-a", "re_1"))
    assert credit is not None and credit.total == Decimal("-2.00")
    refunds = looker.call("model.sale.sale.search_count", [["reference", "like", f"%{run}%:refund:%"]])
    assert refunds == 4
    assert tryton_erp.stock_of([STOCK_SKU]) == {STOCK_SKU: Decimal(30)}
    (party,) = looker.call(
        "model.party.party.search_read", [["code", "=", party_code(f"crm-{run}", "k")]], 0, None, None, ["name"]
    )
    assert party["name"] == "Name 3"
