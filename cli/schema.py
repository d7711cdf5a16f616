"""``weir schema export``: write the canonical events' JSON Schema, one file per family."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.common import console, fail
from events.schema import write_schemas

__all__ = ["app"]

app = typer.Typer(help="The canonical events' JSON Schema.", no_args_is_help=True)


@app.command("export")
def export(
    output: Annotated[Path, typer.Option("--output", help="directory to write into")] = Path("schema"),
) -> None:
    """Write each canonical event family's JSON Schema (and their union) into a directory."""
    try:
        written = write_schemas(output)
    except OSError as exc:
        fail(f"cannot write the schemas into {output}: {exc.strerror or exc}")
    for path in written:
        console().print(f"Wrote {path}", highlight=False)
