"""Batches of new orders against the real embedded Tryton: one call of each kind for the batch,
one sale per order, and each order's failure its own."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from decimal import Decimal

import pytest

from erp.adapter import SaleRecord, sale_reference
from erp.errors import ErpError, UnknownSku
from erp.money import MONEY_SKUS
from erp.settings import ErpSettings
from erp.tryton import TrytonClient, TrytonErp
from erp.tryton.batches import TrytonBatches
from erp.tryton.catalog import TrytonCatalog
from erp.tryton.orders import TrytonOrders
from erp.tryton.parties import TrytonParties
from erp.tryton.products import add_product
from erp.tryton.sales import TrytonSales, to_record
from events.order import Order
from tests.erp.tryton.calls import CallLog
from tests.erp.tryton.orders import CHANNEL, order, unique
from tests.erp.tryton.test_adapter import draft_sale

ONE_OF_EACH = [
    "model.sale.sale.search_read",
    "model.party.party.search_read",
    "model.party.party.create",
    "model.party.party.search_read",
    "model.sale.sale.create",
    "model.sale.sale.quote",
    "model.sale.sale.confirm",
    "model.sale.sale.read",
]


@pytest.fixture
def log() -> Iterator[CallLog]:
    calls = CallLog()
    yield calls
    calls.close()


@pytest.fixture
def client(tryton: ErpSettings, log: CallLog) -> Iterator[TrytonClient]:
    client = TrytonClient.from_settings(tryton, transport=log)
    yield client
    client.close()


@pytest.fixture
def batches(client: TrytonClient) -> TrytonBatches:
    catalog = TrytonCatalog(client)
    sales = TrytonSales(client)
    orders = TrytonOrders(client, catalog, TrytonParties(client, catalog), sales)
    # The catalogue, the currency and the country are read once per process: read them before the test counts.
    catalog.sold([*(f"SKU-{number:04d}" for number in range(1, 21)), *MONEY_SKUS])
    catalog.currency("USD")
    catalog.country("US")
    return TrytonBatches(client, catalog, orders, sales)


def records(outcomes: list[dict[str, object] | ErpError]) -> list[SaleRecord]:
    for outcome in outcomes:
        if isinstance(outcome, ErpError):
            raise outcome
    return [to_record(outcome) for outcome in outcomes]  # type: ignore[arg-type]


def count_sales(looker: TrytonClient, placed: list[Order]) -> dict[str, int]:
    references = [sale_reference(CHANNEL, one.id) for one in placed]
    rows = looker.call("model.sale.sale.search_read", [["reference", "in", references]], 0, None, None, ["reference"])
    return {reference: sum(row["reference"] == reference for row in rows) for reference in references}


def test_a_batch_of_new_orders_costs_one_call_of_each_kind_and_gives_each_its_sale(
    batches: TrytonBatches, log: CallLog, looker: TrytonClient
) -> None:
    placed = [order(("SKU-0003", str(number), "7.00"), ("SKU-0004", "1", "2.50")) for number in range(1, 9)]
    mark = len(log.methods)

    sales = records(batches.ensure([(CHANNEL, one) for one in placed]))

    assert log.since(mark) == ONE_OF_EACH
    assert [sale.reference for sale in sales] == [sale_reference(CHANNEL, one.id) for one in placed]
    assert all(sale.state == "processing" for sale in sales)
    assert [sale.total for sale in sales] == [Decimal(7 * number) + Decimal("2.50") for number in range(1, 9)]
    assert set(count_sales(looker, placed).values()) == {1}


def test_an_unknown_sku_fails_its_order_alone_before_anything_of_it_is_written(
    batches: TrytonBatches, looker: TrytonClient
) -> None:
    missing = unique("NOPE")
    placed = [order(), order(("SKU-0001", "1", "11.00"), (missing, "1", "5.00")), order()]

    first, bad, last = batches.ensure([(CHANNEL, one) for one in placed])

    assert isinstance(bad, UnknownSku) and bad.skus == (missing,)
    assert records([first, last])[0].state == "processing"
    assert count_sales(looker, placed) == {
        sale_reference(CHANNEL, placed[0].id): 1,
        sale_reference(CHANNEL, placed[1].id): 0,
        sale_reference(CHANNEL, placed[2].id): 1,
    }
    assert not looker.call("model.party.party.search", [["code", "=", f"{CHANNEL}:{placed[1].customer.id}"]])


def test_an_order_tryton_refuses_is_found_by_halving_the_batch_and_fails_alone(
    batches: TrytonBatches, log: CallLog, looker: TrytonClient
) -> None:
    # Given a product the adapter keeps, which Tryton's users then stop selling
    sku = unique("GONE")
    product_id = add_product(looker, sku, Decimal("4.00"))
    records(batches.ensure([(CHANNEL, order((sku, "1", "4.00")))]))
    (product,) = looker.call("model.product.product.read", [product_id], ["template"])
    looker.call("model.product.template.write", [product["template"]], {"salable": False})
    # When a batch holds an order of it among others
    placed = [order(), order(), order((sku, "1", "4.00")), order(), order()]
    mark = len(log.methods)

    outcomes = batches.ensure([(CHANNEL, one) for one in placed])

    # Then Tryton's refusal of the batch's create is traced to that order, which fails alone
    assert isinstance(outcomes[2], UnknownSku)
    assert all(sale.state == "processing" for sale in records(outcomes[:2] + outcomes[3:]))
    assert list(count_sales(looker, placed).values()) == [1, 1, 0, 1, 1]
    assert log.since(mark).count("model.sale.sale.create") < len(placed) + 2


def test_an_order_whose_sale_an_earlier_attempt_left_is_resumed_not_created_again(
    batches: TrytonBatches, looker: TrytonClient
) -> None:
    placed = [order(), order(), order()]
    left = draft_sale(looker, sale_reference(CHANNEL, placed[1].id))

    sales = records(batches.ensure([(CHANNEL, one) for one in placed]))

    assert sales[1].erp_id == left
    assert all(sale.state == "processing" for sale in sales)
    assert set(count_sales(looker, placed).values()) == {1}


def test_worker_threads_applying_orders_at_once_share_batches(tryton: ErpSettings, looker: TrytonClient) -> None:
    # Given an adapter with batches, and eight threads that each apply a new order at once
    log = CallLog()
    erp = TrytonErp(TrytonClient.from_settings(tryton, transport=log), batch_max=20)
    placed = [order() for _ in range(8)]
    start = threading.Barrier(len(placed))
    sales: dict[str, SaleRecord] = {}

    def apply(one: Order) -> None:
        start.wait(timeout=30)
        sales[one.id] = erp.ensure_sale(CHANNEL, one)

    threads = [threading.Thread(target=apply, args=(one,)) for one in placed]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        erp.close()
        log.close()

    # Then each got its own sale, and fewer creates than orders were sent
    assert [sales[one.id].reference for one in placed] == [sale_reference(CHANNEL, one.id) for one in placed]
    assert set(count_sales(looker, placed).values()) == {1}
    assert log.methods.count("model.sale.sale.create") < len(placed)
