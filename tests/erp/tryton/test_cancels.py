"""Cancellations in Tryton: a sale is cancelled whatever state it reached, once."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp.adapter import sale_reference
from erp.errors import SaleMissing
from erp.tryton import TrytonClient, TrytonErp
from events.cancellation import Cancellation
from events.fulfillment import Fulfillment
from tests.erp.tryton.orders import CHANNEL, order


def test_a_confirmed_sale_is_cancelled_through_its_shipments_and_its_stock_released(
    tryton_erp: TrytonErp, looker: TrytonClient
) -> None:
    placed = order()
    sale = tryton_erp.ensure_sale(CHANNEL, placed)

    change = tryton_erp.cancel_sale(CHANNEL, Cancellation(order_id=placed.id, reason="customer"))

    assert (change.outcome, change.sale.cancelled, change.sale.state) == ("cancelled", True, "processing")
    (read,) = looker.call("model.sale.sale.read", [sale.erp_id], ["shipments.state", "moves.state"])
    assert [shipment["state"] for shipment in read["shipments."]] == ["cancelled"]
    assert {move["state"] for move in read["moves."]} == {"cancelled"}


def test_cancelling_twice_changes_nothing_the_second_time(tryton_erp: TrytonErp) -> None:
    placed = order()
    tryton_erp.ensure_sale(CHANNEL, placed)
    cancellation = Cancellation(order_id=placed.id)

    first = tryton_erp.cancel_sale(CHANNEL, cancellation)
    second = tryton_erp.cancel_sale(CHANNEL, cancellation)

    assert (first.outcome, second.outcome) == ("cancelled", "unchanged")
    assert second.sale == first.sale


def test_a_cancellation_before_the_order_leaves_one_cancelled_sale_the_order_does_not_revive(
    tryton_erp: TrytonErp,
) -> None:
    placed = order()

    change = tryton_erp.cancel_sale(CHANNEL, Cancellation(order_id=placed.id, order=placed))
    created = tryton_erp.ensure_sale(CHANNEL, placed)

    assert (change.outcome, change.sale.state) == ("cancelled", "cancelled")
    assert created.erp_id == change.sale.erp_id
    assert created.cancelled
    assert created.total == Decimal("34.50")


def test_a_cancellation_without_the_order_waits_for_its_sale(tryton_erp: TrytonErp) -> None:
    placed = order()

    with pytest.raises(SaleMissing) as caught:
        tryton_erp.cancel_sale(CHANNEL, Cancellation(order_id=placed.id))

    assert caught.value.deferral
    assert tryton_erp.find_sale(sale_reference(CHANNEL, placed.id)) is None


def test_a_cancellation_after_shipping_is_recorded_on_the_sale(tryton_erp: TrytonErp) -> None:
    placed = order()
    tryton_erp.ensure_sale(CHANNEL, placed)
    tryton_erp.fulfill_sale(CHANNEL, Fulfillment(order_id=placed.id, fulfillment_id="f1"))

    change = tryton_erp.cancel_sale(CHANNEL, Cancellation(order_id=placed.id))

    assert (change.outcome, change.sale.shipped, change.sale.cancelled) == ("exception", True, False)
    (note,) = change.sale.exceptions
    assert note.startswith("[weir cancel]")
