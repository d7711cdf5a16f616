"""Refunds in Tryton: one return sale per refund, negative quantities and a credit line."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp.adapter import SaleLine, refund_reference
from erp.errors import ErpRejected, SaleMissing, UnknownSku
from erp.tryton import TrytonClient, TrytonErp
from events.order import Charge, TaxLine
from events.refund import Refund, RefundLine
from tests.erp.tryton.orders import CHANNEL, order, unique


def count(looker: TrytonClient, reference: str) -> int:
    return int(looker.call("model.sale.sale.search_count", [["reference", "=", reference]]))


def test_a_refund_of_lines_becomes_a_return_sale_at_the_prices_sold(
    tryton_erp: TrytonErp, looker: TrytonClient
) -> None:
    placed = order()
    sale = tryton_erp.ensure_sale(CHANNEL, placed)
    refund = Refund(order_id=placed.id, refund_id="rf1", lines=(RefundLine(sku="SKU-0001", quantity=Decimal(1)),))

    change = tryton_erp.record_refund(CHANNEL, refund)

    assert change.outcome == "created"
    assert change.sale.reference == refund_reference(CHANNEL, placed.id, "rf1")
    assert change.sale.lines == (SaleLine(sku="SKU-0001", quantity=Decimal(-1), unit_price=Decimal("11.00")),)
    assert (change.sale.state, change.sale.total) == ("processing", Decimal("-11.00"))
    (read,) = looker.call("model.sale.sale.read", [change.sale.erp_id], ["party", "shipment_returns"])
    (original,) = looker.call("model.sale.sale.read", [sale.erp_id], ["party"])
    assert read["party"] == original["party"]
    assert len(read["shipment_returns"]) == 1


def test_money_refunded_beyond_the_lines_is_a_credit_line(tryton_erp: TrytonErp) -> None:
    placed = order()
    tryton_erp.ensure_sale(CHANNEL, placed)
    refund = Refund(
        order_id=placed.id,
        refund_id="rf2",
        amount=Decimal("17.50"),
        lines=(RefundLine(sku="SKU-0002", quantity=Decimal(1), amount=Decimal("12.50")),),
    )

    change = tryton_erp.record_refund(CHANNEL, refund)

    assert change.sale.lines == (
        SaleLine(sku="SKU-0002", quantity=Decimal(-1), unit_price=Decimal("12.50")),
        SaleLine(sku="", quantity=Decimal(-1), unit_price=Decimal("5.00")),
    )
    assert change.sale.total == Decimal("-17.50")


def test_a_refund_of_an_amount_alone_from_another_channel_credits_the_order(tryton_erp: TrytonErp) -> None:
    placed = order()
    tryton_erp.ensure_sale(CHANNEL, placed)
    refund = Refund(order_id=placed.id, order_channel=CHANNEL, refund_id="re_1", amount=Decimal("3.00"))

    change = tryton_erp.record_refund("stripe-test", refund)

    assert change.sale.reference == refund_reference(CHANNEL, placed.id, "re_1")
    assert change.sale.total == Decimal("-3.00")


def test_the_same_refund_twice_gives_one_return(tryton_erp: TrytonErp, looker: TrytonClient) -> None:
    placed = order()
    tryton_erp.ensure_sale(CHANNEL, placed)
    refund = Refund(order_id=placed.id, refund_id="rf3", amount=Decimal("1.00"))

    first = tryton_erp.record_refund(CHANNEL, refund)
    second = tryton_erp.record_refund(CHANNEL, refund)

    assert (first.outcome, second.outcome) == ("created", "unchanged")
    assert second.sale == first.sale
    assert count(looker, first.sale.reference) == 1


def test_a_refund_before_its_order_waits(tryton_erp: TrytonErp) -> None:
    with pytest.raises(SaleMissing):
        tryton_erp.record_refund(CHANNEL, Refund(order_id=unique("order"), refund_id="rf4", amount=Decimal(1)))


def test_a_refund_of_an_unknown_or_unsold_sku_changes_nothing(tryton_erp: TrytonErp, looker: TrytonClient) -> None:
    placed = order()
    tryton_erp.ensure_sale(CHANNEL, placed)
    ghost = Refund(order_id=placed.id, refund_id="rf5", lines=(RefundLine(sku=unique("NOPE"), quantity=Decimal(1)),))
    unsold = Refund(order_id=placed.id, refund_id="rf5", lines=(RefundLine(sku="SKU-0009", quantity=Decimal(1)),))

    with pytest.raises(UnknownSku):
        tryton_erp.record_refund(CHANNEL, ghost)
    with pytest.raises(ErpRejected, match="did not sell"):
        tryton_erp.record_refund(CHANNEL, unsold)

    assert count(looker, refund_reference(CHANNEL, placed.id, "rf5")) == 0


@pytest.mark.parametrize(
    ("shipping", "credit", "money"),
    [
        (None, Decimal("6.05"), ()),
        (Decimal("5.00"), Decimal("1.05"), (SaleLine(sku="SHIPPING", quantity=Decimal(-1), unit_price=Decimal(5)),)),
    ],
    ids=["shipping unsaid: all on the credit line", "shipping said: back on the shipping product"],
)
def test_a_refund_of_a_line_with_its_shipping_and_tax_totals_what_the_channel_refunded(
    tryton_erp: TrytonErp, shipping: Decimal | None, credit: Decimal, money: tuple[SaleLine, ...]
) -> None:
    # Shopify's shape: the line's subtotal on the refund line, the transaction refunding it with
    # its 6 % tax and the 5.00 shipping with its tax (12.50 + 0.75 + 5.00 + 0.30).
    placed = order(
        shipping=(Charge(title="Standard", amount=Decimal("5.00")),),
        taxes=(TaxLine(title="State Tax", rate=Decimal("0.06"), amount=Decimal("2.37")),),
        total=Decimal("41.87"),
    )
    tryton_erp.ensure_sale(CHANNEL, placed)
    refund = Refund(
        order_id=placed.id,
        refund_id="rf-ship",
        amount=Decimal("18.55"),
        shipping=shipping,
        lines=(RefundLine(sku="SKU-0002", quantity=Decimal(1), amount=Decimal("12.50")),),
    )

    change = tryton_erp.record_refund(CHANNEL, refund)

    assert change.sale.lines == (
        SaleLine(sku="SKU-0002", quantity=Decimal(-1), unit_price=Decimal("12.50")),
        SaleLine(sku="", quantity=Decimal(-1), unit_price=credit),
    )
    assert change.sale.money == money
    assert change.sale.total == Decimal("-18.55")


def test_a_partial_refund_of_a_line_takes_back_what_the_channel_kept(tryton_erp: TrytonErp) -> None:
    # One of the two SKU-0001 (11.00 each) comes back, but the channel refunds 6.00 of it.
    placed = order()
    tryton_erp.ensure_sale(CHANNEL, placed)
    refund = Refund(
        order_id=placed.id,
        refund_id="rf-part",
        amount=Decimal("6.00"),
        lines=(RefundLine(sku="SKU-0001", quantity=Decimal(1)),),
    )

    change = tryton_erp.record_refund(CHANNEL, refund)

    assert change.sale.lines == (
        SaleLine(sku="SKU-0001", quantity=Decimal(-1), unit_price=Decimal("11.00")),
        SaleLine(sku="", quantity=Decimal(-1), unit_price=Decimal("-5.00")),
    )
    assert change.sale.total == Decimal("-6.00")


def test_a_refund_spread_over_units_that_does_not_divide_evenly_totals_the_refund(tryton_erp: TrytonErp) -> None:
    placed = order(("SKU-0003", "3", "13.00"))
    tryton_erp.ensure_sale(CHANNEL, placed)
    refund = Refund(
        order_id=placed.id,
        refund_id="rf-odd",
        amount=Decimal("10.01"),
        lines=(RefundLine(sku="SKU-0003", quantity=Decimal(3), amount=Decimal("10.01")),),
    )

    change = tryton_erp.record_refund(CHANNEL, refund)

    assert change.sale.lines == (SaleLine(sku="SKU-0003", quantity=Decimal(-3), unit_price=Decimal("3.3367")),)
    assert change.sale.total == Decimal("-10.01")
