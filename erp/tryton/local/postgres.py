"""The embedded Tryton on PostgreSQL behind gunicorn: production's shape, on this machine.

The embedded Tryton is one trytond process on SQLite. Production serves ``trytond.application``
from several WSGI worker processes on PostgreSQL (docs/production.md); :class:`PostgresTryton`
runs that for benchmarks and tests: a template database provisioned once like the golden one
(the sale module, the demo master data, the unique sale-reference index), a fresh copy of it per
run, and gunicorn with ``workers`` synchronous worker processes serving it.

    >>> with PostgresTryton("postgresql://postgres@127.0.0.1:5432/", 8791, workers=2, work=Path("/tmp/x")) as erp:
    ...     settings = erp.settings()

Needs gunicorn and psycopg (the ``erp`` extra) and a PostgreSQL role that may create databases.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import psycopg
from pydantic import AnyHttpUrl, SecretStr

from erp.errors import ErpError
from erp.settings import ErpSettings
from erp.tryton.client import TrytonClient
from erp.tryton.local.config import CONFIG_NAME, write_config
from erp.tryton.local.golden import PROVISION_VERSION, demo_credentials
from erp.tryton.local.provision import UNIQUE_REFERENCE, activate_sale

__all__ = ["PostgresTryton", "template_name"]


def template_name() -> str:
    """The template database of the current provision version (older ones are left alone)."""
    return f"weir_golden_v{PROVISION_VERSION}"


class PostgresTryton:
    """A copy of the template database served by gunicorn on ``127.0.0.1:<port>``."""

    def __init__(self, uri: str, port: int, *, workers: int, work: Path) -> None:
        self.uri, self.port, self.workers = uri, port, workers
        self.database = f"weir_{secrets.token_hex(4)}"
        self._work = work / self.database
        self._config = self._work / CONFIG_NAME
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def pid(self) -> int | None:
        """gunicorn's arbiter, which leads the process group of its workers."""
        return None if self._process is None else self._process.pid

    def settings(self) -> ErpSettings:
        user, password = demo_credentials()
        return ErpSettings(url=AnyHttpUrl(self.url), database=self.database, user=user, password=SecretStr(password))

    def start(self) -> None:
        """Copy the template (provisioning it first if missing), start gunicorn, wait for a login."""
        write_config(self._work, listen=f"127.0.0.1:{self.port}", uri=self.uri)
        self._ensure_template()
        self._admin(f'CREATE DATABASE "{self.database}" TEMPLATE "{template_name()}"')
        env = {**os.environ, "TRYTOND_CONFIG": str(self._config), "TRYTOND_DATABASE_NAMES": self.database}
        command = [sys.executable, "-m", "gunicorn", "--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}"]
        log = (self._work / "gunicorn.log").open("ab")
        self._process = subprocess.Popen(
            [*command, "trytond.application:app"], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        self._wait_for_login(time.monotonic() + 60)

    def stop(self) -> None:
        """Stop gunicorn and drop the copy. Idempotent."""
        process, self._process = self._process, None
        if process is not None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self._admin(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    def __enter__(self) -> PostgresTryton:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _ensure_template(self) -> None:
        name = template_name()
        if self._admin_rows("SELECT 1 FROM pg_database WHERE datname = %s", name):
            return
        print(f"provisioning the PostgreSQL template {name} (about 90 s, once)", flush=True)
        building = f"{name}_building"
        self._admin(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)')
        self._admin(f'CREATE DATABASE "{building}"')
        activate_sale(self._config, building)
        # Master data are loaded in a child process: proteus configures trytond globally.
        load = (
            "import sys; from pathlib import Path; from erp.tryton.local.golden import demo_credentials; "
            "from erp.tryton.local.masterdata import load_master_data; user, password = demo_credentials(); "
            "load_master_data(Path(sys.argv[1]), user=user, password=password, database=sys.argv[2])"
        )
        subprocess.run([sys.executable, "-c", load, str(self._config), building], check=True)
        with psycopg.connect(self._dsn(building), autocommit=True) as connection:
            connection.execute(UNIQUE_REFERENCE)
        self._admin(f'ALTER DATABASE "{building}" RENAME TO "{name}"')

    def _wait_for_login(self, deadline: float) -> None:
        client = TrytonClient.from_settings(self.settings().model_copy(update={"timeout_seconds": 2.0}))
        try:
            while True:
                try:
                    client.login()
                    return
                except ErpError:
                    if time.monotonic() > deadline or (self._process and self._process.poll() is not None):
                        raise
                time.sleep(0.2)
        finally:
            client.close()

    def _dsn(self, database: str) -> str:
        return f"{self.uri.rstrip('/')}/{database}"

    def _admin(self, statement: str) -> None:
        with psycopg.connect(self._dsn("postgres"), autocommit=True) as connection:
            connection.execute(statement)

    def _admin_rows(self, query: str, *params: object) -> list[tuple[object, ...]]:
        with psycopg.connect(self._dsn("postgres"), autocommit=True) as connection:
            return connection.execute(query, params).fetchall()
