"""The console process: ``python -m console`` serves the console with uvicorn."""

from __future__ import annotations

import sys

import uvicorn

from console.app import create_app
from console.settings import build_config
from weir.errors import ConfigError
from weir.logs import configure_logging
from weir.reporting import init_reporting

__all__ = ["main"]


def main() -> int:
    """Check the settings (the token above all), then serve until stopped. Returns the exit status."""
    try:
        config = build_config()
    except ConfigError as exc:
        print(f"weir console: {exc}", file=sys.stderr)
        return 2
    service = config.oncall.service
    configure_logging(service.log_level, service.log_format)
    init_reporting(service)
    settings = config.console
    print(f"weir console: open http://{settings.host}:{settings.port}/ (log in with WEIR_CONSOLE_TOKEN)", flush=True)
    uvicorn.run(
        create_app(config),
        host=settings.host,
        port=settings.port,
        log_config=None,
        # The audit log names the peer's address: forwarded headers count only from the proxy named.
        proxy_headers=bool(settings.forwarded_allow_ips.strip()),
        forwarded_allow_ips=settings.forwarded_allow_ips.strip() or None,
        server_header=False,
    )
    return 0
