"""The receiver process: ``python -m receivers`` serves webhooks with uvicorn."""

from __future__ import annotations

import sys

import uvicorn
from starlette.types import ASGIApp

from receivers.app import create_app
from receivers.config import build_config
from weir.errors import ConfigError
from weir.logs import configure_logging
from weir.reporting import init_reporting

__all__ = ["app_from_environment", "build_config", "main"]


def app_from_environment() -> ASGIApp:
    """The uvicorn factory: each server process builds its own application and connections."""
    config = build_config()
    configure_logging(config.service.log_level)
    init_reporting(config.service)
    return create_app(config)


def main() -> int:
    """Check the settings, then serve until stopped. Returns the process exit status."""
    try:
        config = build_config()
    except ConfigError as exc:
        print(f"weir receiver: {exc}", file=sys.stderr)
        return 2
    settings = config.receiver
    print(f"weir receiver: post webhooks to http://{settings.host}:{settings.port}/webhooks/<channel>", flush=True)
    uvicorn.run(
        "receivers.server:app_from_environment",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.web_processes,
        access_log=False,
        log_config=None,
        # Providers post directly; nothing here reads client addresses from proxy headers.
        proxy_headers=False,
        server_header=False,
    )
    return 0
