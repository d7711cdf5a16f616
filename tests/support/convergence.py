"""The convergence acceptance of issue 5, shared by the test that applies the stream in one thread
(``tests/tasks/test_convergence.py``) and the one that sends it through the workers
(``tests/end_to_end/test_convergence.py``): the stream of events for a set of orders from several
channels, and what Tryton must hold once it is applied, whatever the order and however often
each event came."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from erp.adapter import SaleLine, refund_reference, sale_reference
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
from events.fulfillment import Fulfillment
from events.order import Address, Customer, Order, OrderLine
from events.refund import Refund, RefundLine
from events.stock import StockLevel

__all__ = ["STOCK_SKU", "Stream", "assert_converged", "stream_of"]

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
#: SKU-0016 is the stock SKU of these tests; their orders sell SKU-0017 to SKU-0020 (no other test does).
STOCK_SKU = "SKU-0016"
Stream = list[tuple[str, CanonicalEvent]]


def at(minutes: int) -> datetime:
    return START + timedelta(minutes=minutes)


def placed(order_id: str, skus: tuple[str, ...], customer: Customer) -> Order:
    lines = tuple(
        OrderLine(sku=sku, quantity=Decimal(index + 1), unit_price=Decimal(f"{10 + index}.50"))
        for index, sku in enumerate(skus)
    )
    return Order(id=order_id, number=f"#{order_id}", currency="USD", customer=customer, lines=lines)


def stream_of(run: str) -> tuple[Stream, dict[str, Order]]:
    """Each event once, as ``(channel, event)``, and each order's latest state by sale reference.

    Per channel: two orders (created, updated with what the channel re-sends), the first one
    shipped and partly refunded, the second cancelled; a payment provider's refund of a
    storefront order; a CRM customer renamed twice; the stock SKU counted three times.
    """
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


def assert_converged(run: str, orders: dict[str, Order], erp: TrytonErp, tryton: ErpSettings) -> None:
    """Tryton holds exactly the latest state of every order of :func:`stream_of`'s ``run``: one
    sale per order with its lines, prices and total, shipped or cancelled; one return per refund;
    the stock SKU at its last count; the CRM's customer under its last name."""
    looker = TrytonClient.from_settings(tryton)
    try:
        _assert_sales(orders, erp, looker)
        _assert_refunds(run, orders, erp, looker)
        assert erp.stock_of([STOCK_SKU]) == {STOCK_SKU: Decimal(30)}
        (party,) = looker.call(
            "model.party.party.search_read", [["code", "=", party_code(f"crm-{run}", "k")]], 0, None, None, ["name"]
        )
        assert party["name"] == "Name 3"
    finally:
        looker.close()


def _assert_sales(orders: dict[str, Order], erp: TrytonErp, looker: TrytonClient) -> None:
    for reference, order in orders.items():
        assert looker.call("model.sale.sale.search_count", [["reference", "=", reference]]) == 1
        sale = erp.find_sale(reference)
        assert sale is not None
        assert sorted(sale.lines, key=lambda line: line.sku) == [
            SaleLine(sku=line.sku, quantity=line.quantity, unit_price=line.unit_price) for line in order.lines
        ]
        # What the customer paid: the channel's total, or the parts when the channel gave none.
        assert sale.total == (order.total if order.total is not None else order.computed_total)
        assert sale.exceptions == ()
        if order.id.endswith("-a"):
            assert (sale.shipped, sale.cancelled) == (True, False)
        else:
            assert (sale.shipped, sale.cancelled) == (False, True)


def _assert_refunds(run: str, orders: dict[str, Order], erp: TrytonErp, looker: TrytonClient) -> None:
    for channel, number in ((f"shop-{run}", 0), (f"woo-{run}", 1), (f"pos-{run}", 2)):
        kept = orders[sale_reference(channel, f"{run}-{number}-a")]
        returned = erp.find_sale(refund_reference(channel, kept.id, "r"))
        assert returned is not None
        assert returned.lines == (
            SaleLine(sku=kept.lines[0].sku, quantity=Decimal(-1), unit_price=kept.lines[0].unit_price),
        )
    credit = erp.find_sale(refund_reference(f"shop-{run}", f"{run}-0-a", "re_1"))
    assert credit is not None and credit.total == Decimal("-2.00")
    refunds = looker.call("model.sale.sale.search_count", [["reference", "like", f"%{run}%:refund:%"]])
    assert refunds == 4
