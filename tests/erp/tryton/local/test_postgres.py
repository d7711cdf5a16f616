"""erp.tryton.local.postgres: Tryton on PostgreSQL from gunicorn's workers takes Weir's orders.

Slow: the first run on a machine provisions the template database (about 70 s).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from erp.adapter import sale_reference
from erp.errors import ErpTransient, UnknownSku
from erp.settings import ErpSettings
from erp.tryton import TrytonClient, TrytonErp
from erp.tryton.batches import TrytonBatches
from erp.tryton.catalog import TrytonCatalog
from erp.tryton.local.postgres import PostgresTryton
from erp.tryton.orders import TrytonOrders
from erp.tryton.parties import TrytonParties
from erp.tryton.sales import TrytonSales, to_record
from tests.erp.tryton.orders import CHANNEL, order, unique
from tests.fixtures.tryton import free_port

pytestmark = pytest.mark.slow

URI = "postgresql://postgres@127.0.0.1:5432/"


@pytest.fixture(scope="module")
def postgres_tryton(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresTryton]:
    with PostgresTryton(URI, free_port(), workers=2, work=tmp_path_factory.mktemp("postgres")) as tryton:
        yield tryton


@pytest.fixture
def settings(postgres_tryton: PostgresTryton) -> ErpSettings:
    return postgres_tryton.settings()


@pytest.fixture
def looker(settings: ErpSettings) -> Iterator[TrytonClient]:
    client = TrytonClient.from_settings(settings)
    yield client
    client.close()


def _databases() -> set[str]:
    with psycopg.connect(f"{URI}postgres") as connection:
        return {name for (name,) in connection.execute("SELECT datname FROM pg_database").fetchall()}


def _sales(looker: TrytonClient, reference: str) -> int:
    return int(looker.call("model.sale.sale.search_count", [["reference", "=", reference]]))


def test_a_copy_of_the_template_is_served_with_its_catalogue_and_dropped_after(tmp_path: Path) -> None:
    with PostgresTryton(URI, free_port(), workers=1, work=tmp_path) as tryton:
        client = TrytonClient.from_settings(tryton.settings())
        try:
            found = client.call(
                "model.product.product.search_read", [["code", "=", "SKU-0001"]], 0, None, None, ["code"]
            )
            sales = client.call("model.sale.sale.search_count", [])
        finally:
            client.close()
        assert tryton.database in _databases()

    assert [row["code"] for row in found] == ["SKU-0001"] and sales == 0
    assert tryton.database not in _databases()


def test_two_workers_racing_on_one_order_give_one_sale_through_postgresqls_unique_index(
    settings: ErpSettings, looker: TrytonClient
) -> None:
    # Given two Weir workers, each with its own connection, and two Tryton workers to serve them
    placed = order()
    erps = [TrytonErp.from_settings(settings) for _ in range(2)]
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def apply(erp: TrytonErp) -> None:
        start.wait(timeout=30)
        try:
            outcomes.append(erp.ensure_sale(CHANNEL, placed))
        except ErpTransient as exc:
            outcomes.append(exc)

    # When both apply the same new order at once
    threads = [threading.Thread(target=apply, args=(erp,)) for erp in erps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # Then the loser read the winner's sale (or was told to retry), and there is one sale
    retried = erps[0].ensure_sale(CHANNEL, placed)
    for erp in erps:
        erp.close()
    assert len(outcomes) == 2
    assert all(outcome == retried for outcome in outcomes if not isinstance(outcome, ErpTransient))
    assert retried.state == "processing"
    assert _sales(looker, retried.reference) == 1


def test_a_batch_with_an_unknown_sku_lands_the_other_orders_once(looker: TrytonClient) -> None:
    catalog, sales = TrytonCatalog(looker), TrytonSales(looker)
    batches = TrytonBatches(
        looker, catalog, TrytonOrders(looker, catalog, TrytonParties(looker, catalog), sales), sales
    )
    placed = [order(), order(("SKU-0001", "1", "11.00"), (unique("NOPE"), "1", "5.00")), order()]

    first, bad, last = batches.ensure([(CHANNEL, one) for one in placed])

    assert isinstance(bad, UnknownSku)
    assert [to_record(outcome).state for outcome in (first, last)] == ["processing", "processing"]  # type: ignore[arg-type]
    assert [_sales(looker, sale_reference(CHANNEL, one.id)) for one in placed] == [1, 0, 1]
