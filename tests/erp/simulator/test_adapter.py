"""SimulatorErp against the real simulator: orders become confirmed sales, exactly once."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import httpx
import pytest

from erp.adapter import SaleLine, sale_reference
from erp.errors import UnknownSku
from erp.factory import build_erp
from erp.settings import ErpSettings
from erp.simulator import SimulatorErp
from events.order import Customer, Order, OrderLine
from tests.fixtures.simulator import RunningSimulator

CHANNEL = "test"


def order(*skus: str, order_id: str | None = None) -> Order:
    return Order(
        id=order_id or uuid.uuid4().hex[:12],
        currency="USD",
        customer=Customer(id="42", name="Jane Doe"),
        lines=tuple(
            OrderLine(sku=sku, quantity=Decimal(2), unit_price=Decimal("11.00")) for sku in skus or ("SKU-0001",)
        ),
    )


class CountingTransport(httpx.BaseTransport):
    """A real transport that counts the requests through it, as a gated transport would see them."""

    def __init__(self) -> None:
        self._inner = httpx.HTTPTransport()
        self.requests: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(f"{request.method} {request.url.path}")
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


def test_an_order_becomes_a_confirmed_sale_read_back(simulator_erp: SimulatorErp) -> None:
    placed = order("SKU-0001", "SKU-0002")

    sale = simulator_erp.ensure_sale(CHANNEL, placed)

    assert sale.reference == sale_reference(CHANNEL, placed.id)
    assert (sale.state, sale.total) == ("confirmed", Decimal("44.00"))
    assert sale.lines[0] == SaleLine(sku="SKU-0001", quantity=Decimal(2), unit_price=Decimal("11.00"))
    assert simulator_erp.find_sale(sale.reference) == sale


def test_the_same_order_twice_is_one_sale_and_two_writes(
    simulator_erp: SimulatorErp, simulator: RunningSimulator
) -> None:
    placed = order()

    first = simulator_erp.ensure_sale(CHANNEL, placed)
    second = simulator_erp.ensure_sale(CHANNEL, placed)

    assert second == first
    stats = simulator.stats()
    assert (stats.orders, stats.references_written_more_than_once) == (1, 1)


def test_workers_applying_one_order_at_once_leave_one_sale(
    simulator_erp: SimulatorErp, simulator: RunningSimulator
) -> None:
    placed = order()

    with ThreadPoolExecutor(max_workers=8) as pool:
        sales = list(pool.map(lambda _: simulator_erp.ensure_sale(CHANNEL, placed), range(8)))

    assert {sale.erp_id for sale in sales} == {sales[0].erp_id}
    assert simulator.stats().orders == 1


def test_an_order_with_unknown_skus_raises_unknown_sku_and_leaves_nothing(
    simulator_erp: SimulatorErp, simulator: RunningSimulator
) -> None:
    placed = order("SKU-0001", "GHOST-2", "GHOST-1")

    with pytest.raises(UnknownSku) as caught:
        simulator_erp.ensure_sale(CHANNEL, placed)

    assert caught.value.skus == ("GHOST-1", "GHOST-2")
    assert caught.value.status == 422
    assert "unknown_sku" in (caught.value.excerpt or "")
    assert simulator_erp.find_sale(sale_reference(CHANNEL, placed.id)) is None
    assert simulator.stats().orders == 0


def test_a_sale_never_written_is_not_found(simulator_erp: SimulatorErp) -> None:
    assert simulator_erp.find_sale("test:never") is None


def test_an_order_id_holding_a_slash_keeps_its_reference(simulator_erp: SimulatorErp) -> None:
    sale = simulator_erp.ensure_sale(CHANNEL, order(order_id="2024/17"))

    assert sale.reference == "test:2024/17"
    assert simulator_erp.find_sale("test:2024/17") == sale


def test_a_customer_upserted_twice_keeps_its_id(simulator_erp: SimulatorErp, simulator: RunningSimulator) -> None:
    first = simulator_erp.upsert_customer(CHANNEL, Customer(id="7", name="Jane"))
    second = simulator_erp.upsert_customer(CHANNEL, Customer(id="7", name="Jane Doe", email="jane@example.com"))

    assert first == second
    assert simulator.stats().customers == 1


def test_build_erp_builds_the_simulator_adapter_whose_calls_all_go_through_the_transport(
    simulator: RunningSimulator,
) -> None:
    transport = CountingTransport()
    erp = build_erp(ErpSettings(kind="simulator", url=simulator.url), transport=transport)
    try:
        placed = order(order_id="via-transport")
        erp.ensure_sale(CHANNEL, placed)
        erp.find_sale("test:via-transport")
        erp.upsert_customer(CHANNEL, placed.customer)
    finally:
        erp.close()

    assert isinstance(erp, SimulatorErp)
    assert transport.requests == [
        "PUT /orders/test:via-transport",
        "GET /orders/test:via-transport",
        "PUT /customers/test:42",
    ]
