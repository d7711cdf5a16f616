"""The embedded Tryton as a child process: :class:`LocalTryton`, for tests and the CLI.

Each run serves a data directory seeded from the golden database on first use, so demo data
survives restarts and the golden itself is never written to.

    >>> with LocalTryton(Path("var/tryton/golden"), Path("var/tryton/data"), 8100) as tryton:
    ...     erp = TrytonErp.from_settings(tryton.settings())
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path
from types import TracebackType
from typing import IO

from pydantic import AnyHttpUrl, SecretStr

from erp.errors import EXCERPT_CHARS, ErpError, ErpUnavailable
from erp.settings import ErpSettings
from erp.tryton.client import TrytonClient
from erp.tryton.local.config import DATABASE, database_file, tryton_script, write_config
from erp.tryton.local.golden import demo_credentials
from weir.errors import ConfigError

__all__ = ["LOG_NAME", "LocalTryton", "seed_database"]

LOG_NAME = "trytond.log"

# How often start() retries its login while trytond boots, in seconds (about 1 s in total).
_POLL_SECONDS = 0.1


def seed_database(golden_dir: Path, data_dir: Path) -> bool:
    """Copy the golden database into ``data_dir`` unless one is already there; say if it copied.

    Raises:
        ConfigError: there is no golden database to copy.
    """
    target = database_file(data_dir)
    if target.exists():
        return False
    source = database_file(golden_dir)
    if not source.is_file():
        raise ConfigError(f"no golden Tryton database at {source}: run python -m erp.tryton.local.provision")
    data_dir.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.copying-{os.getpid()}")
    shutil.copyfile(source, staging)
    staging.replace(target)
    return True


class LocalTryton:
    """One trytond process serving ``data_dir`` on ``127.0.0.1:<port>``, as a subprocess.

    Its output goes to ``<data_dir>/trytond.log``.
    """

    def __init__(self, golden_dir: Path, data_dir: Path, port: int, *, host: str = "127.0.0.1") -> None:
        self.golden_dir, self.data_dir = golden_dir.resolve(), data_dir.resolve()
        self.host, self.port = host, port
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def pid(self) -> int | None:
        """trytond's process id while it runs (``None`` before :meth:`start` and after :meth:`stop`)."""
        return None if self._process is None else self._process.pid

    @property
    def url(self) -> str:
        """The server's base URL; JSON-RPC lives at ``<url>erp/rpc/``."""
        return f"http://{self.host}:{self.port}/"

    def settings(self) -> ErpSettings:
        """Settings that reach this server as Weir's demo user."""
        user, password = demo_credentials()
        return ErpSettings(url=AnyHttpUrl(self.url), database=DATABASE, user=user, password=SecretStr(password))

    def prepare(self) -> list[str]:
        """Write the config and seed the database; return the command that serves it."""
        config_file = write_config(self.data_dir, listen=f"{self.host}:{self.port}")
        seed_database(self.golden_dir, self.data_dir)
        # -d preloads the database's pool: without it every login fails with a KeyError.
        return [str(tryton_script("trytond")), "-c", str(config_file), "-d", DATABASE]

    def start(self, *, ready_within_seconds: float = 60.0) -> None:
        """Start trytond and return once Weir's user can log in.

        Raises:
            ErpUnavailable: trytond exited, refused the login, or was not ready in time; the
                excerpt holds the end of its log.
        """
        if self._process is not None:
            raise ValueError("this LocalTryton is already started")
        command = self.prepare()
        self._log = (self.data_dir / LOG_NAME).open("ab")
        self._process = subprocess.Popen(command, stdout=self._log, stderr=subprocess.STDOUT)
        try:
            self._wait_until_ready(self._process, time.monotonic() + ready_within_seconds)
        except BaseException:
            self.stop()
            raise

    def stop(self, *, grace_seconds: float = 10.0) -> None:
        """Terminate trytond, killing it if it outlives ``grace_seconds``. Idempotent."""
        process, self._process = self._process, None
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=grace_seconds)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> LocalTryton:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _wait_until_ready(self, process: subprocess.Popen[bytes], deadline: float) -> None:
        client = TrytonClient.from_settings(self.settings().model_copy(update={"timeout_seconds": 2.0}))
        try:
            while not self._logged_in(client):
                if time.monotonic() > deadline:
                    raise self._failure(f"trytond was not ready within the deadline at {self.url}")
                self._pause(process)
        finally:
            client.close()

    def _logged_in(self, client: TrytonClient) -> bool:
        try:
            client.login()
        except ErpError as exc:
            # A refused password is final, and retrying it would trip Tryton's login throttling.
            if exc.status in (401, 403, 429):
                raise self._failure(f"trytond refused Weir's demo login: {exc}") from exc
            return False
        return True

    def _pause(self, process: subprocess.Popen[bytes]) -> None:
        """Wait one poll interval, or less if trytond exits meanwhile (then fail)."""
        try:
            status = process.wait(timeout=_POLL_SECONDS)
        except subprocess.TimeoutExpired:
            return
        raise self._failure(f"trytond exited with status {status} before it was ready")

    def _failure(self, message: str) -> ErpUnavailable:
        return ErpUnavailable(message, excerpt=self._log_tail())

    def _log_tail(self) -> str:
        """The end of trytond's log, where its last complaint is; errors keep this much."""
        if self._log is not None:
            self._log.flush()
        text = (self.data_dir / LOG_NAME).read_text(errors="replace")
        return text[-EXCERPT_CHARS:]
