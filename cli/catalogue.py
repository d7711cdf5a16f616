"""``weir catalogue add``: add a product to the embedded Tryton's catalogue (fixes "unknown SKU")."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated

import typer

from cli.common import console, emit_json, fail, settings
from erp.errors import ErpError
from erp.settings import ErpSettings
from erp.tryton.client import TrytonClient
from erp.tryton.products import add_product

__all__ = ["app"]

app = typer.Typer(help="The ERP's catalogue (the embedded Tryton).", no_args_is_help=True)


@app.command("add")
def add(
    sku: Annotated[str, typer.Argument(help="the product's code, e.g. SKU-0099")],
    price: Annotated[str, typer.Option(help="list price, e.g. 5.00")],
    name: Annotated[str | None, typer.Option(help="product name (default: the SKU)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the result as JSON")] = False,
) -> None:
    """Add a salable product to Tryton, so orders naming its SKU go through."""
    erp = settings(ErpSettings)
    if erp.kind != "tryton":
        fail("the catalogue command manages Tryton; add products to other ERPs in their own tools")
    try:
        list_price = Decimal(price)
    except InvalidOperation:
        fail(f"--price {price!r}: expected a decimal, e.g. 5.00")
    client = TrytonClient.from_settings(erp)
    try:
        product_id = add_product(client, sku, list_price, name)
    except ErpError as exc:
        fail(str(exc))
    finally:
        client.close()
    if as_json:
        emit_json({"sku": sku, "product_id": product_id, "price": str(list_price)})
    else:
        console().print(f"Added {sku} (product {product_id}) at {list_price}.")
