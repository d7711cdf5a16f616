"""Stock levels in Tryton: the storage location's quantity is adjusted to the channel's figure."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp.errors import UnknownSku
from erp.tryton import TrytonClient, TrytonErp
from events.stock import StockLevel
from tests.erp.tryton.orders import unique


def inventories(looker: TrytonClient) -> int:
    return int(looker.call("model.stock.inventory.search_count", []))


def test_stock_is_adjusted_to_the_channel_s_figures_up_and_down(tryton_erp: TrytonErp) -> None:
    tryton_erp.set_stock(
        [StockLevel(sku="SKU-0013", available=Decimal(7)), StockLevel(sku="SKU-0014", available=Decimal(1200))]
    )

    assert tryton_erp.stock_of(["SKU-0013", "SKU-0014"]) == {"SKU-0013": Decimal(7), "SKU-0014": Decimal(1200)}


def test_levels_of_one_sku_at_several_locations_add_up(tryton_erp: TrytonErp) -> None:
    tryton_erp.set_stock(
        [
            StockLevel(sku="SKU-0015", available=Decimal(4), location="a"),
            StockLevel(sku="SKU-0015", available=Decimal(5), location="b"),
        ]
    )

    assert tryton_erp.stock_of(["SKU-0015"]) == {"SKU-0015": Decimal(9)}


def test_a_figure_already_there_moves_nothing(tryton_erp: TrytonErp, looker: TrytonClient) -> None:
    level = StockLevel(sku="SKU-0013", available=Decimal(3))
    tryton_erp.set_stock([level])
    before = inventories(looker)

    tryton_erp.set_stock([level])

    assert inventories(looker) == before
    assert tryton_erp.stock_of(["SKU-0013"]) == {"SKU-0013": Decimal(3)}


def test_an_unknown_sku_adjusts_nothing(tryton_erp: TrytonErp, looker: TrytonClient) -> None:
    before = tryton_erp.stock_of(["SKU-0014"])
    count = inventories(looker)

    with pytest.raises(UnknownSku):
        tryton_erp.set_stock(
            [StockLevel(sku="SKU-0014", available=Decimal(1)), StockLevel(sku=unique("NOPE"), available=Decimal(1))]
        )

    assert tryton_erp.stock_of(["SKU-0014"]) == before
    assert inventories(looker) == count


def test_an_oversold_sku_s_negative_figure_counts_as_none_on_hand(tryton_erp: TrytonErp) -> None:
    # Tryton's inventories refuse negative quantities.
    tryton_erp.set_stock([StockLevel(sku="SKU-0015", available=Decimal(-2))])

    assert tryton_erp.stock_of(["SKU-0015"]) == {"SKU-0015": Decimal(0)}
