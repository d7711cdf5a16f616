"""Real servers for tests: an ASGI app under uvicorn in a thread, and entry points as processes."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import uvicorn
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import ASGIApp

from tests.support.net import eventually, free_port

__all__ = ["AppServer", "ScriptedApi", "ServiceProcess"]

REPO = Path(__file__).resolve().parents[2]


class AppServer:
    """Serves ``app`` with uvicorn on a free local port for the duration of a ``with`` block;
    ``options`` are more of uvicorn's settings."""

    def __init__(self, app: ASGIApp, **options: Any) -> None:
        self.port = free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on", **options)
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


@dataclass
class _Answer:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


class ScriptedApi:
    """A fake HTTP API serving ``routes`` on an :class:`AppServer` while in a ``with`` block,
    whose next answers a test can script (:meth:`answer_next`, ended by :meth:`recover`) and delay
    (:meth:`stall`).

    Its handlers call :meth:`_scripted` first and give the answer it returns, if any; subclasses
    guard their own state with ``_lock``.
    """

    def __init__(self, routes: Sequence[Route]) -> None:
        self._answers: list[_Answer] = []
        self._stall_seconds = 0.0
        self._lock = threading.Lock()
        self._server = AppServer(Starlette(routes=list(routes)))

    @property
    def url(self) -> str:
        return self._server.url

    def answer_next(
        self, status: int, *, times: int = 1, body: Any = None, headers: dict[str, str] | None = None
    ) -> None:
        """Answer the next ``times`` requests with ``status`` (and the API's own error body
        unless ``body``)."""
        answer = _Answer(status, self._error_body(status) if body is None else body, headers or {})
        with self._lock:
            self._answers.extend(answer for _ in range(times))

    def recover(self) -> None:
        """Drop the answers scripted and not given yet: an outage scripted as many 5xx ends."""
        with self._lock:
            self._answers.clear()

    def stall(self, seconds: float) -> None:
        """Wait ``seconds`` before answering each request (0 to stop)."""
        self._stall_seconds = seconds

    def __enter__(self) -> Self:
        self._server.__enter__()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stall(0)
        self._server.__exit__(kind, error, trace)

    def _error_body(self, status: int) -> Any:
        """The body of an answer scripted without one."""
        return {"error": f"HTTP {status} from {type(self).__name__}"}

    async def _scripted(self) -> JSONResponse | None:
        """Wait out the stall, then the next scripted answer, if one is queued."""
        if self._stall_seconds:
            await asyncio.sleep(self._stall_seconds)
        with self._lock:
            answer = self._answers.pop(0) if self._answers else None
        return None if answer is None else JSONResponse(answer.body, answer.status, headers=answer.headers)


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
