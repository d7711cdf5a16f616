"""Real servers for tests: an ASGI app under uvicorn in a thread, and entry points as processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

import uvicorn
from starlette.types import ASGIApp

from tests.support.net import eventually, free_port

__all__ = ["AppServer", "ServiceProcess"]

REPO = Path(__file__).resolve().parents[2]


class AppServer:
    """Serves ``app`` with uvicorn on a free local port for the duration of a ``with`` block."""

    def __init__(self, app: ASGIApp) -> None:
        self.port = free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="uvicorn", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> AppServer:
        self._thread.start()
        eventually(lambda: self._server.started, timeout=15, what="uvicorn to start")
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=15)


class ServiceProcess:
    """One of Weir's entry points (``python -m receivers``, ``python -m workers critical``) as a
    real child process, its output kept in a log file for the failure report."""

    def __init__(self, args: list[str], env: Mapping[str, str], log: Path) -> None:
        self._args = [sys.executable, *args]
        self._env = {**os.environ, **env}
        self._log_path = log
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> ServiceProcess:
        log = self._log_path.open("ab")
        self._process = subprocess.Popen(
            self._args, cwd=REPO, env=self._env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        return self

    @property
    def pid(self) -> int:
        assert self._process is not None
        return self._process.pid

    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def log(self) -> str:
        return self._log_path.read_text(errors="replace") if self._log_path.exists() else ""

    def kill(self) -> None:
        """SIGKILL the whole process group, as the kernel's OOM killer or a host loss would."""
        if self.alive():
            os.killpg(self.pid, signal.SIGKILL)
            self.wait(10)

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM, then SIGKILL if it has not exited within ``timeout`` seconds."""
        if not self.alive():
            return
        os.killpg(self.pid, signal.SIGTERM)
        try:
            self.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def wait(self, timeout: float) -> int:
        assert self._process is not None
        return self._process.wait(timeout)
