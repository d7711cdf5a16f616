"""The ``trytond.conf`` of the embedded Tryton, shared by provisioning and the server runner.

The database is SQLite: one file, ``<data dir>/<DATABASE>.sqlite``, which trytond does not create
itself (it answers ``Database '...' doesn't exist!``), so callers touch it first.
"""

from __future__ import annotations

import sys
from pathlib import Path

__all__ = ["CONFIG_NAME", "DATABASE", "database_file", "tryton_script", "write_config"]

#: The Tryton database name: the server runs with ``-d erp`` and clients post to ``/erp/rpc/``.
DATABASE = "erp"

#: The file name of the config written into each golden or data directory.
CONFIG_NAME = "trytond.conf"

_TEMPLATE = """\
# Written by erp.tryton.local; rewritten on every start, do not edit.
[database]
{database}language = en

[web]
listen = {listen}

[session]
authentications = password
# Idle lifetime of a JSON-RPC session, in seconds; the default 300 would force frequent re-logins.
timeout = 86400

[password]
length = 8

[queue]
# No separate trytond-worker: queued tasks (sale.process after confirm) run right after commit.
worker = False
"""

_SQLITE = """\
uri = sqlite://
path = {data_dir}
list = True
# Retries of a write transaction that hit "database is locked" (SQLite serialises writers).
retry = 5
"""


def database_file(data_dir: Path) -> Path:
    """The SQLite file holding the database in ``data_dir``."""
    return data_dir / f"{DATABASE}.sqlite"


def write_config(data_dir: Path, *, listen: str = "127.0.0.1:8100", uri: str | None = None) -> Path:
    """Write ``<data_dir>/trytond.conf`` for a SQLite database in ``data_dir``, or for the
    databases of the server at ``uri`` (``postgresql://user@host:port/``); return its path.

    ``listen`` is ``host:port`` for the HTTP server (unused by provisioning). The directory is
    created when missing; an existing config is replaced.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / CONFIG_NAME
    database = _SQLITE.format(data_dir=data_dir.resolve()) if uri is None else f"uri = {uri}\n"
    path.write_text(_TEMPLATE.format(database=database, listen=listen))
    return path


def tryton_script(name: str) -> Path:
    """A console script of this virtualenv's trytond (``trytond``, ``trytond-admin``)."""
    return Path(sys.executable).parent / name
