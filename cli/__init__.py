"""``weir``: the command line for people running Weir.

``weir status`` shows the fleet; ``weir reconcile`` finds the orders no webhook brought;
``weir dlq ...`` handles dead letters; ``weir send-sample`` and
``weir sale`` post a signed sample order and show its sale in the ERP; ``weir catalogue add``
adds a product to the embedded Tryton.
"""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from cli import catalogue, dlq, schema
from cli.reconcile import reconcile
from cli.samples import send_sample, show_sale
from cli.status import status
from weir.errors import WeirError

__all__ = ["app", "main"]

app = typer.Typer(help="Weir: webhooks in, an ERP that never drowns.", no_args_is_help=True)
app.command("status")(status)
app.command("reconcile")(reconcile)
app.add_typer(dlq.app, name="dlq")
app.command("send-sample")(send_sample)
app.command("sale")(show_sale)
app.add_typer(catalogue.app, name="catalogue")
app.add_typer(schema.app, name="schema")


def main() -> None:
    """The ``weir`` console script."""
    try:
        app()
    except WeirError as exc:
        Console(stderr=True).print(f"[red]weir:[/] {exc}")
        sys.exit(2)
