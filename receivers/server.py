"""The receiver process: ``python -m receivers`` serves webhooks with uvicorn."""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from collections.abc import Mapping
from typing import Any

import uvicorn
from starlette.types import ASGIApp

from oncall.fleet import OnCall
from oncall.fleet import load_config as load_oncall_config
from oncall.metrics import FleetCollector
from oncall.reading import FleetReader
from queues.upgrade import check_lanes
from receivers.app import create_app
from receivers.config import build_config
from receivers.metrics import MULTIPROCESS_VARIABLE
from receivers.protocol import ReceiverProtocol
from weir.errors import ConfigError
from weir.logs import configure_logging
from weir.reporting import init_reporting

__all__ = ["SERVER_OPTIONS", "app_from_environment", "build_config", "main"]

#: How uvicorn serves the receiver, in production and in the tests.
SERVER_OPTIONS: Mapping[str, Any] = {
    "http": ReceiverProtocol,
    "ws": "none",
    "access_log": False,
    # Providers post directly; nothing here reads client addresses from proxy headers.
    "proxy_headers": False,
    "server_header": False,
}


def app_from_environment() -> ASGIApp:
    """The uvicorn factory: each server process builds its own application and connections."""
    config = build_config()
    configure_logging(config.service.log_level, config.service.log_format)
    init_reporting(config.service)
    fleet = FleetCollector(FleetReader(OnCall(load_oncall_config())))
    return create_app(config, fleet=fleet)


def main() -> int:
    """Check the settings, then serve until stopped. Returns the process exit status."""
    try:
        config = build_config()
        load_oncall_config()
        check_lanes(str(config.broker.url), config.service.namespace)
    except ConfigError as exc:
        print(f"weir receiver: {exc}", file=sys.stderr)
        return 2
    settings = config.receiver
    if settings.web_processes > 1:
        _share_metrics_between_processes()
    print(f"weir receiver: post webhooks to http://{settings.host}:{settings.port}/webhooks/<channel>", flush=True)
    uvicorn.run(
        "receivers.server:app_from_environment",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.web_processes,
        log_config=None,
        **SERVER_OPTIONS,
    )
    return 0


def _share_metrics_between_processes() -> None:
    """Let the server processes count into one set of files, fresh for this run (see
    :mod:`receivers.metrics`); the server processes inherit the variable."""
    if MULTIPROCESS_VARIABLE not in os.environ:
        directory = tempfile.mkdtemp(prefix="weir-metrics-")
        atexit.register(shutil.rmtree, directory, ignore_errors=True)
        os.environ[MULTIPROCESS_VARIABLE] = directory
