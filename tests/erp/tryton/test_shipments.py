"""Fulfillments in Tryton: the sale's customer shipment processed to done, once."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest

from erp.errors import ErpRejected, ErpTransient, SaleMissing, UnknownSku
from erp.settings import ErpSettings
from erp.tryton import TrytonClient, TrytonErp
from events.fulfillment import FulfilledLine, Fulfillment
from tests.erp.tryton.orders import CHANNEL, order, unique
from tests.support.net import eventually


def shipped(*lines: tuple[str, str], order_id: str, fulfillment_id: str = "f1") -> Fulfillment:
    return Fulfillment(
        order_id=order_id,
        fulfillment_id=fulfillment_id,
        lines=tuple(FulfilledLine(sku=sku, quantity=Decimal(quantity)) for sku, quantity in lines),
    )


def test_a_fulfillment_of_the_whole_order_ships_the_sale_and_takes_its_stock(
    tryton_erp: TrytonErp, looker: TrytonClient
) -> None:
    placed = order(("SKU-0011", "2", "11.00"))
    before = tryton_erp.stock_of(["SKU-0011"])["SKU-0011"]
    sale = tryton_erp.ensure_sale(CHANNEL, placed)

    change = tryton_erp.fulfill_sale(CHANNEL, shipped(("SKU-0011", "2"), order_id=placed.id))

    assert (change.outcome, change.sale.shipped) == ("shipped", True)
    (read,) = looker.call("model.sale.sale.read", [sale.erp_id], ["shipments.state", "shipment_state"])
    assert [shipment["state"] for shipment in read["shipments."]] == ["done"]
    assert tryton_erp.stock_of(["SKU-0011"])["SKU-0011"] == before - 2


def test_the_same_fulfillment_twice_ships_once(tryton_erp: TrytonErp) -> None:
    placed = order(("SKU-0012", "1", "11.00"))
    tryton_erp.ensure_sale(CHANNEL, placed)
    before = tryton_erp.stock_of(["SKU-0012"])["SKU-0012"]

    first = tryton_erp.fulfill_sale(CHANNEL, shipped(order_id=placed.id))
    second = tryton_erp.fulfill_sale(CHANNEL, shipped(order_id=placed.id))

    assert (first.outcome, second.outcome) == ("shipped", "unchanged")
    assert tryton_erp.stock_of(["SKU-0012"])["SKU-0012"] == before - 1


def fulfill(erp: TrytonErp, order_id: str) -> str | None:
    """The outcome of shipping ``order_id``, or ``None`` after a transient failure (which the
    worker's retry policy retries)."""
    try:
        return erp.fulfill_sale(CHANNEL, shipped(order_id=order_id)).outcome
    except ErpTransient:
        return None


def test_two_workers_shipping_the_same_sales_at_once_ship_each_once_without_an_error(
    tryton_erp: TrytonErp, tryton: ErpSettings, looker: TrytonClient
) -> None:
    # Given sales whose fulfillment two workers (each with its own connection) apply at once, as
    # two copies of it do when Redis is away and entity locks hold only within each process,
    placed = [order(("SKU-0012", "1", "11.00")) for _ in range(3)]
    sales = [tryton_erp.ensure_sale(CHANNEL, one) for one in placed]
    outcomes: list[str] = []

    def ship(order_id: str) -> None:
        erp = TrytonErp.from_settings(tryton)
        try:
            outcomes.append(eventually(lambda: fulfill(erp, order_id), timeout=30, interval=0.2))
        except ErpRejected as exc:
            outcomes.append(f"rejected: {exc}")
        finally:
            erp.close()

    workers = [threading.Thread(target=ship, args=(one.id,)) for one in placed for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    # then neither is refused (a refusal would dead-letter a fulfillment that was applied): the
    # loser retries until it finds the sale shipped, and each sale's one shipment is done.
    assert all(outcome in ("shipped", "unchanged") for outcome in outcomes), outcomes
    reads = looker.call("model.sale.sale.read", [sale.erp_id for sale in sales], ["shipments.state"])
    assert [[shipment["state"] for shipment in read["shipments."]] for read in reads] == [["done"]] * 3


def test_a_partial_fulfillment_is_recorded_and_ships_nothing(tryton_erp: TrytonErp) -> None:
    placed = order()
    tryton_erp.ensure_sale(CHANNEL, placed)

    change = tryton_erp.fulfill_sale(CHANNEL, shipped(("SKU-0001", "1"), order_id=placed.id, fulfillment_id="p1"))

    assert (change.outcome, change.sale.shipped) == ("exception", False)
    (note,) = change.sale.exceptions
    assert note.startswith("[weir fulfillment p1]")


def test_a_fulfillment_before_its_order_waits(tryton_erp: TrytonErp) -> None:
    with pytest.raises(SaleMissing):
        tryton_erp.fulfill_sale(CHANNEL, shipped(order_id=unique("order")))


def test_a_fulfillment_of_an_unknown_sku_changes_nothing(tryton_erp: TrytonErp) -> None:
    placed = order()
    before = tryton_erp.ensure_sale(CHANNEL, placed)

    with pytest.raises(UnknownSku):
        tryton_erp.fulfill_sale(CHANNEL, shipped((unique("NOPE"), "1"), order_id=placed.id))
    with pytest.raises(ErpRejected, match="lacks"):
        tryton_erp.fulfill_sale(CHANNEL, shipped(("SKU-0009", "1"), order_id=placed.id))

    assert tryton_erp.find_sale(before.reference) == before
