"""SimulatorErp against the real simulator: every canonical family, each applied once."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from erp.adapter import SaleLine, refund_reference, sale_reference
from erp.errors import SaleMissing, UnknownSku
from erp.simulator import SimulatorErp
from events.cancellation import Cancellation
from events.fulfillment import FulfilledLine, Fulfillment
from events.order import Customer, Order, OrderLine
from events.refund import Refund, RefundLine
from events.stock import StockLevel
from tests.fixtures.simulator import RunningSimulator

CHANNEL = "test"


def order(*lines: tuple[str, str], order_id: str | None = None) -> Order:
    return Order(
        id=order_id or uuid.uuid4().hex[:12],
        currency="USD",
        customer=Customer(id="42", name="Jane Doe"),
        lines=tuple(
            OrderLine(sku=sku, quantity=Decimal(quantity), unit_price=Decimal("11.00"))
            for sku, quantity in lines or (("SKU-0001", "2"),)
        ),
    )


def test_an_update_creates_a_missing_sale_then_records_a_change_of_lines_once(simulator_erp: SimulatorErp) -> None:
    placed = order()
    changed = order(("SKU-0001", "5"), order_id=placed.id)

    created = simulator_erp.update_sale(CHANNEL, placed, revision="r1")
    same = simulator_erp.update_sale(CHANNEL, placed, revision="r1")
    first = simulator_erp.update_sale(CHANNEL, changed, revision="r2")
    again = simulator_erp.update_sale(CHANNEL, changed, revision="r2")

    assert [c.outcome for c in (created, same, first, again)] == ["created", "unchanged", "exception", "exception"]
    assert again.sale.total == Decimal("22.00")
    (note,) = again.sale.exceptions
    assert note.startswith("[update r2]")


def test_a_sale_is_cancelled_once_and_a_cancellation_before_the_order_waits_or_creates_it(
    simulator_erp: SimulatorErp,
) -> None:
    placed, early, unknown = order(), order(), order()
    simulator_erp.ensure_sale(CHANNEL, placed)

    first = simulator_erp.cancel_sale(CHANNEL, Cancellation(order_id=placed.id))
    second = simulator_erp.cancel_sale(CHANNEL, Cancellation(order_id=placed.id))
    before = simulator_erp.cancel_sale(CHANNEL, Cancellation(order_id=early.id, order=early))

    assert (first.outcome, second.outcome, first.sale.cancelled) == ("cancelled", "unchanged", True)
    assert (before.outcome, before.sale.state) == ("cancelled", "cancelled")
    with pytest.raises(SaleMissing):
        simulator_erp.cancel_sale(CHANNEL, Cancellation(order_id=unknown.id))


def test_a_fulfillment_ships_the_sale_once_and_a_partial_one_is_recorded(simulator_erp: SimulatorErp) -> None:
    whole, partial = order(("SKU-0001", "2")), order(("SKU-0001", "2"))
    simulator_erp.ensure_sale(CHANNEL, whole)
    simulator_erp.ensure_sale(CHANNEL, partial)
    one = (FulfilledLine(sku="SKU-0001", quantity=Decimal(1)),)

    shipped = simulator_erp.fulfill_sale(CHANNEL, Fulfillment(order_id=whole.id, fulfillment_id="f1"))
    again = simulator_erp.fulfill_sale(CHANNEL, Fulfillment(order_id=whole.id, fulfillment_id="f1"))
    part = simulator_erp.fulfill_sale(CHANNEL, Fulfillment(order_id=partial.id, fulfillment_id="f2", lines=one))

    assert (shipped.outcome, again.outcome, shipped.sale.shipped) == ("shipped", "unchanged", True)
    assert (part.outcome, part.sale.shipped) == ("exception", False)
    with pytest.raises(SaleMissing):
        simulator_erp.fulfill_sale(CHANNEL, Fulfillment(order_id="nope-" + uuid.uuid4().hex, fulfillment_id="f3"))


def test_a_refund_is_one_return_with_negative_lines_and_a_credit(simulator_erp: SimulatorErp) -> None:
    placed = order()
    simulator_erp.ensure_sale(CHANNEL, placed)
    refund = Refund(
        order_id=placed.id,
        refund_id="rf1",
        amount=Decimal("15.00"),
        lines=(RefundLine(sku="SKU-0001", quantity=Decimal(1)),),
    )

    first = simulator_erp.record_refund(CHANNEL, refund)
    second = simulator_erp.record_refund(CHANNEL, refund)

    assert (first.outcome, second.outcome) == ("created", "unchanged")
    assert first.sale.reference == refund_reference(CHANNEL, placed.id, "rf1")
    assert first.sale.lines == (
        SaleLine(sku="SKU-0001", quantity=Decimal(-1), unit_price=Decimal("11.00")),
        SaleLine(sku="", quantity=Decimal(-1), unit_price=Decimal("4.00")),
    )
    assert first.sale.total == Decimal("-15.00")
    with pytest.raises(SaleMissing):
        simulator_erp.record_refund(CHANNEL, Refund(order_id="nope", refund_id="rf2", amount=Decimal(1)))


def test_stock_is_set_to_the_channel_s_figures_and_an_unknown_sku_sets_nothing(simulator_erp: SimulatorErp) -> None:
    simulator_erp.set_stock(
        [
            StockLevel(sku="SKU-0001", available=Decimal(3), location="a"),
            StockLevel(sku="SKU-0001", available=Decimal(4), location="b"),
            StockLevel(sku="SKU-0002", available=Decimal(-1)),
        ]
    )

    with pytest.raises(UnknownSku):
        simulator_erp.set_stock(
            [StockLevel(sku="SKU-0001", available=Decimal(0)), StockLevel(sku="GHOST", available=Decimal(1))]
        )

    assert simulator_erp.stock_of(["SKU-0001", "SKU-0002", "SKU-0003"]) == {
        "SKU-0001": Decimal(7),
        "SKU-0002": Decimal(-1),
        "SKU-0003": Decimal(0),
    }


def test_changes_leave_the_simulator_s_counters_to_orders(
    simulator_erp: SimulatorErp, simulator: RunningSimulator
) -> None:
    placed = order()
    simulator_erp.ensure_sale(CHANNEL, placed)
    simulator_erp.fulfill_sale(CHANNEL, Fulfillment(order_id=placed.id, fulfillment_id="f1"))
    simulator_erp.record_refund(CHANNEL, Refund(order_id=placed.id, refund_id="r", amount=Decimal(1)))

    stats = simulator.stats()
    assert (stats.orders, stats.writes) == (1, 1)
    assert simulator_erp.find_sale(sale_reference(CHANNEL, placed.id)) is not None
