"""What every ``weir`` command shares: settings, errors, output, and the on-call view of the fleet."""

from __future__ import annotations

import dataclasses
import getpass
import json
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, NoReturn, TypeVar

import typer
from pydantic import BaseModel
from pydantic_settings import BaseSettings
from rich.console import Console

from oncall.fleet import OnCall, load_config
from oncall.since import parse_since as since
from weir.errors import ConfigError, WeirError
from weir.settings import load

__all__ = ["console", "emit_json", "fail", "open_oncall", "operator", "parse_since", "settings"]

S = TypeVar("S", bound=BaseSettings)


def console() -> Console:
    """A console on standard output, sized when called: ``COLUMNS`` or the terminal as they are
    when the command prints, not as they were when ``weir`` was imported."""
    return Console()


def settings(settings_class: type[S]) -> S:
    """Build ``settings_class`` from the environment, or stop naming the bad variable."""
    try:
        return load(settings_class)
    except ConfigError as exc:
        fail(str(exc))


def fail(message: str, code: int = 2) -> NoReturn:
    """Print ``message`` to standard error and exit with ``code``."""
    Console(stderr=True).print(f"[red]weir:[/] {message}", highlight=False)
    raise typer.Exit(code)


def emit_json(value: Any) -> None:
    """Print ``value`` (pydantic models included) as one JSON document on standard output."""
    sys.stdout.write(json.dumps(_plain(value), default=str) + "\n")


@contextmanager
def open_oncall() -> Iterator[OnCall]:
    """The fleet of ``WEIR_NAMESPACE``, closed after the command; Weir's errors end it cleanly."""
    try:
        config = load_config()
    except ConfigError as exc:
        fail(str(exc))
    oncall = OnCall(config)
    try:
        yield oncall
    except WeirError as exc:
        fail(str(exc))
    finally:
        oncall.close()


def parse_since(value: str | None) -> datetime | None:
    """``15m``, ``2h``, ``3d`` ago, or an ISO 8601 time (UTC if it names no zone)."""
    if value is None:
        return None
    try:
        return since(value)
    except ValueError as exc:
        fail(f"--since {exc}")


def operator() -> str:
    """Who is acting, for the audit log: ``user@host``."""
    return f"{getpass.getuser()}@{socket.gethostname()}"


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _plain(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value
