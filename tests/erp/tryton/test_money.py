"""What the customer pays lands in Tryton: each provider's order with discounts, shipping and
tax becomes a sale whose total_amount is the channel's total, and one that does not add up
leaves nothing behind."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp.adapter import sale_reference
from erp.errors import TotalMismatch
from erp.tryton import TrytonClient, TrytonErp
from events.cancellation import Cancellation
from events.order import Charge, TaxLine
from tests.erp.money_orders import PROVIDER_ORDERS, for_the_erp
from tests.erp.tryton.orders import CHANNEL, order

D = Decimal


@pytest.mark.parametrize("provider", sorted(PROVIDER_ORDERS))
def test_each_providers_order_with_discounts_shipping_and_tax_lands_at_the_channels_total(
    tryton_erp: TrytonErp, looker: TrytonClient, provider: str
) -> None:
    make, channel_total = PROVIDER_ORDERS[provider]
    placed = for_the_erp(make())

    sale = tryton_erp.ensure_sale(CHANNEL, placed)

    assert sale.total == channel_total == placed.total
    (read,) = looker.call("model.sale.sale.read", [sale.erp_id], ["total_amount", "state", "moves"])
    assert read["total_amount"] == channel_total and read["state"] == "processing"
    # The money lines are services: only the goods move out of the warehouse.
    assert len(read["moves"]) == len(placed.lines)
    assert [(line.sku, line.quantity) for line in sale.lines] == [(line.sku, line.quantity) for line in placed.lines]
    assert {line.sku for line in sale.money} <= {"DISCOUNT", "SHIPPING", "FEE", "TAX"}


def test_taxes_included_in_the_prices_are_listed_at_zero_and_not_added_again(
    tryton_erp: TrytonErp, looker: TrytonClient
) -> None:
    vat = TaxLine(title="VAT", rate=D("0.2"), amount=D("5.00"))
    placed = order(
        ("SKU-0003", "2", "12.50"),
        shipping=(Charge(title="Royal Mail", amount=D("4.80"), taxes=(vat.model_copy(update={"amount": D("0.80")}),)),),
        taxes=(vat.model_copy(update={"amount": D("4.97")}),),
        taxes_included=True,
        total=D("29.80"),
        currency="EUR",
    )

    sale = tryton_erp.ensure_sale(CHANNEL, placed)

    assert sale.total == D("29.80")
    lines = looker.call(
        "model.sale.line.search_read", [["sale", "=", sale.erp_id]], 0, None, None, ["description", "amount"]
    )
    assert {"description": "VAT 20 %: 4.97, included in the prices", "amount": D("0.00")} in [
        {key: line[key] for key in ("description", "amount")} for line in lines
    ]


def test_an_order_whose_total_does_not_reconcile_is_refused_with_both_figures_and_creates_no_sale(
    tryton_erp: TrytonErp, looker: TrytonClient
) -> None:
    # 2 x 11.00 + 12.50 + 5.00 shipping is 39.50; the channel says 41.34.
    placed = order(shipping=(Charge(title="Standard", amount=D("5.00")),), total=D("41.34"))

    with pytest.raises(TotalMismatch) as refused:
        tryton_erp.ensure_sale(CHANNEL, placed)

    assert "channel 41.34 USD, computed 39.50 USD" in str(refused.value)
    assert (refused.value.channel_total, refused.value.computed) == (D("41.34"), D("39.50"))
    reference = sale_reference(CHANNEL, placed.id)
    assert looker.call("model.sale.sale.search_count", [["reference", "=", reference]]) == 0
    assert (
        looker.call(
            "model.party.party.search_count",
            [["name", "=", placed.customer.name], ["code", "like", f"%{placed.customer.id}"]],
        )
        == 0
    )


def test_a_cancellation_carrying_an_order_that_does_not_reconcile_creates_no_sale(
    tryton_erp: TrytonErp, looker: TrytonClient
) -> None:
    placed = order(total=D("1.00"))

    with pytest.raises(TotalMismatch):
        tryton_erp.cancel_sale(CHANNEL, Cancellation(order_id=placed.id, order=placed))

    reference = sale_reference(CHANNEL, placed.id)
    assert looker.call("model.sale.sale.search_count", [["reference", "=", reference]]) == 0


def test_an_update_that_changes_a_confirmed_sales_shipping_is_recorded_on_it(tryton_erp: TrytonErp) -> None:
    placed = order(shipping=(Charge(title="Standard", amount=D("5.00")),), total=D("39.50"))
    tryton_erp.ensure_sale(CHANNEL, placed)
    updated = placed.model_copy(update={"shipping": (Charge(title="Express", amount=D("9.00")),), "total": D("43.50")})

    change = tryton_erp.update_sale(CHANNEL, updated, revision="r2")

    assert change.outcome == "exception"
    assert change.detail is not None and "the order now totals 43.50" in change.detail
    assert change.sale.total == D("39.50")


def test_an_update_of_a_missing_sale_that_does_not_reconcile_creates_none(
    tryton_erp: TrytonErp, looker: TrytonClient
) -> None:
    placed = order(total=D("1.00"))

    with pytest.raises(TotalMismatch):
        tryton_erp.update_sale(CHANNEL, placed, revision="r1")

    assert looker.call("model.sale.sale.search_count", [["reference", "=", sale_reference(CHANNEL, placed.id)]]) == 0
