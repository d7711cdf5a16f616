"""What the customer pays lands in the simulated ERP as in Tryton: each provider's order with
discounts, shipping and tax becomes a sale with its money lines and the channel's total."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp.adapter import SaleLine, sale_reference
from erp.errors import TotalMismatch
from erp.simulator import SimulatorErp
from events.cancellation import Cancellation
from events.order import Charge
from events.refund import Refund, RefundLine
from tests.erp.money_orders import PROVIDER_ORDERS, for_the_erp

CHANNEL = "test"
D = Decimal


@pytest.mark.parametrize("provider", sorted(PROVIDER_ORDERS))
def test_each_providers_order_with_discounts_shipping_and_tax_lands_at_the_channels_total(
    simulator_erp: SimulatorErp, provider: str
) -> None:
    make, channel_total = PROVIDER_ORDERS[provider]
    placed = for_the_erp(make())

    sale = simulator_erp.ensure_sale(CHANNEL, placed)

    assert sale.total == channel_total
    assert [line.sku for line in sale.lines] == [line.sku for line in placed.lines]
    assert {line.sku for line in sale.money} <= {"DISCOUNT", "SHIPPING", "FEE", "TAX"}


def test_the_simulated_sale_holds_one_money_line_per_part_at_quantity_one(simulator_erp: SimulatorErp) -> None:
    placed = for_the_erp(PROVIDER_ORDERS["amazon"][0]())

    sale = simulator_erp.ensure_sale(CHANNEL, placed)

    assert sale.money == (
        SaleLine(sku="DISCOUNT", quantity=D(1), unit_price=D("-4.00")),
        SaleLine(sku="SHIPPING", quantity=D(1), unit_price=D("5.99")),
        SaleLine(sku="TAX", quantity=D(1), unit_price=D("4.21")),
    )


def test_an_order_whose_total_does_not_reconcile_is_refused_and_creates_no_sale(simulator_erp: SimulatorErp) -> None:
    placed = for_the_erp(PROVIDER_ORDERS["amazon"][0]()).model_copy(update={"total": D("61.30")})

    with pytest.raises(TotalMismatch, match=r"channel 61\.30 USD, computed 61\.20 USD"):
        simulator_erp.ensure_sale(CHANNEL, placed)
    with pytest.raises(TotalMismatch):
        simulator_erp.cancel_sale(CHANNEL, Cancellation(order_id=placed.id, order=placed))

    assert simulator_erp.find_sale(sale_reference(CHANNEL, placed.id)) is None


def test_a_cancellation_of_a_sale_already_there_applies_whatever_its_order_adds_up_to(
    simulator_erp: SimulatorErp,
) -> None:
    placed = for_the_erp(PROVIDER_ORDERS["amazon"][0]())
    simulator_erp.ensure_sale(CHANNEL, placed)
    changed = placed.model_copy(update={"shipping": (Charge(title="Express", amount=D("9.99")),)})

    change = simulator_erp.cancel_sale(CHANNEL, Cancellation(order_id=placed.id, order=changed))

    assert change.outcome == "cancelled" and change.sale.total == D("61.20")


def test_a_partial_refund_of_a_line_totals_what_the_channel_refunded(simulator_erp: SimulatorErp) -> None:
    placed = for_the_erp(PROVIDER_ORDERS["amazon"][0]())
    simulator_erp.ensure_sale(CHANNEL, placed)
    refund = Refund(
        order_id=placed.id, refund_id="r1", amount=D("6.00"), lines=(RefundLine(sku="SKU-0002", quantity=D(1)),)
    )

    change = simulator_erp.record_refund(CHANNEL, refund)

    assert change.sale.total == D("-6.00")


@pytest.mark.parametrize("lines", [(RefundLine(sku="SKU-0002", quantity=D(1), amount=D("12.00")),), ()])
def test_shipping_refunded_with_or_without_goods_totals_what_the_channel_refunded(
    simulator_erp: SimulatorErp, lines: tuple[RefundLine, ...]
) -> None:
    placed = for_the_erp(PROVIDER_ORDERS["amazon"][0]())
    simulator_erp.ensure_sale(CHANNEL, placed)
    amount = sum((line.amount or D(0) for line in lines), D("4.99"))
    refund = Refund(order_id=placed.id, refund_id=f"r-{len(lines)}", amount=amount, shipping=D("4.99"), lines=lines)

    change = simulator_erp.record_refund(CHANNEL, refund)

    assert change.outcome == "created" and change.sale.total == -amount
