"""bench.tryton_postgres: a copy of the PostgreSQL template served by gunicorn's workers."""

from pathlib import Path

import psycopg
import pytest

from bench.tryton_postgres import PostgresTryton
from erp.tryton.client import TrytonClient
from tests.fixtures.tryton import free_port

URI = "postgresql://postgres@127.0.0.1:5432/"


def _databases() -> set[str]:
    with psycopg.connect(f"{URI}postgres") as connection:
        return {name for (name,) in connection.execute("SELECT datname FROM pg_database").fetchall()}


@pytest.mark.slow
def test_a_copy_of_the_template_is_served_with_its_catalogue_and_dropped_after(tmp_path: Path) -> None:
    with PostgresTryton(URI, free_port(), workers=2, work=tmp_path) as tryton:
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
