"""The simulated ERP's API, served by the real ``python -m simulator`` process."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.fixtures.simulator import RunningSimulator


def order_json(order_id: str, *skus: str) -> dict[str, Any]:
    """A canonical order as JSON (``events.order.Order.model_dump(mode="json")``)."""
    return {
        "id": order_id,
        "number": f"#{order_id}",
        "currency": "USD",
        "customer": {"id": "42", "name": "Jane Doe", "email": None, "address": None},
        "lines": [{"sku": sku, "quantity": "2", "unit_price": "11.00", "title": None} for sku in skus or ("SKU-0001",)],
        "shipping_address": None,
        "billing_address": None,
        "placed_at": None,
    }


@pytest.fixture
def erp(simulator: RunningSimulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=simulator.url, timeout=10) as client:
        yield client


def test_an_order_becomes_one_confirmed_sale(erp: httpx.Client) -> None:
    created = erp.put("/orders/shop:1", json=order_json("1", "SKU-0001", "SKU-0002"))

    assert created.status_code == 201
    sale = created.json()
    assert {key: sale[key] for key in ("reference", "state", "total")} == {
        "reference": "shop:1",
        "state": "confirmed",
        "total": "44.00",
    }
    assert sale["lines"] == [
        {"sku": "SKU-0001", "quantity": "2", "unit_price": "11.00"},
        {"sku": "SKU-0002", "quantity": "2", "unit_price": "11.00"},
    ]
    assert erp.get("/orders/shop:1").json() == sale


def test_the_same_order_again_returns_the_sale_and_counts_a_duplicate_write(
    erp: httpx.Client, simulator: RunningSimulator
) -> None:
    first = erp.put("/orders/shop:2", json=order_json("2"))
    second = erp.put("/orders/shop:2", json=order_json("2"))
    erp.put("/orders/shop:3", json=order_json("3"))

    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json() == first.json()
    stats = simulator.stats()
    assert (stats.orders, stats.writes, stats.references_written) == (2, 3, 2)
    assert stats.references_written_more_than_once == 1
    assert stats.rewrites == {"shop:2": 2}
    assert simulator.control.writes() == {"shop:2": 2, "shop:3": 1}


def test_an_order_with_unknown_skus_gets_422_and_stores_nothing(erp: httpx.Client, simulator: RunningSimulator) -> None:
    answer = erp.put("/orders/shop:4", json=order_json("4", "SKU-0001", "SKU-10000", "GHOST"))

    assert answer.status_code == 422
    assert answer.json()["error"] == "unknown_sku"
    assert answer.json()["skus"] == ["GHOST", "SKU-10000"]
    assert erp.get("/orders/shop:4").status_code == 404
    assert simulator.stats().orders == 0


def test_the_catalogue_is_programmable(erp: httpx.Client, simulator: RunningSimulator) -> None:
    simulator.control.sell(["TEA", "CAKE"])

    assert erp.put("/orders/shop:5", json=order_json("5", "TEA")).status_code == 201
    assert erp.put("/orders/shop:6", json=order_json("6", "SKU-0001")).json()["skus"] == ["SKU-0001"]


def test_a_body_that_is_not_an_order_gets_422_invalid_body(erp: httpx.Client) -> None:
    answer = erp.put("/orders/shop:7", content=b'{"lines": []}')

    assert answer.status_code == 422
    assert answer.json()["error"] == "invalid_body"


def test_a_reference_holding_a_slash_is_one_reference(erp: httpx.Client) -> None:
    assert erp.put("/orders/shop:a%2Fb", json=order_json("a/b")).status_code == 201

    assert erp.get("/orders/shop:a%2Fb").json()["reference"] == "shop:a/b"


def test_a_customer_is_upserted_under_its_code(erp: httpx.Client, simulator: RunningSimulator) -> None:
    first = erp.put("/customers/shop:42", json={"id": "42", "name": "Jane"})
    second = erp.put("/customers/shop:42", json={"id": "42", "name": "Jane Doe", "email": "jane@example.com"})

    assert (first.status_code, second.status_code) == (200, 200)
    assert first.json() == second.json()
    assert first.json()["id"].isdigit()
    assert simulator.stats().customers == 1


def test_stock_levels_are_set_for_known_skus_only(erp: httpx.Client) -> None:
    assert erp.put("/stock/SKU-0009", json={"quantity": "12.5"}).json() == {"sku": "SKU-0009", "quantity": "12.5"}
    assert erp.put("/stock/GHOST", json={"quantity": "1"}).status_code == 422


def test_a_refund_is_recorded_once_per_refund_id(erp: httpx.Client) -> None:
    erp.put("/orders/shop:8", json=order_json("8"))

    first = erp.post("/refunds/shop:8/r-1", json={"amount": "11.00"})
    second = erp.post("/refunds/shop:8/r-1", json={"amount": "11.00"})

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json()
    assert erp.post("/refunds/shop:9/r-2", json={}).status_code == 404


def test_the_admin_api_says_when_each_record_was_first_stored(simulator: RunningSimulator) -> None:
    before = int(time.time() * 1000)
    httpx.put(f"{simulator.url}/customers/c-1", json={"id": "1", "name": "Ada"}, timeout=5)
    httpx.put(f"{simulator.url}/customers/c-1", json={"id": "1", "name": "Ada L"}, timeout=5)

    stored = simulator.control.stored()

    assert list(stored["customers"]) == ["c-1"]
    assert before <= stored["customers"]["c-1"] <= int(time.time() * 1000)
    assert stored["sales"] == {}
