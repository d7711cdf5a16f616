"""The simulated ERP's records: sales created once, unknown SKUs refused, refunds once."""

from __future__ import annotations

from decimal import Decimal

import pytest

from simulator.bodies import CustomerBody, OrderBody
from simulator.state import DEFAULT_CATALOGUE, ErpState, NoSuchSale, UnknownSkus


def order(*lines: tuple[str, str, str]) -> OrderBody:
    return OrderBody.model_validate(
        {"lines": [{"sku": sku, "quantity": quantity, "unit_price": price} for sku, quantity, price in lines]}
    )


def test_the_default_catalogue_is_sku_0001_to_sku_9999() -> None:
    assert len(DEFAULT_CATALOGUE) == 9999
    assert {"SKU-0001", "SKU-9999"} <= DEFAULT_CATALOGUE
    assert not {"SKU-0000", "SKU-10000"} & DEFAULT_CATALOGUE


def test_a_sale_is_created_once_and_found_after() -> None:
    state = ErpState()

    sale, created = state.ensure_sale("shop:1", order(("SKU-0001", "2", "11.00"), ("SKU-0002", "1", "0.50")))
    again, created_again = state.ensure_sale("shop:1", order(("SKU-0003", "9", "9.00")))

    assert (created, created_again) == (True, False)
    assert again == sale
    assert sale["state"] == "confirmed"
    assert Decimal(sale["total"]) == Decimal("22.50")
    assert sale["lines"][0] == {"sku": "SKU-0001", "quantity": "2", "unit_price": "11.00"}


def test_an_order_with_unknown_skus_stores_nothing() -> None:
    state = ErpState()

    with pytest.raises(UnknownSkus) as caught:
        state.ensure_sale("shop:2", order(("SKU-0001", "1", "1"), ("NOPE-2", "1", "1"), ("NOPE-1", "1", "1")))

    assert caught.value.skus == ["NOPE-1", "NOPE-2"]
    assert state.sales == {}


def test_the_catalogue_can_be_replaced() -> None:
    state = ErpState()
    state.sell(["A"])

    state.ensure_sale("shop:3", order(("A", "1", "1")))
    with pytest.raises(UnknownSkus):
        state.ensure_sale("shop:4", order(("SKU-0001", "1", "1")))


def test_a_customer_keeps_its_id_when_updated() -> None:
    state = ErpState()

    first = state.upsert_customer("shop:7", CustomerBody(id="7", name="Jane"))
    second = state.upsert_customer("shop:7", CustomerBody(id="7", name="Jane Doe"))

    assert first == second
    assert state.customers["shop:7"]["name"] == "Jane Doe"


def test_a_refund_is_recorded_once_and_only_for_a_sale_that_exists() -> None:
    state = ErpState()
    state.ensure_sale("shop:5", order(("SKU-0001", "1", "1")))

    refund, created = state.ensure_refund("shop:5", "r1", {"amount": "1.00"})
    again, created_again = state.ensure_refund("shop:5", "r1", {"amount": "2.00"})

    assert (created, created_again) == (True, False)
    assert again == refund
    with pytest.raises(NoSuchSale):
        state.ensure_refund("shop:6", "r2", {})


def test_reset_forgets_every_record_and_restores_the_catalogue() -> None:
    state = ErpState()
    state.sell(["A"])
    state.ensure_sale("shop:1", order(("A", "1", "1")))

    state.reset()

    assert state.sales == {}
    assert state.catalogue == DEFAULT_CATALOGUE
