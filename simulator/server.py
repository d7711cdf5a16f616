"""``python -m simulator``: run the ERP simulator until stopped."""

from __future__ import annotations

import argparse
import sys
from typing import Any

import uvicorn

from simulator.app import create_app
from simulator.settings import SimulatorSettings
from weir.errors import ConfigError
from weir.settings import load

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Read ``WEIR_SIM_*`` and the options, then serve. Returns the process exit status."""
    options = _parser().parse_args(argv)
    overrides: dict[str, Any] = {name: value for name, value in vars(options).items() if value is not None}
    try:
        settings = load(SimulatorSettings, **overrides)
    except ConfigError as exc:
        print(f"weir simulator: {exc}", file=sys.stderr)
        return 2
    if settings.port == settings.admin_port:
        print("weir simulator: WEIR_SIM_ADMIN_PORT: must differ from the ERP port", file=sys.stderr)
        return 2
    print(
        f"weir simulator: ERP on http://{settings.host}:{settings.port}/, "
        f"admin on http://{settings.host}:{settings.admin_port}/_admin/",
        flush=True,
    )
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.admin_port,
        # The front needs the standard loop: it closes a listening socket synchronously.
        loop="asyncio",
        lifespan="on",
        access_log=False,
        server_header=False,
        log_level="warning",
        # Requests held by a long programmed latency must not keep a stopping simulator alive.
        timeout_graceful_shutdown=5,
    )
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m simulator", description="Run Weir's ERP simulator.")
    parser.add_argument("--host", help="address of both ports (WEIR_SIM_HOST, default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="the ERP's port (WEIR_SIM_PORT, default 8200)")
    parser.add_argument("--admin-port", type=int, help="the admin port (WEIR_SIM_ADMIN_PORT, default 8201)")
    parser.add_argument("--seed", type=int, help="seed of latencies and errors (WEIR_SIM_SEED)")
    return parser
