"""What an order costs in JSON-RPC calls against the real embedded Tryton, and what the kept
products and parties do when Tryton changes under them."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from erp.adapter import sale_reference
from erp.errors import UnknownSku
from erp.settings import ErpSettings
from erp.tryton import TrytonClient, TrytonErp
from erp.tryton.products import add_product
from tests.erp.tryton.calls import CallLog
from tests.erp.tryton.orders import CHANNEL, customer, order, unique

SALE = ["model.sale.sale.search_read", "model.sale.sale.create", "model.sale.sale.quote", "model.sale.sale.confirm"]


@pytest.fixture
def log() -> Iterator[CallLog]:
    calls = CallLog()
    yield calls
    calls.close()


@pytest.fixture
def erp(tryton: ErpSettings, log: CallLog) -> Iterator[TrytonErp]:
    """An adapter of its own (nothing kept from other tests), its calls in ``log``."""
    adapter = TrytonErp(TrytonClient.from_settings(tryton, transport=log))
    yield adapter
    adapter.close()


def test_an_order_of_a_known_customer_costs_five_calls(erp: TrytonErp, log: CallLog) -> None:
    buyer = customer()
    erp.ensure_sale(CHANNEL, order(customer=buyer))
    mark = len(log.methods)

    sale = erp.ensure_sale(CHANNEL, order(customer=buyer))

    assert sale.state == "processing"
    assert log.since(mark) == [*SALE, "model.sale.sale.read"]


def test_a_new_customer_adds_three_calls_whatever_its_addresses(erp: TrytonErp, log: CallLog) -> None:
    erp.ensure_sale(CHANNEL, order())
    mark = len(log.methods)

    erp.ensure_sale(CHANNEL, order())

    assert log.since(mark) == [
        "model.sale.sale.search_read",
        "model.party.party.search_read",
        "model.party.party.create",
        "model.party.party.search_read",
        *SALE[1:],
        "model.sale.sale.read",
    ]


def test_a_product_added_after_the_catalogue_was_read_is_sold(
    erp: TrytonErp, log: CallLog, looker: TrytonClient
) -> None:
    erp.ensure_sale(CHANNEL, order())
    sku = unique("NEW")
    add_product(looker, sku, Decimal("3.00"))

    sale = erp.ensure_sale(CHANNEL, order((sku, "2", "3.00")))

    assert sale.state == "processing"
    assert [line.sku for line in sale.lines] == [sku]


def test_a_product_no_longer_salable_after_it_was_kept_is_reported_unknown_and_nothing_is_written(
    erp: TrytonErp, log: CallLog, looker: TrytonClient
) -> None:
    # Given a product an earlier order made the adapter keep
    sku = unique("GONE")
    product_id = add_product(looker, sku, Decimal("4.00"))
    erp.ensure_sale(CHANNEL, order((sku, "1", "4.00")))
    # When Tryton's users stop selling it, and an order names it again
    (product,) = looker.call("model.product.product.read", [product_id], ["template"])
    looker.call("model.product.template.write", [product["template"]], {"salable": False})
    placed = order((sku, "1", "4.00"))

    with pytest.raises(UnknownSku) as caught:
        erp.ensure_sale(CHANNEL, placed)

    # Then the refused create made it look the product up again, and found it gone
    assert caught.value.skus == (sku,)
    assert erp.find_sale(sale_reference(CHANNEL, placed.id)) is None
    assert log.methods.count("model.sale.sale.create") == 2
