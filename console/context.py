"""What every view works with, kept on the application's state."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from starlette.requests import HTTPConnection

from console.auth import SessionKeys
from console.pages import Pages
from oncall.fleet import OnCall

__all__ = ["ConsoleContext", "context_of"]


@dataclass(frozen=True)
class ConsoleContext:
    """The fleet (``oncall``), the pages, the session keys, and how long a session lasts."""

    oncall: OnCall
    pages: Pages
    keys: SessionKeys
    session_seconds: int


def context_of(connection: HTTPConnection) -> ConsoleContext:
    """The context :func:`console.app.create_app` put on the application."""
    return cast(ConsoleContext, connection.app.state.console)
