"""``weir send-sample`` posts a correctly signed sample order to a running receiver, the way the
channel's provider would, and says what the workers will make of it; ``weir sale REFERENCE``
shows what the ERP holds for an order."""

from __future__ import annotations

import json
import os
import random
from decimal import Decimal
from typing import Annotated, Any, cast, get_args

import httpx
import typer
from rich.markup import escape
from rich.table import Table

from cli.common import console, fail, settings
from erp.adapter import SaleRecord, sale_reference
from erp.errors import ErpError
from erp.factory import build_erp
from erp.settings import ErpSettings
from receivers.channels import Channel, load_channels
from receivers.settings import ReceiverSettings
from samples import payloads as samples
from samples.events import SampleEvent, SampleKind, signed_sample_event
from samples.orders import SampleChannel, SignedSample, signed_sample_order
from weir.errors import ConfigError
from weir.settings import ServiceSettings

__all__ = ["send_sample", "show_sale"]


def send_sample(
    *,
    channel: Annotated[str, typer.Option(help="channel to post as (from WEIR_CHANNELS_FILE)")] = "shop-us",
    url: Annotated[str | None, typer.Option(help="receiver base URL (default: from PORT)")] = None,
    order_id: Annotated[int | None, typer.Option(help="channel order id (default: random)")] = None,
    sku: Annotated[list[str] | None, typer.Option(help="a line as SKU:QUANTITY:PRICE, repeatable")] = None,
    event: Annotated[
        str, typer.Option(help="order, or ping, inventory-level (Shopify), refund (Shopify, of --order-id's lines)")
    ] = "order",
    inventory_item: Annotated[int, typer.Option(help="an inventory level's Shopify inventory item id")] = 808950810,
    available: Annotated[int, typer.Option(help="an inventory level's available units")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="print the answer as JSON")] = False,
) -> None:
    """Post a correctly signed sample order (or test notification, inventory level, refund), as
    the channel's provider would."""
    target = _channel(channel)
    order_id = order_id or random.randrange(10**17, 10**18)
    lines = _lines(sku) if sku else samples.DEMO_LINES
    wanted = None if event == "order" else SampleEvent(_kind(event), order_id, lines, inventory_item, available)
    try:
        sample = signed_sample_order(target, order_id, lines) if wanted is None else signed_sample_event(target, wanted)
    except ValueError as exc:
        fail(str(exc))
    base = url or f"http://127.0.0.1:{settings(ReceiverSettings).port}"
    try:
        response = httpx.post(f"{base}/webhooks/{channel}", content=sample.body, headers=sample.headers, timeout=10)
    except httpx.HTTPError as exc:
        fail(f"cannot reach the receiver at {base}: {exc}")
    answer = _answer(response)
    reference = sale_reference(channel, sample.order_key) if sample.no_sale is None else None
    if as_json:
        no_sale = sample.no_sale.why if sample.no_sale else None
        print(
            json.dumps({"status": response.status_code, "answer": answer, "reference": reference, "no_sale": no_sale})
        )
    else:
        console().print(f"POST {base}/webhooks/{channel} -> {response.status_code} {escape(response.text)}")
        if response.status_code < 300:
            console().print(_expect(sample, reference, answer))
    if response.status_code >= 300:
        raise typer.Exit(1)


def _answer(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text


def _expect(sample: SignedSample, reference: str | None, answer: Any) -> str:
    """What to look for once the workers have the event: its sale, or why there is none."""
    if sample.no_sale is None:
        return f"The sale's reference in the ERP will be [bold]{reference}[/]: weir sale '{reference}'"
    told = f"No sale will appear: {escape(sample.no_sale.why)}."
    event_id = answer.get("event_id") if isinstance(answer, dict) else None
    if sample.no_sale.dead_letter and event_id:
        told += f"\nThe event will wait in the dead letters: weir dlq show {event_id}"
    return told


def show_sale(
    reference: Annotated[str, typer.Argument(help="the sale's reference, <channel>:<order id>")],
    as_json: Annotated[bool, typer.Option("--json", help="print the sale as JSON")] = False,
) -> None:
    """Show the ERP's sale for an order reference."""
    erp = build_erp(settings(ErpSettings))
    try:
        sale = erp.find_sale(reference)
    except ErpError as exc:
        fail(f"the ERP did not answer: {exc}")
    finally:
        erp.close()
    if sale is None:
        fail(f"no sale with reference {reference} in the ERP (yet)")
    if as_json:
        print(sale.model_dump_json())
    else:
        console().print(_sale_table(sale))


def _channel(name: str) -> SampleChannel:
    service = settings(ServiceSettings)
    receiver = settings(ReceiverSettings)
    try:
        channels = load_channels(
            receiver.channels_file,
            environ=os.environ,
            tolerance_seconds=receiver.timestamp_tolerance_seconds,
            production=service.production,
        )
    except ConfigError as exc:
        fail(str(exc))
    if name not in channels:
        fail(f"no channel {name!r} in {receiver.channels_file}; known: {', '.join(channels)}")
    return _sample_channel(channels[name])


def _sample_channel(channel: Channel) -> SampleChannel:
    return SampleChannel(channel.name, channel.provider.name, channel.secrets, channel.options)


def _kind(event: str) -> SampleKind:
    if event not in get_args(SampleKind):
        fail(f"--event {event!r}: expected order, {', '.join(get_args(SampleKind))}")
    return cast(SampleKind, event)


def _lines(specs: list[str]) -> tuple[tuple[str, int, str], ...]:
    lines = []
    for spec in specs:
        parts = spec.split(":")
        if len(parts) != 3 or not parts[1].isdigit():
            fail(f"--sku {spec!r}: expected SKU:QUANTITY:PRICE, e.g. SKU-0003:1:13.00")
        lines.append((parts[0], int(parts[1]), str(Decimal(parts[2]))))
    return tuple(lines)


def _sale_table(sale: SaleRecord) -> Table:
    table = Table(title=escape(f"Sale {sale.number or '-'} [{sale.reference}]: {sale.state}, total {sale.total}"))
    for column in ("SKU", "quantity", "unit price"):
        table.add_column(column, justify="left" if column == "SKU" else "right")
    # The goods, then the discounts, shipping, fees and taxes that make up the total.
    for line in (*sale.lines, *sale.money):
        table.add_row(line.sku, f"{line.quantity.normalize():f}", str(line.unit_price))
    return table
