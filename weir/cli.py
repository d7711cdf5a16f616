"""``weir``: the command line for people running Weir.

``weir send-sample`` posts a correctly signed sample order to a running receiver, the way the
channel's provider would; ``weir sale REFERENCE`` shows what the ERP holds for an order.
"""

from __future__ import annotations

import json
import os
import random
import sys
from decimal import Decimal
from typing import Annotated, TypeVar

import httpx
import typer
from pydantic_settings import BaseSettings
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from erp.adapter import SaleRecord, sale_reference
from erp.errors import ErpError
from erp.factory import build_erp
from erp.settings import ErpSettings
from receivers.channels import Channel, load_channels
from receivers.settings import ReceiverSettings
from weir import samples
from weir.errors import ConfigError, WeirError
from weir.sample_orders import signed_sample_order
from weir.settings import ServiceSettings, load

__all__ = ["app", "main"]

S = TypeVar("S", bound=BaseSettings)

app = typer.Typer(help="Weir: webhooks in, an ERP that never drowns.", no_args_is_help=True)
console = Console()


@app.command("send-sample")
def send_sample(
    channel: Annotated[str, typer.Option(help="channel to post as (from WEIR_CHANNELS_FILE)")] = "shop-us",
    url: Annotated[str | None, typer.Option(help="receiver base URL (default: from PORT)")] = None,
    order_id: Annotated[int | None, typer.Option(help="channel order id (default: random)")] = None,
    sku: Annotated[list[str] | None, typer.Option(help="a line as SKU:QUANTITY:PRICE, repeatable")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the answer as JSON")] = False,
) -> None:
    """Post a correctly signed sample order, as the channel's provider would."""
    target = _channel(channel)
    order_id = order_id or random.randrange(10**17, 10**18)
    lines = _lines(sku) if sku else samples.DEMO_LINES
    try:
        sample = signed_sample_order(target, order_id, lines)
    except ValueError as exc:
        raise _fail(str(exc)) from exc
    base = url or f"http://127.0.0.1:{load(ReceiverSettings).port}"
    try:
        response = httpx.post(f"{base}/webhooks/{channel}", content=sample.body, headers=sample.headers, timeout=10)
    except httpx.HTTPError as exc:
        raise _fail(f"cannot reach the receiver at {base}: {exc}") from exc
    reference = sale_reference(channel, sample.order_key)
    if as_json:
        print(json.dumps({"status": response.status_code, "answer": response.json(), "reference": reference}))
    else:
        console.print(f"POST {base}/webhooks/{channel} -> {response.status_code} {response.text}")
        console.print(f"The sale's reference in the ERP will be [bold]{reference}[/]: weir sale '{reference}'")
    if response.status_code >= 300:
        raise typer.Exit(1)


@app.command("sale")
def show_sale(
    reference: Annotated[str, typer.Argument(help="the sale's reference, <channel>:<order id>")],
    as_json: Annotated[bool, typer.Option("--json", help="print the sale as JSON")] = False,
) -> None:
    """Show the ERP's sale for an order reference."""
    erp = build_erp(_settings(ErpSettings))
    try:
        sale = erp.find_sale(reference)
    except ErpError as exc:
        raise _fail(f"the ERP did not answer: {exc}") from exc
    finally:
        erp.close()
    if sale is None:
        raise _fail(f"no sale with reference {reference} in the ERP (yet)")
    if as_json:
        print(sale.model_dump_json())
    else:
        console.print(_sale_table(sale))


def _channel(name: str) -> Channel:
    service = _settings(ServiceSettings)
    receiver = _settings(ReceiverSettings)
    try:
        channels = load_channels(
            receiver.channels_file,
            environ=os.environ,
            tolerance_seconds=receiver.timestamp_tolerance_seconds,
            production=service.production,
        )
    except ConfigError as exc:
        raise _fail(str(exc)) from exc
    if name not in channels:
        raise _fail(f"no channel {name!r} in {receiver.channels_file}; known: {', '.join(channels)}")
    return channels[name]


def _lines(specs: list[str]) -> tuple[tuple[str, int, str], ...]:
    lines = []
    for spec in specs:
        parts = spec.split(":")
        if len(parts) != 3 or not parts[1].isdigit():
            raise _fail(f"--sku {spec!r}: expected SKU:QUANTITY:PRICE, e.g. SKU-0003:1:13.00")
        lines.append((parts[0], int(parts[1]), str(Decimal(parts[2]))))
    return tuple(lines)


def _sale_table(sale: SaleRecord) -> Table:
    table = Table(title=escape(f"Sale {sale.number or '-'} [{sale.reference}]: {sale.state}, total {sale.total}"))
    for column in ("SKU", "quantity", "unit price"):
        table.add_column(column, justify="left" if column == "SKU" else "right")
    for line in sale.lines:
        table.add_row(line.sku, f"{line.quantity.normalize():f}", str(line.unit_price))
    return table


def _settings(settings_class: type[S]) -> S:
    try:
        return load(settings_class)
    except ConfigError as exc:
        raise _fail(str(exc)) from exc


def _fail(message: str) -> typer.Exit:
    Console(stderr=True).print(f"[red]weir:[/] {message}")
    return typer.Exit(2)


def main() -> None:
    """The ``weir`` console script."""
    try:
        app()
    except WeirError as exc:
        Console(stderr=True).print(f"[red]weir:[/] {exc}")
        sys.exit(2)
