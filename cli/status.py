"""``weir status``: the fleet at a glance."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.common import console, emit_json, open_oncall
from cli.render import status_view

__all__ = ["status"]


def status(
    as_json: Annotated[bool, typer.Option("--json", help="print the status as JSON")] = False,
    strict: Annotated[bool, typer.Option(help="exit 1 on any alert, a lane without workers too")] = False,
) -> None:
    """Per lane: its workers; what waits, runs and died, how old and how fast; the ERP's rate and breaker; alerts."""
    with open_oncall() as oncall:
        snapshot = oncall.status()
    if as_json:
        emit_json(snapshot)
    else:
        console().print(status_view(snapshot))
    if strict and snapshot.alerts:
        raise typer.Exit(1)
