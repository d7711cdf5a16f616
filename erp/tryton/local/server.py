"""The embedded ERP process: ``python -m erp.tryton.local.server`` (the Procfile's ``erp``).

Seeds the data directory from the golden database if it has no database yet, writes its
config, then replaces itself with trytond, so signals and output go straight to trytond.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from pathlib import Path

from erp.settings import ErpSettings
from erp.tryton.local.config import database_file
from erp.tryton.local.process import LocalTryton
from weir.errors import ConfigError
from weir.settings import load

__all__ = ["main"]


def _parser(default_port: int) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m erp.tryton.local.server",
        description="Serve the embedded Tryton, seeding its data directory from the golden database.",
    )
    parser.add_argument("--golden", type=Path, default=Path("var/tryton/golden"), help="golden directory")
    parser.add_argument("--data", type=Path, default=Path("var/tryton/data"), help="data directory")
    parser.add_argument("--port", type=int, default=default_port, help="default: the port of WEIR_ERP_URL")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Seed the data directory if needed, then replace this process with trytond.

    Returns 2 (without starting anything) when the settings are invalid or there is no golden.
    """
    try:
        default_port = load(ErpSettings).url.port or 8100
        args = _parser(default_port).parse_args(argv)
        server = LocalTryton(args.golden, args.data, args.port)
        command = server.prepare()
    except ConfigError as exc:
        print(f"server: {exc}", flush=True)
        return 2
    print(f"server: serving {database_file(server.data_dir)} at {server.url}", flush=True)
    os.execv(command[0], command)


if __name__ == "__main__":
    raise SystemExit(main())
