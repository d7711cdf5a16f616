"""Order updates in Tryton: the sale follows while it can change, else the change is noted once."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp.adapter import SaleLine, sale_reference
from erp.errors import UnknownSku
from erp.tryton import TrytonClient, TrytonErp
from erp.tryton.catalog import TrytonCatalog
from erp.tryton.orders import TrytonOrders
from erp.tryton.parties import TrytonParties
from erp.tryton.sales import TrytonSales
from events.order import Address, Order, OrderLine
from tests.erp.tryton.orders import CHANNEL, order, unique


def test_an_update_of_an_order_not_yet_in_the_erp_creates_its_confirmed_sale(tryton_erp: TrytonErp) -> None:
    placed = order()

    change = tryton_erp.update_sale(CHANNEL, placed, revision="r1")

    assert (change.outcome, change.sale.state) == ("created", "processing")
    assert change.sale.total == Decimal("34.50")


def test_an_update_that_changes_nothing_leaves_the_sale_unchanged(tryton_erp: TrytonErp) -> None:
    placed = order()
    tryton_erp.ensure_sale(CHANNEL, placed)

    change = tryton_erp.update_sale(CHANNEL, placed, revision="r1")

    assert (change.outcome, change.sale.exceptions) == ("unchanged", ())


def test_a_sale_still_in_quotation_follows_the_order_s_new_lines_and_address(
    tryton_erp: TrytonErp, looker: TrytonClient
) -> None:
    # Given a sale a worker created and quoted before it crashed
    placed = order()
    reference = sale_reference(CHANNEL, placed.id)
    sale_id = draft_of(looker, placed)
    looker.call("model.sale.sale.quote", [sale_id])
    updated = placed.model_copy(
        update={
            "lines": (OrderLine(sku="SKU-0003", quantity=Decimal("3"), unit_price=Decimal("13.00")),),
            "shipping_address": Address(street="9 Oak Ave", city="Shelbyville", country_code="US"),
        }
    )

    change = tryton_erp.update_sale(CHANNEL, updated, revision="r2")

    assert (change.outcome, change.sale.reference, change.sale.state) == ("followed", reference, "processing")
    assert change.sale.lines == (SaleLine(sku="SKU-0003", quantity=Decimal("3"), unit_price=Decimal("13.00")),)
    assert change.sale.total == Decimal("39.00")
    (read,) = looker.call("model.sale.sale.read", [sale_id], ["shipment_address.city"])
    assert read["shipment_address."]["city"] == "Shelbyville"


def test_a_confirmed_sale_keeps_its_lines_and_records_the_update_once(tryton_erp: TrytonErp) -> None:
    placed = order()
    tryton_erp.ensure_sale(CHANNEL, placed)
    updated = placed.model_copy(
        update={"lines": (OrderLine(sku="SKU-0001", quantity=Decimal("5"), unit_price=Decimal("11.00")),)}
    )

    first = tryton_erp.update_sale(CHANNEL, updated, revision="2026-12-01T10:00:00+00:00")
    again = tryton_erp.update_sale(CHANNEL, updated, revision="2026-12-01T10:00:00+00:00")

    assert (first.outcome, again.outcome) == ("exception", "exception")
    assert first.detail is not None and "SKU-0001 x5" in first.detail
    assert again.sale.total == Decimal("34.50")
    (note,) = again.sale.exceptions
    assert note.startswith("[weir update 2026-12-01T10:00:00+00:00]")
    found = tryton_erp.find_sale(sale_reference(CHANNEL, placed.id))
    assert found is not None and found.exceptions == (note,)


def test_an_update_naming_an_unknown_sku_changes_nothing(tryton_erp: TrytonErp) -> None:
    placed = order()
    before = tryton_erp.ensure_sale(CHANNEL, placed)
    ghost = unique("NOPE")
    updated = placed.model_copy(
        update={"lines": (OrderLine(sku=ghost, quantity=Decimal("1"), unit_price=Decimal("1.00")),)}
    )

    with pytest.raises(UnknownSku):
        tryton_erp.update_sale(CHANNEL, updated, revision="r2")

    assert tryton_erp.find_sale(before.reference) == before


def draft_of(looker: TrytonClient, placed: Order) -> int:
    """The sale of ``placed`` as a worker that crashed right after creating it leaves it."""
    catalog = TrytonCatalog(looker)
    orders = TrytonOrders(looker, catalog, TrytonParties(looker, catalog), TrytonSales(looker))
    return int(orders.create(CHANNEL, placed, sale_reference(CHANNEL, placed.id))["id"])
