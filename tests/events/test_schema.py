"""The canonical events' JSON Schema, as ``weir schema export`` writes it."""

from __future__ import annotations

import json
from pathlib import Path

from events.schema import json_schemas, write_schemas


def test_each_family_has_a_versioned_schema_and_the_union_names_them_all() -> None:
    schemas = json_schemas()

    assert "order.created.v1.schema.json" in schemas
    assert "inventory.updated.v1.schema.json" in schemas
    union = schemas["canonical-event.v1.schema.json"]
    assert set(union["discriminator"]["mapping"]) == {
        "order.created",
        "order.updated",
        "order.cancelled",
        "refund.created",
        "fulfillment.created",
        "inventory.updated",
        "customer.updated",
    }


def test_the_schemas_are_written_as_json_files(tmp_path: Path) -> None:
    written = write_schemas(tmp_path / "schema")

    assert len(written) == len(json_schemas())
    order = json.loads((tmp_path / "schema" / "order.created.v1.schema.json").read_text())
    assert order["properties"]["schema_version"]["const"] == 1
    assert "source_version" in order["required"]


def test_the_order_schema_carries_the_money_fields_and_requires_none_of_them() -> None:
    order = json_schemas()["order.created.v1.schema.json"]["$defs"]["Order"]

    money = {"discounts", "shipping", "fees", "taxes", "taxes_included", "total"}
    assert money <= set(order["properties"])
    assert not money & set(order["required"])
    assert "discount" in json_schemas()["order.created.v1.schema.json"]["$defs"]["OrderLine"]["properties"]
